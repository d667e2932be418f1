"""Bulk price upsert benchmark, one command: ``.venv/bin/python bench/prices.py``.

Times ``POST /api/assets/<id>/prices`` with a list of 25,000 prices through the Flask test client, on a
throwaway SQLite database and (when the server is reachable at TEST_POSTGRES_URL) a throwaway PostgreSQL
database, for two paths in the same run:

- **before**: the price service as it was before issue 9 (kept below, verbatim): one ORM object per row,
  then the answer re-reads every expired row one SELECT at a time;
- **after**: the current service: one read of the stored dates, one ``INSERT … ON CONFLICT DO UPDATE``
  statement per batch of 1,000 rows (sent with all its rows at once: psycopg's pipelined executemany,
  sqlite3's executemany), the answer read back in one query.

Each path writes 25,000 new dates, then replaces the same 25,000 with other prices, each on a fresh asset;
a 1,000-row list is the baseline that shows whether the time grows in proportion to the rows. Prints a
table with the targets and PASS/FAIL; exits 1 when a target is missed. ``--rows``, ``--skip-before``.
"""

import argparse
import collections
import contextlib
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("APP_ENV", "testing")

from bench.portfolio import postgres_database, sqlite_database  # noqa: E402

TARGET_S = 3.0  # 25,000 rows end to end (validation, write, answer) on one worker
TARGET_SCALING = 0.5  # rows/s at 25,000 rows at least half of rows/s at 1,000: the time grows with the rows
TARGET_SPEEDUP = 3.0  # after against before, same rows, same database, same run


def old_upsert_prices(asset, rows):
    """prices.services.upsert_prices before issue 9 (with its _store_by_date), for comparison."""
    from financial_dashboard.errors import ValidationFailed
    from financial_dashboard.extensions import db
    from financial_dashboard.prices.models import PriceHistory
    from financial_dashboard.prices.services import prices_of

    def _store_by_date(asset, prices, source):
        stored = {p.date: p for p in db.session.scalars(prices_of(asset, min(prices), max(prices)))} if prices else {}
        created = changed = 0
        for day, price in prices.items():
            row = stored.get(day)
            if row is None:
                stored[day] = PriceHistory(asset_id=asset.id, date=day, price=price, source=source)
                db.session.add(stored[day])
                created += 1
            elif row.price != price or row.source != source:
                row.price, row.source = price, source
                changed += 1
        db.session.commit()
        return stored, created, changed

    dates = [row["date"] for row in rows]
    duplicates = sorted(d.isoformat() for d, n in collections.Counter(dates).items() if n > 1)
    if duplicates:
        raise ValidationFailed("The same date appears more than once.")
    stored, created, _ = _store_by_date(asset, {row["date"]: row["price"] for row in rows}, "manual")
    return sorted((stored[d] for d in dates), key=lambda p: p.date), created, len(rows) - created


def build(url):
    from flask_migrate import upgrade

    from financial_dashboard import create_app
    from financial_dashboard.auth import services as auth

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):
            upgrade()
        user = auth.register_user({"email": "bench@example.com", "password": "correct horse battery", "name": "B"})
        _, token = auth.issue_token(user, app.config["API_TOKEN_TTL"])
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    portfolio = client.post("/api/portfolios", json={"name": "Bench"}, headers=headers).json["id"]
    return app, client, headers, portfolio


def price_list(count, cents):
    first = dt.date(1930, 1, 1)
    return [
        {"date": (first + dt.timedelta(days=n)).isoformat(), "price": f"{100 + n % 97}.{cents:02}"}
        for n in range(count)
    ]


def post_prices(client, headers, portfolio, rows_list):
    """Time each list of ``rows_list`` posted in turn to one new asset; returns [(seconds, created, updated)]."""
    asset = client.post(
        f"/api/portfolios/{portfolio}/assets",
        headers=headers,
        json={"name": "Bench", "type": "stock", "amount_invested": "1", "purchase_date": "2000-01-03"},
    ).json["id"]
    results = []
    for rows in rows_list:
        start = time.perf_counter()
        response = client.post(f"/api/assets/{asset}/prices", json=rows, headers=headers)
        seconds = time.perf_counter() - start
        if response.status_code not in (200, 201):
            raise SystemExit(f"POST answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        results.append((seconds, response.json["created"], response.json["updated"]))
    return results


def measure(label, url, args):
    from financial_dashboard.prices import services

    app, client, headers, portfolio = build(url)
    new, replaced = price_list(args.rows, 25), price_list(args.rows, 75)
    result = {"label": label}
    paths = [("after", services.upsert_prices)] + ([] if args.skip_before else [("before", old_upsert_prices)])
    for name, upsert in paths:
        services_upsert, services.upsert_prices = services.upsert_prices, upsert
        try:
            result[name] = post_prices(client, headers, portfolio, [new, replaced])
            # The best of three, so that one slow request (a checkpoint, another process) does not flatter the ratio.
            result[name + " baseline"] = min(
                post_prices(client, headers, portfolio, [price_list(1000, 25)])[0] for _ in range(3)
            )
        finally:
            services.upsert_prices = services_upsert
        counts = [(created, updated) for _, created, updated in result[name]]
        assert counts == [(args.rows, 0), (0, args.rows)], (name, counts)
    with app.app_context():
        from financial_dashboard.extensions import db

        db.engine.dispose()
    return result


def row(label, measured, target, verdict):
    return f"{label:<60} {measured:>14} {target:>10}  {verdict}"


def report(results, args):
    lines = [row("benchmark (POST /api/assets/<id>/prices, one list)", "measured", "target", ""), "-" * 92]
    failed = False
    for r in results:
        (new_s, _, _), (replace_s, _, _) = r["after"]
        baseline_s = r["after baseline"][0]
        scaling = (args.rows / new_s) / (1000 / baseline_s)
        failed |= not (max(new_s, replace_s) < TARGET_S and scaling >= TARGET_SCALING)
        lines += [
            row(
                f"[{r['label']}] after: {args.rows:,} new dates",
                f"{new_s:.2f} s",
                f"< {TARGET_S:.0f} s",
                "PASS" if new_s < TARGET_S else "FAIL",
            ),
            row(
                f"[{r['label']}] after: {args.rows:,} dates replaced",
                f"{replace_s:.2f} s",
                f"< {TARGET_S:.0f} s",
                "PASS" if replace_s < TARGET_S else "FAIL",
            ),
            row(
                f"[{r['label']}] after: rows/s at {args.rows:,} vs at 1,000 "
                f"({args.rows / new_s:,.0f} vs {1000 / baseline_s:,.0f})",
                f"{scaling:.2f}x",
                f">= {TARGET_SCALING}x",
                "PASS" if scaling >= TARGET_SCALING else "FAIL",
            ),
        ]
        if "before" in r:
            (old_new_s, _, _), (old_replace_s, _, _) = r["before"]
            speedup = min(old_new_s / new_s, old_replace_s / replace_s)
            failed |= speedup < TARGET_SPEEDUP
            lines += [
                row(f"[{r['label']}] before: {args.rows:,} new dates", f"{old_new_s:.2f} s", "", "(info)"),
                row(f"[{r['label']}] before: {args.rows:,} dates replaced", f"{old_replace_s:.2f} s", "", "(info)"),
                row(
                    f"[{r['label']}] speed-up after/before: new, replaced",
                    f"{old_new_s / new_s:.1f}x, {old_replace_s / replace_s:.1f}x",
                    f">= {TARGET_SPEEDUP:.0f}x",
                    "PASS" if speedup >= TARGET_SPEEDUP else "FAIL",
                ),
            ]
    print("\n".join(lines))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--skip-before", action="store_true", help="time only the current path")
    args = parser.parse_args()
    results = []
    with sqlite_database() as url:
        results.append(measure("sqlite", url, args))
    with postgres_database() as url:
        if url is None:
            print("PostgreSQL unreachable: SQLite only.", file=sys.stderr)
        else:
            results.append(measure("postgresql", url, args))
    sys.exit(1 if report(results, args) else 0)


if __name__ == "__main__":
    main()
