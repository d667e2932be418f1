"""Issue 13's market benchmarks, run by bench/market.py: quotes, compare, overview, signals, alerts check.

Everything runs in one process on a temporary SQLite database with MARKET_DATA_SOURCE=sample: the four
bundled symbols plus generated daily bars stored as CSV imports (source ``import``) for the others, so no
network is involved. Requests go through the Flask test client (routing, validation, JSON encoding included).
"""

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

SAMPLE = ["AAPL", "GOOG", "IBM", "MSFT"]
END = "2013-03-01"


def _median_ms(function, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings)


def _app(tmp):
    from flask_migrate import upgrade

    from financial_dashboard import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'watch.db'}",
            "MARKET_DATA_SOURCE": "sample",
            "SECRET_KEY": "bench",
            "TESTING": True,
            "CACHE_TYPE": "SimpleCache",
        }
    )
    with app.app_context():
        upgrade()
    return app


def _import(symbols, start):
    import pandas as pd

    from financial_dashboard.market import store
    from financial_dashboard.market.providers.fake_provider import generate_ohlcv

    for symbol in symbols:
        frame = generate_ohlcv(symbol, pd.Timestamp(start, tz="UTC"), pd.Timestamp(END, tz="UTC"))
        store.store_bars("import", symbol, "1d", frame[frame.index.day_of_week < 5], commit=False)


def run(runs=50):
    """Rows of (label, measured, target, passed) for the report."""
    with tempfile.TemporaryDirectory(prefix="fd-watch-") as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            return _measure(app, runs)


def _measure(app, runs):
    import sqlalchemy as sa

    from financial_dashboard.alerts.checks import check_alerts
    from financial_dashboard.alerts.models import Alert
    from financial_dashboard.auth import services as auth
    from financial_dashboard.extensions import db
    from financial_dashboard.market import latest, services
    from financial_dashboard.signals import services as signal_services

    extra = [f"S{n:03d}" for n in range(100)]
    _import(extra, "2003-01-01")
    db.session.commit()
    client = app.test_client()
    rows = []

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response

    quotes_url = "/api/market/quotes?symbols=" + ",".join(SAMPLE + extra[:16])
    assert len(get(quotes_url).json["items"]) == 20 and all("error" not in q for q in get(quotes_url).json["items"])
    median, worst = _median_ms(lambda: get(quotes_url), runs)
    rows.append(("quotes, 20 symbols, warm cache", median, 50))

    compare_url = "/api/market/compare?symbols=AAPL,GOOG,IBM,MSFT,S000&period=5y"
    points = len(get(compare_url).json["dates"])

    def uncached_compare():
        from financial_dashboard.extensions import cache

        cache.delete("answer:compare:sample:AAPL,GOOG,IBM,MSFT,S000:5y")
        get(compare_url)

    median, _ = _median_ms(uncached_compare, runs)
    rows.append((f"compare 5 x 5y ({points} days), answer built", median, 100))
    median, _ = _median_ms(lambda: get(compare_url), runs)
    rows.append(("compare 5 x 5y, answer cached", median, 100))

    app.config["MARKET_UNIVERSE"] = SAMPLE + extra[:46]
    assert get("/api/market/overview").json["priced"] == 50
    median, _ = _median_ms(lambda: get("/api/market/overview"), runs)
    rows.append(("overview, 50 symbols, warm cache", median, 100))

    bars = latest.latest_bars("stock", "AAPL", "10y", "1d")
    median, _ = _median_ms(lambda: signal_services.build(bars, 0.1), max(10, runs // 2))
    rows.append((f"signal + backtest, {len(bars.frame)} bars, computed", median, 200))
    services.get_bars("stock", "AAPL", "10y", "1d")

    def uncached_signal():
        from financial_dashboard.extensions import cache

        cache.delete("signal:sample:AAPL:1d:10y:0.1")
        get("/api/signals/AAPL")

    median, _ = _median_ms(uncached_signal, max(10, runs // 2))
    rows.append(("GET /api/signals/AAPL, uncached signal", median, 200))

    user = auth.register_user({"email": "bench@example.com", "password": "bench password", "name": "Bench"})
    baseline = dt.datetime(2013, 2, 27, tzinfo=dt.UTC)
    db.session.execute(
        sa.insert(Alert),
        [
            {
                "user_id": user.id,
                "symbol": extra[n % 100],
                "kind": "stock",
                "condition": ("above", "below")[n % 2],
                "target": 1 + n % 400,
                "active": True,
                "last_seen_at": baseline,
                "last_close": 200.0,
                "created_at": baseline,
            }
            for n in range(1000)
        ],
    )
    db.session.commit()
    lookups = []
    original = latest.latest_bars_between

    def counted(kind, symbol, *args, **kwargs):
        lookups.append(symbol)
        return original(kind, symbol, *args, **kwargs)

    latest.latest_bars_between = counted
    try:
        start = time.perf_counter()
        report = check_alerts()
        seconds = time.perf_counter() - start
    finally:
        latest.latest_bars_between = original
    assert report.alerts == 1000 and report.symbols == 100 and not report.failures, report
    rows.append((f"alerts check 1000 x 100 symbols, {len(lookups)} lookups", seconds * 1000, 5000))
    assert len(lookups) == 100
    return rows
