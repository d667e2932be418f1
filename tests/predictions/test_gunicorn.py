"""An LSTM forecast under production gunicorn (gevent, one worker): the first request answers 202 and the
client polls; meanwhile the worker keeps answering other requests at once; the answer is 14 trading days
with bands and a backtest; and the worker process never loads TensorFlow (the child process that trains does)."""

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from financial_dashboard import create_app
from financial_dashboard.auth import services
from financial_dashboard.extensions import db
from tests.live_server import gunicorn

TINY_LSTM = json.dumps({"lstm": {"epochs": 2, "refit_epochs": 1, "units": [4, 2]}})


def token_for(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "g"})
    with app.app_context():
        upgrade()
        user = services.register_user({"email": "g@example.com", "password": "correct horse battery", "name": "G"})
        _, plain = services.issue_token(user, app.config["API_TOKEN_TTL"])
        db.engine.dispose()
    return plain


def get(url, token, timeout=60):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def worker_pids(port):
    """gunicorn processes serving ``port`` whose parent serves it too: the workers, not the master."""
    serving = {}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"127.0.0.1:{port}".encode() in (proc / "cmdline").read_bytes():
                status = (proc / "status").read_text()
                serving[int(proc.name)] = int(status.split("PPid:")[1].split()[0])
        except OSError:
            continue
    return [pid for pid, parent in serving.items() if parent in serving]


@pytest.mark.slow
def test_an_lstm_forecast_under_gunicorn_polls_keeps_the_worker_responsive_and_never_loads_tensorflow(tmp_path):
    database = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    token = token_for(database)
    env = {"PREDICTIONS_MODEL_OPTIONS": TINY_LSTM, "PREDICTIONS_WAIT_S": "1"}
    with gunicorn(tmp_path, database, workers=1, extra_env=env) as base:
        url = f"{base}/api/predictions/AAPL?model=lstm&days=14"
        status, headers, body = get(url, token)
        assert status == 202 and headers["Retry-After"] == "3" and body["status"] == "training"

        latencies, stop = [], threading.Event()

        def probe():
            while not stop.is_set():
                started = time.perf_counter()
                with urllib.request.urlopen(f"{base}/health", timeout=30) as response:
                    assert response.status == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.2)

        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        deadline = time.monotonic() + 240
        while status == 202 and time.monotonic() < deadline:
            time.sleep(int(headers["Retry-After"]))
            status, headers, body = get(url, token)
        stop.set()
        prober.join(30)

        assert status == 200, body
        assert len(body["predictions"]) == 14 and body["predictions"][0]["date"] == "2013-03-04"
        assert all(p["lower"] < p["upper"] for p in body["predictions"])
        assert body["backtest"]["origins"] == 60 and body["backtest"]["verdict"].startswith("Over the last 60 trading")
        # The worker kept answering while the LSTM trained: no request waited on the training.
        assert len(latencies) >= 5 and max(latencies) < 2, latencies
        port = base.rsplit(":", 1)[1]
        (worker,) = worker_pids(port)
        assert "tensorflow" not in Path(f"/proc/{worker}/maps").read_text()
