"""Market-data benchmarks, one command: ``.venv/bin/python bench/market.py`` (see bench/README.md).

(a) analytics on 2,500 daily bars (bundled AAPL): our KPIs, MA 20/50, RSI, MACD and Bollinger against
    the same figures from ``ta`` and pandas called directly, in the same run;
(b) the cached ``GET /api/stock/AAPL`` under gunicorn (2 workers) against a bare Flask route returning a
    small JSON object (bench/bare_app.py), same gunicorn settings, same run, loopback only.
(c) issue 13 (bench/market_watch.py): quotes for 20 symbols with a warm cache, compare 5 symbols over 5
    years, the market overview, a signal with its backtest on 10 years of daily bars, and ``flask alerts
    check``'s work for 1,000 alerts over 100 symbols, in-process on a temporary SQLite database.
Prints a table with the targets and PASS/FAIL; exits 1 when a target is missed.
"""

import argparse
import contextlib
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

BARS = 2500
API_PATH = "/api/stock/AAPL"
BARE_PATH = "/ping"
# wrk prints p50..p99 with --latency but not p95; its Lua `done` hook can report any percentile.
WRK_REPORT = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


# --- (a) analytics ---


def sample_frame(bars=BARS):
    from financial_dashboard.market.providers.sample_provider import SampleProvider

    frame = SampleProvider().fetch_ohlcv("AAPL")
    if len(frame) < bars:
        raise SystemExit(f"The bundled AAPL data has only {len(frame)} bars.")
    return frame.iloc[-bars:].copy()


def ours(frame):
    from financial_dashboard.analytics.indicators import compute_indicators, moving_averages
    from financial_dashboard.analytics.kpis import compute_kpis

    close = frame["close"]
    return (compute_kpis(frame), moving_averages(close), compute_indicators(close, ("rsi", "macd", "bollinger")))


def direct(frame):
    """The same figures from ta and pandas, with none of our checks, conversions or None handling."""
    from ta.momentum import RSIIndicator
    from ta.trend import MACD, SMAIndicator
    from ta.volatility import BollingerBands

    close = frame["close"]
    returns = close.pct_change() * 100
    volatility = returns.std()
    kpis = {
        "latest_price": close.iloc[-1],
        "first_price": close.iloc[0],
        "return_pct": (close.iloc[-1] - close.iloc[0]) * 100 / close.iloc[0],
        "change": close.iloc[-1] - close.iloc[-2],
        "change_pct": (close.iloc[-1] - close.iloc[-2]) * 100 / close.iloc[-2],
        "high": frame["high"].max(),
        "low": frame["low"].min(),
        "volatility": volatility,
        "annualized_volatility_pct": volatility * math.sqrt(252),
        "max_drawdown_pct": ((close / close.cummax() - 1) * 100).min(),
        "average_volume": frame["volume"].mean(),
        "bars": len(frame),
    }
    macd = MACD(close, window_slow=26, window_fast=12, window_sign=9)
    bands = BollingerBands(close, window=20, window_dev=2)
    series = {
        "MA_20": SMAIndicator(close, 20).sma_indicator(),
        "MA_50": SMAIndicator(close, 50).sma_indicator(),
        "RSI_14": RSIIndicator(close, 14).rsi(),
        "macd": macd.macd(),
        "signal": macd.macd_signal(),
        "histogram": macd.macd_diff(),
        "middle": bands.bollinger_mavg(),
        "upper": bands.bollinger_hband(),
        "lower": bands.bollinger_lband(),
    }
    return kpis, series


def check_same_figures(frame):
    """Both paths must compute the same numbers, or the ratio compares different work."""
    import numpy as np

    kpis, averages, indicators = ours(frame)
    direct_kpis, direct_series = direct(frame)
    mine = dict(averages, **{name: s for group in indicators.values() for name, s in group.items()})
    for name, series in direct_series.items():
        if not np.allclose(mine[name].to_numpy(), series.to_numpy(), equal_nan=True):
            raise SystemExit(f"{name} differs between our analytics and ta")
    for name, value in direct_kpis.items():
        if not math.isclose(kpis[name], value, rel_tol=1e-9):
            raise SystemExit(f"KPI {name} differs: {kpis[name]} != {value}")


def analytics(runs):
    frame = sample_frame()
    check_same_figures(frame)
    for _ in range(5):  # warm-up: imports, ta's first calls
        ours(frame)
        direct(frame)
    timings = {"ours": [], "direct": []}
    for _ in range(runs):  # interleaved, so that drift in the machine's speed hits both alike
        for name, function in (("ours", ours), ("direct", direct)):
            start = time.perf_counter()
            function(frame)
            timings[name].append((time.perf_counter() - start) * 1000)
    return statistics.median(timings["ours"]), statistics.median(timings["direct"])


def payload_ms(runs):
    """For information: the whole answer (KPIs, MAs, four indicator bundles, 2,500 history rows as JSON lists)."""
    from financial_dashboard.market.serializers import market_payload
    from financial_dashboard.market.services import Bars

    bars = Bars("stock", "AAPL", "sample", "10y", "1d", sample_frame())
    names = ("bollinger", "ema", "macd", "rsi")
    market_payload(bars, names)
    timings = []
    for _ in range(max(5, runs // 10)):
        start = time.perf_counter()
        market_payload(bars, names)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


# --- (b) HTTP under gunicorn ---


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def gunicorn(app, path, env, cwd, log, workers):
    """Serve `app` with gunicorn on a free loopback port; stopped (only this process) on exit."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                app,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}{path}", process, log)
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load_wrk(url, seconds, threads, connections, script):
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50_us, p95_us, errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p95": p95_us / 1000,
        "requests": requests,
        "errors": errors,
    }


def load_python(url, seconds, threads, connections, script=None):
    """Fallback without wrk: `connections` client threads, a new connection per request (as wrk does here,
    since gunicorn's sync workers close each connection)."""
    del threads, script
    host, port = url.split("//")[1].split("/")[0].split(":")
    path = "/" + url.split("//")[1].split("/", 1)[1]
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                connection = HTTPConnection(host, int(port), timeout=10)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                failed += response.status != 200
            except OSError:
                failed += 1
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "requests": len(latencies),
        "errors": errors[0],
    }


def http(seconds, threads, connections, workers):
    use_wrk = shutil.which("wrk") is not None
    load = load_wrk if use_wrk else load_python
    tool = (
        f"wrk -t{threads} -c{connections} -d{seconds}s"
        if use_wrk
        else f"Python client, {connections} connections, {seconds} s"
    )
    with tempfile.TemporaryDirectory(prefix="fd-bench-") as tmp:
        tmp = Path(tmp)
        script = tmp / "report.lua"
        script.write_text(WRK_REPORT)
        log = tmp / "gunicorn.log"
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "FLASK_APP")}
        env.update(
            APP_ENV="development",
            MARKET_DATA_SOURCE="sample",
            DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
            PYTHONPATH=str(ROOT),
        )
        upgrade = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if upgrade.returncode:
            raise SystemExit(f"flask db upgrade failed:\n{upgrade.stdout}{upgrade.stderr}")
        results = {}
        with (
            gunicorn("wsgi:app", API_PATH, env, ROOT, log, workers) as api,
            gunicorn("bare_app:app", BARE_PATH, env, ROOT / "bench", log, workers) as bare,
        ):
            for name, url in (("api", api), ("bare", bare)):
                # Warm both workers (each has its own in-process cache), then measure at once: the
                # warm-up and the run together stay inside the API's 20-second cache window.
                load(url, 2, threads, connections, str(script))
                results[name] = load(url, seconds, threads, connections, str(script))
    return tool, results


# --- report ---


def row(label, measured, target, passed):
    verdict = "-" if passed is None else ("PASS" if passed else "FAIL")
    return f"{label:<52} {measured:>12} {target:>10}  {verdict}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="analytics runs per variant (default 200)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server (default 10)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--skip-http", action="store_true", help="without the HTTP benchmark (b)")
    parser.add_argument("--skip-watch", action="store_true", help="without the quotes/signals/alerts benchmarks (c)")
    args = parser.parse_args()

    mine, theirs = analytics(args.runs)
    payload = payload_ms(args.runs)
    lines = [
        row("benchmark", "measured", "target", None).replace(" -", "  "),
        "-" * 84,
        row(f"(a) analytics, {BARS} daily bars, ours (median of {args.runs})", f"{mine:.2f} ms", "< 50 ms", mine < 50),
        row("    ta + pandas called directly (median)", f"{theirs:.2f} ms", "", None),
        row("    ratio ours / direct", f"{mine / theirs:.2f}", "<= 1.2", mine / theirs <= 1.2),
        row("    market_payload, whole answer with 4 indicators", f"{payload:.2f} ms", "", None),
    ]
    failed = not (mine < 50 and mine / theirs <= 1.2)
    if not args.skip_http:
        tool, results = http(args.duration, args.threads, args.connections, args.workers)
        api, bare = results["api"], results["bare"]
        ratio = api["rps"] / bare["rps"]
        lines += [
            row(f"(b) GET {API_PATH} (cached), requests/s", f"{api['rps']:.0f}", "", None),
            row("    bare Flask JSON route, requests/s", f"{bare['rps']:.0f}", "", None),
            row("    requests/s ratio API / bare", f"{ratio:.2f}", ">= 0.6", ratio >= 0.6),
            row("    API latency p50", f"{api['p50']:.2f} ms", "", None),
            row("    API latency p95", f"{api['p95']:.2f} ms", "< 20 ms", api["p95"] < 20),
            row("    bare latency p50 / p95", f"{bare['p50']:.2f} / {bare['p95']:.2f} ms", "", None),
            row(
                "    errors (non-2xx, socket) API / bare",
                f"{api['errors']} / {bare['errors']}",
                "0",
                api["errors"] == bare["errors"] == 0,
            ),
        ]
        failed |= not (ratio >= 0.6 and api["p95"] < 20 and api["errors"] == bare["errors"] == 0)
        lines.append(
            f"load: {tool}, gunicorn {args.workers} sync workers each, 127.0.0.1, "
            f"MARKET_DATA_SOURCE=sample, in-process cache; {os.cpu_count()} CPUs shared by all"
        )
    if not args.skip_watch:
        import market_watch

        for label, measured, target in market_watch.run(min(args.runs, 50)):
            unit = "ms"
            lines.append(row(f"(c) {label}"[:52], f"{measured:.1f} {unit}", f"< {target} {unit}", measured < target))
            failed |= not measured < target
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
