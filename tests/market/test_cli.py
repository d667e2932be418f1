"""`flask market import-csv SYMBOL FILE` (all rows or none) and `flask market load-sample` (idempotent)."""

import datetime as dt

import sqlalchemy as sa

from financial_dashboard.extensions import db
from financial_dashboard.market.models import MarketBar

HEADER = "date,open,high,low,close,volume"
GOOD_ROWS = ["2024-01-02,11,12.5,10,12,200", "2024-01-03,12,13,11.5,12.5,300", "2024-01-04,12.5,14,12,13.75,400"]


def stored(source, symbol):
    """Committed bars of (source, symbol), oldest first, read on a connection of their own."""
    columns = (
        MarketBar.interval,
        MarketBar.ts,
        MarketBar.open,
        MarketBar.high,
        MarketBar.low,
        MarketBar.close,
        MarketBar.volume,
    )
    with db.engine.connect() as conn:
        return conn.execute(
            sa.select(*columns).where(MarketBar.source == source, MarketBar.symbol == symbol).order_by(MarketBar.ts)
        ).all()


def counts_by_source_and_symbol():
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(MarketBar.source, MarketBar.symbol, sa.func.count()).group_by(MarketBar.source, MarketBar.symbol)
        ).all()
    return {(source, symbol): count for source, symbol, count in rows}


def test_import_csv_stores_every_row_under_source_import(runner, csv_file):
    path = csv_file(HEADER, *GOOD_ROWS)

    result = runner.invoke(args=["market", "import-csv", "myco", str(path)])

    assert result.exit_code == 0, result.output
    assert "Imported 3 bars for MYCO (1d) as source 'import'." in result.output
    rows = stored("import", "MYCO")
    assert [(r.interval, r.ts.date()) for r in rows] == [("1d", dt.date(2024, 1, d)) for d in (2, 3, 4)]
    assert rows[0].ts.tzinfo is not None and rows[0].ts.utcoffset() == dt.timedelta(0)
    assert [(r.open, r.high, r.low, r.close, r.volume) for r in rows] == [
        (11.0, 12.5, 10.0, 12.0, 200.0),
        (12.0, 13.0, 11.5, 12.5, 300.0),
        (12.5, 14.0, 12.0, 13.75, 400.0),
    ]


def test_import_csv_again_updates_rows_instead_of_duplicating(runner, csv_file):
    runner.invoke(args=["market", "import-csv", "MYCO", str(csv_file(HEADER, *GOOD_ROWS))])

    result = runner.invoke(
        args=[
            "market",
            "import-csv",
            "MYCO",
            str(csv_file(HEADER, "2024-01-04,12.5,15,12,14.5,450", "2024-01-05,14.5,15,14,14.75,500", name="more.csv")),
        ]
    )

    assert result.exit_code == 0, result.output
    rows = stored("import", "MYCO")
    assert [(r.ts.day, r.close) for r in rows] == [(2, 12.0), (3, 12.5), (4, 14.5), (5, 14.75)]


def test_import_csv_with_one_bad_row_imports_nothing(runner, csv_file, count_rows):
    runner.invoke(args=["market", "import-csv", "OTHER", str(csv_file(HEADER, *GOOD_ROWS, name="other.csv"))])
    before = count_rows("market_bars")
    path = csv_file(HEADER, *GOOD_ROWS[:2], "2024-01-04,12.5,14,12,not-a-price,400", "2024-01-05,13,14,12,13.5,1")

    result = runner.invoke(args=["market", "import-csv", "MYCO", str(path)])

    assert result.exit_code != 0
    assert "line 4: not a number in close" in result.output
    assert f"Nothing imported: 1 problem(s) in {path}." in result.output
    assert count_rows("market_bars") == before == 3
    assert stored("import", "MYCO") == []


def test_import_csv_rejects_a_symbol_that_cannot_exist(runner, csv_file, count_rows):
    result = runner.invoke(args=["market", "import-csv", "MY CO!", str(csv_file(HEADER, *GOOD_ROWS))])

    assert result.exit_code != 0
    assert "is not a valid symbol" in result.output
    assert count_rows("market_bars") == 0


def test_import_csv_of_a_missing_file_is_a_usage_error(runner, tmp_path, count_rows):
    result = runner.invoke(args=["market", "import-csv", "MYCO", str(tmp_path / "nope.csv")])

    assert result.exit_code == 2 and "nope.csv" in result.output
    assert count_rows("market_bars") == 0


def test_load_sample_stores_the_four_bundled_symbols_and_is_idempotent(runner):
    first = runner.invoke(args=["market", "load-sample"])

    assert first.exit_code == 0, first.output
    counts = counts_by_source_and_symbol()
    assert set(counts) == {("sample", "AAPL"), ("sample", "GOOG"), ("sample", "IBM"), ("sample", "MSFT")}
    # Daily bars from 2000 (GOOG from its 2004 listing) to 2013-03-01: thousands each.
    assert all(count > 2000 for count in counts.values())
    assert f"AAPL: {counts['sample', 'AAPL']} daily bars (sample data)" in first.output
    aapl = stored("sample", "AAPL")
    assert {r.interval for r in aapl} == {"1d"}
    assert aapl[-1].ts.date() == dt.date(2013, 3, 1)

    second = runner.invoke(args=["market", "load-sample"])

    assert second.exit_code == 0, second.output
    assert counts_by_source_and_symbol() == counts


def test_import_csv_rejects_an_unknown_interval(runner, csv_file, count_rows):
    # Before the check, a long interval failed on PostgreSQL and was stored as typed on SQLite.
    result = runner.invoke(
        args=["market", "import-csv", "ACME", str(csv_file(HEADER, *GOOD_ROWS)), "--interval", "fortnightly"]
    )

    assert result.exit_code != 0
    assert "Unknown interval 'fortnightly'" in result.output
    assert count_rows("market_bars") == 0
