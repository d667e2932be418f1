"""TensorFlow stays out of the web process: starting the app, pages and every non-LSTM request never import it
(nor scikit-learn: models train in child processes; test_gunicorn.py shows that an LSTM forecast does not
import TensorFlow either), and gunicorn never preloads the app."""

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: this test process may have imported TensorFlow for other tests.
SCRIPT = r"""
import json, sys, time
from flask_migrate import upgrade
from financial_dashboard import create_app
from financial_dashboard.auth import services

HEAVY = ("tensorflow", "keras", "sklearn")  # trainings run in child processes
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1], "SECRET_KEY": "weight",
                  "MARKET_DATA_SOURCE": "sample",
                  "PREDICTIONS_MODEL_OPTIONS": {"random_forest": {"trees": 8, "refit_every": 10},
                                                "svr": {"refit_every": 5}}})
report = {"after_start": [m for m in HEAVY if m in sys.modules]}
with app.app_context():
    upgrade()
    user = services.register_user({"email": "w@example.com", "password": "correct horse battery", "name": "W"})
    user_id = user.get_id()
client = app.test_client()
with client.session_transaction() as session:
    session["_user_id"] = user_id
statuses = {}
for url in ["/", "/market?symbol=AAPL", "/predictions", "/predictions?symbol=AAPL&model=lstm&days=14",
            "/api/predictions/models", "/api/predictions/AAPL?model=random_forest&days=5",
            "/api/predictions/AAPL?model=svr&days=5", "/api/predictions/AAPL?model=naive&days=5",
            "/api/predictions/AAPL?model=drift&days=5", "/predictions?symbol=AAPL&model=svr&days=5", "/apispec.json"]:
    statuses[url] = client.get(url).status_code
report["statuses"] = statuses
report["after_light"] = [m for m in HEAVY if m in sys.modules]
print("REPORT " + json.dumps(report))
"""


def test_starting_the_app_and_serving_pages_and_non_lstm_requests_never_imports_tensorflow(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "weight.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("REPORT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    report = json.loads(lines[0].removeprefix("REPORT "))

    assert report["after_start"] == [] and report["after_light"] == []
    assert set(report["statuses"].values()) == {200}, report["statuses"]


def test_gunicorn_never_preloads_the_app_and_waits_longer_than_the_slowest_forecast_request():
    procfile = (ROOT / "Procfile").read_text()
    settings = (ROOT / "gunicorn.conf.py").read_text()
    assert "--preload" not in procfile and "preload_app" not in settings
    timeout = int(re.search(r'GUNICORN_TIMEOUT", "(\d+)"', settings).group(1))
    # A forecast request waits at most PREDICTIONS_WAIT_S for a training, plus a light training (~3 s)
    # and a market fetch (MARKET_TIMEOUT_S).
    assert timeout > config.Config.PREDICTIONS_WAIT_S + 3 + config.Config.MARKET_TIMEOUT_S


def test_model_options_from_the_environment_are_checked_when_the_app_starts(monkeypatch):
    from financial_dashboard import create_app

    def start(options):
        return create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "o",
                "PREDICTIONS_MODEL_OPTIONS": options,
            }
        )

    assert start({"lstm": {"epochs": 20}}).config["PREDICTIONS_MODEL_OPTIONS"] == {"lstm": {"epochs": 20}}
    for options, message in (({"lstm": {"epoch": 20}}, "'lstm' is not valid"), ({"prophet": {}}, "Unknown model")):
        with pytest.raises(RuntimeError, match=message):
            start(options)
    monkeypatch.setenv("PREDICTIONS_MODEL_OPTIONS", "{lstm: 1}")
    # A fresh read of config.py, not a reload: reloading would swap the config classes other tests hold.
    with pytest.raises(RuntimeError, match="PREDICTIONS_MODEL_OPTIONS must be JSON"):
        runpy.run_path(config.__file__)
