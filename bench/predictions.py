"""Forecast benchmarks, one command: ``.venv/bin/python bench/predictions.py`` (see bench/README.md).

On two years (504 daily closes) of bundled sample data:
(a) the LSTM's training as the app runs it (a child process: Python, TensorFlow, a 60-origin walk-forward
    backtest with its refits, the final fit), and one plain fit of the real configuration in this process;
(b) a 30-day forecast from the trained LSTM (one traced graph), against Keras ``predict`` called step by step;
(c) the random forest's and the SVR's training (backtest and final fit);
(d) the comparison table, every model against naive at 7 days, for AAPL and MSFT;
(e) the peak memory of a gunicorn worker (gevent, gunicorn.conf.py) that has served pages and non-LSTM
    forecasts, against the same worker before any request, and after an LSTM forecast.
Prints each figure with its target and PASS/FAIL; exits 1 when a target is missed.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLOSES = 504


def frame_of(symbol):
    from financial_dashboard.market.providers.sample_provider import SampleProvider

    return SampleProvider().fetch_ohlcv(symbol).iloc[-CLOSES:].copy()


def row(label, measured, target="", passed=None):
    verdict = "-" if passed is None else ("PASS" if passed else "FAIL")
    return f"{label:<60} {measured:>14} {target:>10}  {verdict}"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


# --- (a), (b): the LSTM ---


def lstm_figures(frame):
    from financial_dashboard.analytics.forecasting import create_model
    from financial_dashboard.analytics.forecasting.isolated import train_in_child

    trained, served = timed(train_in_child, "lstm", frame, timeout=600)
    child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from financial_dashboard.analytics.forecasting.lstm import tensorflow

    _, tf_import = timed(tensorflow)
    model, fit_s = timed(create_model("lstm").fit, frame["close"])
    _, first_s = timed(model.forecast, 30)
    runs = [timed(model.forecast, 30)[1] for _ in range(20)]
    # The slow way the issue warns about: Keras predict() per step, a new input each time.
    import numpy as np

    def step_by_step():
        logs = list(np.log(frame["close"].to_numpy()[-model.look_back :]))
        for _ in range(30):
            window = np.array(logs[-model.look_back :])
            x = ((window - window[-1]) / (model.scale * np.sqrt(model.look_back)))[None, :, None]
            logs.append(logs[-1] + float(model.net.predict(x, verbose=0)[0, 0]) * model.scale)

    eager = [timed(step_by_step)[1] for _ in range(3)]
    return {
        "served_s": served,
        "child_peak_mb": child_peak_mb,
        "info": trained.info,
        "tf_import_s": tf_import,
        "fit_s": fit_s,
        "fit_epochs": model.epochs_run,
        "first_forecast_ms": first_s * 1000,
        "forecast_ms": statistics.median(runs) * 1000,
        "eager_ms": statistics.median(eager) * 1000,
        "trained": trained,
    }


# --- (c), (d): the light models and the comparison ---


def light_training(frame, name, runs=3):
    from financial_dashboard.analytics.forecasting import training

    timings = [timed(training.train, name, frame)[1] for _ in range(runs)]
    return statistics.median(timings)


def compare(symbol, frame, lstm=None):
    from financial_dashboard.analytics.forecasting import training
    from financial_dashboard.analytics.forecasting.backtest import verdict

    out = []
    for name in ("naive", "drift", "lstm", "random_forest", "svr"):
        trained = lstm if (name == "lstm" and lstm is not None) else training.train(name, frame)
        day7 = trained.horizons[6]
        out.append(
            (
                name,
                day7["model"]["mae"],
                day7["model"]["directional_accuracy_pct"],
                day7["ratio_to_naive"],
                verdict(name, day7),
            )
        )
    return out


# --- (e): a web worker's memory ---


def worker_memory(tmp):
    from flask_migrate import upgrade

    from financial_dashboard import create_app
    from financial_dashboard.auth import services
    from financial_dashboard.extensions import db
    from tests.live_server import free_port

    database = f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "MARKET_DATA_SOURCE": "sample"})
    with app.app_context():
        upgrade()
        user = services.register_user({"email": "b@example.com", "password": "correct horse battery", "name": "B"})
        _, token = services.issue_token(user, app.config["API_TOKEN_TTL"])
        db.engine.dispose()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_APP")}
    env.update(
        APP_ENV="production",
        SECRET_KEY="bench",
        DATABASE_URL=database,
        MARKET_DATA_SOURCE="sample",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    log = open(tmp / "gunicorn.log", "ab")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    master = subprocess.Popen(
        [gunicorn, "wsgi:app", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path):
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def peak_mb():
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        mapped = "tensorflow" in Path(f"/proc/{children[0]}/maps").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024, mapped

    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        idle = peak_mb()
        light = [
            "/",
            "/market?symbol=AAPL",
            "/api/stock/AAPL?period=1y&indicators=rsi,macd,bollinger",
            "/predictions",
            "/api/predictions/models",
        ]
        for model in ("naive", "drift", "random_forest", "svr"):
            light += [
                f"/api/predictions/AAPL?model={model}&days=14",
                f"/api/predictions/MSFT?model={model}&days=7",
                f"/predictions?symbol=AAPL&model={model}&days=14",
            ]
        statuses, seconds = {}, {}
        for path in light:
            statuses[path], seconds[path] = timed(get, path)
        served = peak_mb()
        started = time.perf_counter()
        while get("/api/predictions/AAPL?model=lstm&days=14") == 202 and time.perf_counter() - started < 600:
            time.sleep(3)
        after_lstm = peak_mb()
        # Answers from the stored LSTM training: a new horizon each time (built from the store), then cached.
        stored = [timed(get, f"/api/predictions/AAPL?model=lstm&days={days}")[1] for days in range(1, 31)]
        cached = [timed(get, "/api/predictions/AAPL?model=lstm&days=30")[1] for _ in range(20)]
        first = [
            seconds[f"/api/predictions/{symbol}?model={model}&days={days}"]
            for symbol, days in (("AAPL", 14), ("MSFT", 7))
            for model in ("random_forest", "svr")
        ]
        return {
            "idle": idle,
            "served": served,
            "after_lstm": after_lstm,
            "lstm_s": time.perf_counter() - started,
            "light_first_s": max(first),
            "stored_ms": statistics.median(stored) * 1000,
            "cached_ms": statistics.median(cached) * 1000,
            "bad": {p: s for p, s in statuses.items() if s != 200},
        }
    finally:
        master.terminate()
        master.wait(timeout=30)
        log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-worker", action="store_true", help="leave out (e), the gunicorn worker")
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")
    aapl, msft = frame_of("AAPL"), frame_of("MSFT")
    lines = [row("benchmark", "measured", "target").replace(" -", "  "), "-" * 92]
    failed = False

    lstm = lstm_figures(aapl)
    info = lstm["info"]
    served, forecast = lstm["served_s"], lstm["forecast_ms"]
    failed |= not (served <= 30 and forecast < 200)
    lines += [
        row(
            f"(a) LSTM training as served, {CLOSES} closes (child process)", f"{served:.1f} s", "<= 30 s", served <= 30
        ),
        row(
            f"    {info['refits']} fits (backtest and final), look-back {info['look_back']}", f"{info['epochs']} epochs"
        ),
        row("    TensorFlow import, measured in this process", f"{lstm['tf_import_s']:.1f} s"),
        row("    one fit of the real configuration, in this process", f"{lstm['fit_s']:.1f} s"),
        row("    epochs run by that fit (early stopping, max 40)", f"{lstm['fit_epochs']}"),
        row("    peak memory of the training child process", f"{lstm['child_peak_mb']:.0f} MB"),
        row(
            "(b) 30-day forecast from the trained LSTM (median of 20)", f"{forecast:.1f} ms", "< 200 ms", forecast < 200
        ),
        row("    first forecast (traces the graph once)", f"{lstm['first_forecast_ms']:.0f} ms"),
        row("    Keras predict() step by step, same model (median of 3)", f"{lstm['eager_ms']:.0f} ms"),
    ]
    for name in ("random_forest", "svr"):
        seconds = light_training(aapl, name)
        ok = seconds < 3
        failed |= not ok
        lines.append(row(f"(c) {name} training, backtest + final fit (median of 3)", f"{seconds:.2f} s", "< 3 s", ok))
    lines.append("")
    for symbol, frame, trained in (("AAPL", aapl, lstm["trained"]), ("MSFT", msft, None)):
        lines.append(f"(d) {symbol}, 7-day forecasts, last 60 origins:  model   MAE   direction   MAE / naive")
        for name, mae, direction, ratio, sentence in compare(symbol, frame, trained):
            shown = "-" if direction is None else f"{direction:.0f} %"
            lines.append(f"    {name:<14} {mae:8.3f} {shown:>8} {ratio:8.3f}   {sentence}")
    if not args.skip_worker:
        with tempfile.TemporaryDirectory(prefix="fd-bench-") as tmp:
            memory = worker_memory(Path(tmp))
        ok = memory["served"][0] < 200 and not memory["served"][1] and not memory["bad"] and memory["stored_ms"] < 1000
        failed |= not ok
        lines += [
            "",
            row(
                "(e) gunicorn worker peak RSS after pages + non-LSTM forecasts",
                f"{memory['served'][0]:.0f} MB",
                "< 200 MB",
                ok,
            ),
            row("    the same worker before any request", f"{memory['idle'][0]:.0f} MB"),
            row("    after an LSTM forecast (trained in a child)", f"{memory['after_lstm'][0]:.0f} MB"),
            row(
                "    TensorFlow mapped in the worker: after light / after LSTM",
                f"{memory['served'][1]} / {memory['after_lstm'][1]}",
                "False",
                not memory["after_lstm"][1],
            ),
            row("    slowest first forest / SVR forecast through the API", f"{memory['light_first_s']:.1f} s"),
            row("    first LSTM forecast through the API, until 200", f"{memory['lstm_s']:.1f} s"),
            row(
                "    LSTM answer from the stored training, each horizon",
                f"{memory['stored_ms']:.0f} ms",
                "< 1000 ms",
                memory["stored_ms"] < 1000,
            ),
            row("    the same answer from the cache (median of 20)", f"{memory['cached_ms']:.0f} ms"),
        ]
        if memory["bad"]:
            lines.append(f"    non-200 answers: {memory['bad']}")
    lines.append(
        f"sample data (bundled AAPL/MSFT daily, last {CLOSES} closes to 2013-03-01); "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
