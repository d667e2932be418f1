"""Portfolio performance benchmark, one command: ``.venv/bin/python bench/portfolio.py``.

Builds a throwaway database (SQLite in a temporary folder, and PostgreSQL when reachable at
TEST_POSTGRES_URL: a database of its own, created and dropped here) holding 1 user with a portfolio of
50 assets x 1,000 daily prices, then times ``GET /api/portfolios/<id>/performance`` through the Flask
test client (median and p95 after a warm-up) beside a plain ``GET /api/portfolios/<id>`` in the same
run, and counts the SQL statements of one performance request for 50 assets and for 2.
Prints a table with the targets and PASS/FAIL; exits 1 when a target is missed.
``--profile`` prints where the time of one performance request goes (needs pyinstrument).
"""

import argparse
import contextlib
import datetime as dt
import io
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "testing")  # bundled sample data: split look-ups never touch the network

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 100
SYMBOLS = ("AAPL", "MSFT", "IBM", "GOOG")


@contextlib.contextmanager
def sqlite_database():
    with tempfile.TemporaryDirectory(prefix="fd_bench_") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextlib.contextmanager
def postgres_database():
    """A database of our own on the server, dropped afterwards; None when the server is unreachable."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"fd_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        yield None
        return
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build(url, assets, prices):
    """The app on ``url`` with the schema from the migrations, a user, a portfolio of ``assets`` holdings
    with ``prices`` business-day prices each, and a 2-asset portfolio; returns (app, token, ids)."""
    import numpy as np
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from financial_dashboard import create_app
    from financial_dashboard.assets.models import Asset
    from financial_dashboard.auth import services as auth
    from financial_dashboard.extensions import db
    from financial_dashboard.portfolios.models import Portfolio
    from financial_dashboard.prices.models import PriceHistory

    # The per-user cache off: this measures computing the figures, not serving them again (bench/load.py does).
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING", "USER_CACHE_TTL_S": 0}
    )
    rng = np.random.default_rng(42)
    days = np.busday_offset(np.datetime64(dt.date.today(), "D"), -np.arange(prices, 0, -1), roll="backward")
    with app.app_context():
        # Alembic's env.py installs its own INFO handler; a line per migration is noise in a benchmark.
        with contextlib.redirect_stderr(io.StringIO()):
            upgrade()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        user = auth.register_user(
            {"email": "bench@example.com", "password": "correct horse battery", "name": "Bench", "monthly_income": 4000}
        )
        _, token = auth.issue_token(user, app.config["API_TOKEN_TTL"])
        ids = {}
        for name, count in (("large", assets), ("small", 2)):
            portfolio = Portfolio(user_id=user.id, name=name)
            db.session.add(portfolio)
            db.session.flush()
            ids[name] = portfolio.id
            for i in range(count):
                # Purchases spread over the first year, so the period has money added mid-way; every other
                # holding has a quantity and a symbol (split-adjusted), the rest an amount only.
                bought = days[int(i * 250 / max(count, 1))].astype(dt.date)
                asset = Asset(
                    portfolio_id=portfolio.id,
                    name=f"Holding {i}",
                    type=("stock", "fund", "etf")[i % 3],
                    symbol=SYMBOLS[i % 4] if i % 2 == 0 else None,
                    quantity=10 if i % 2 == 0 else None,
                    amount_invested=1000 + i,
                    purchase_date=bought,
                )
                db.session.add(asset)
                db.session.flush()
                walk = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.015, prices)))
                db.session.execute(
                    sa.insert(PriceHistory),
                    [
                        {"asset_id": asset.id, "date": day.astype(dt.date), "price": round(float(p), 4)}
                        for day, p in zip(days, walk, strict=False)
                    ],
                )
        db.session.commit()
    return app, token, ids


def timed(client, url, headers, runs, warmup=3):
    """Wall-clock milliseconds of each of ``runs`` requests after ``warmup`` untimed ones, and the CPU
    milliseconds of this process for each (which other load on the machine does not inflate)."""
    for _ in range(warmup):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def statements(app, client, url, headers):
    import sqlalchemy as sa

    from financial_dashboard.extensions import db

    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url, headers=headers).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(seen)


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def measure(label, url, args):
    app, token, ids = build(url, args.assets, args.prices)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    performance = f"/api/portfolios/{ids['large']}/performance"
    (wall, cpu), (baseline, _) = (
        timed(client, performance, headers, args.runs),
        timed(client, f"/api/portfolios/{ids['large']}", headers, args.runs),
    )
    result = {
        "label": label,
        "performance": wall,
        "cpu": cpu,
        "baseline": baseline,
        "benchmark": timed(client, performance + "?benchmark=MSFT", headers, args.runs)[0],
        "statements": statements(app, client, performance, headers),
        "statements_small": statements(app, client, f"/api/portfolios/{ids['small']}/performance", headers),
        "series_days": len(client.get(performance, headers=headers).json["series"]),
    }
    if args.profile:
        profile(client, performance, headers)
    with app.app_context():
        from financial_dashboard.extensions import db

        db.engine.dispose()
    return result


def profile(client, url, headers):
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("--profile needs pyinstrument: .venv/bin/pip install pyinstrument", file=sys.stderr)
        return
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(10):
            client.get(url, headers=headers)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def row(label, measured, target, verdict):
    return f"{label:<58} {measured:>16} {target:>10}  {verdict}"


def report(results, args):
    lines = [row("benchmark", "measured", "target", ""), "-" * 92]
    failed = False
    for r in results:
        perf, base = statistics.median(r["performance"]), statistics.median(r["baseline"])
        fast = perf < TARGET_MS
        flat = r["statements"] == r["statements_small"]
        failed |= not (fast and flat)
        name = f"[{r['label']}] GET /performance, {args.assets} assets x {args.prices} prices"
        lines += [
            row(name, f"{perf:.1f} ms", f"< {TARGET_MS} ms", "PASS" if fast else "FAIL"),
            row(
                f"    p95 of {args.runs} runs (series of {r['series_days']} points)",
                f"{p95(r['performance']):.1f} ms",
                "",
                "",
            ),
            row("    CPU time of the request (median)", f"{statistics.median(r['cpu']):.1f} ms", "", ""),
            row("    with ?benchmark=MSFT (median)", f"{statistics.median(r['benchmark']):.1f} ms", "", ""),
            row("    baseline GET /api/portfolios/<id> (median)", f"{base:.2f} ms", "", ""),
            row("    ratio performance / baseline", f"{perf / base:.0f}x", "", ""),
            row(
                f"    SQL statements, {args.assets} assets / 2 assets",
                f"{r['statements']} / {r['statements_small']}",
                "equal",
                "PASS" if flat else "FAIL",
            ),
        ]
    lines.append(
        f"Flask test client in-process, MARKET_DATA_SOURCE=sample, {args.runs} timed runs after 3 warm-up; "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print("\n".join(lines))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per URL (default 20)")
    parser.add_argument("--assets", type=int, default=50)
    parser.add_argument("--prices", type=int, default=1000, help="daily prices per asset (default 1000)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL even when reachable")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the request")
    args = parser.parse_args()

    results = []
    with sqlite_database() as url:
        results.append(measure("sqlite", url, args))
    if not args.sqlite_only:
        with postgres_database() as url:
            if url is None:
                print(f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: measured on SQLite only.")
            else:
                results.append(measure("postgresql", url, args))
    return 1 if report(results, args) else 0


if __name__ == "__main__":
    sys.exit(main())
