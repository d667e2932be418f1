"""The bundled sample provider, checked against the shipped file read independently with csv."""

import csv
import gzip
from importlib import resources

import pandas as pd
import pytest

from financial_dashboard.market.providers import (
    InvalidSymbol,
    SymbolNotFound,
    UnsupportedInterval,
    sample_provider,
)
from financial_dashboard.market.providers.sample_provider import SampleProvider

from .test_base import assert_normalised

DATA = resources.files("financial_dashboard.market").joinpath("data")


def raw_rows(symbol):
    with DATA.joinpath("sample_stocks.csv.gz").open("rb") as raw, gzip.open(raw, "rt", newline="") as handle:
        return {row["date"]: row for row in csv.DictReader(handle) if row["symbol"] == symbol}


@pytest.fixture
def provider():
    return SampleProvider()


def test_aapl_covers_2000_to_2013_with_every_trading_day(provider):
    frame = provider.fetch_ohlcv("aapl")
    assert_normalised(frame)
    assert frame.index[0] == pd.Timestamp("2000-03-01", tz="UTC")
    assert frame.index[-1] == pd.Timestamp("2013-03-01", tz="UTC")
    assert len(frame) == len(raw_rows("AAPL")) == 3270
    assert provider.latest_timestamp("AAPL") == pd.Timestamp("2013-03-01", tz="UTC")


def test_known_real_closes(provider):
    # Closes after the last split in the period are the file's values unchanged.
    assert provider.fetch_ohlcv("AAPL").loc["2008-09-29", "close"].item() == 105.26
    assert provider.fetch_ohlcv("AAPL").loc["2013-03-01", "close"].item() == 430.47
    assert provider.fetch_ohlcv("IBM").loc["2000-03-01", "close"].item() == 100.25
    assert provider.fetch_ohlcv("GOOG").index[0] == pd.Timestamp("2004-08-19", tz="UTC")


def test_splits_inside_the_period_are_adjusted(provider):
    raw = SampleProvider(adjust_splits=False)
    assert raw.fetch_ohlcv("AAPL").loc["2000-03-01", "close"].item() == float(raw_rows("AAPL")["2000-03-01"]["close"])
    # Two 2:1 splits after 2000-03-01: a quarter of the price, four times the shares.
    adjusted = provider.fetch_ohlcv("AAPL").loc[pd.Timestamp("2000-03-01", tz="UTC")]
    assert adjusted["close"] == pytest.approx(130.31 / 4)
    assert adjusted["volume"] == 9616100 * 4
    for symbol, events in sample_provider.SPLITS.items():
        raw_close = raw.fetch_ohlcv(symbol)["close"]
        adjusted_close = provider.fetch_ohlcv(symbol)["close"]
        for ex_date, ratio in events:
            position = raw_close.index.get_loc(pd.Timestamp(ex_date, tz="UTC"))
            raw_move = raw_close.iloc[position] / raw_close.iloc[position - 1]
            adjusted_move = adjusted_close.iloc[position] / adjusted_close.iloc[position - 1]
            assert raw_move == pytest.approx(1 / ratio, rel=0.15), (symbol, ex_date)
            assert adjusted_move == pytest.approx(1, abs=0.15), (symbol, ex_date)
    assert provider.splits("AAPL").tolist() == [2.0, 2.0]
    assert provider.splits("IBM").empty


def test_prices_follow_the_live_rule_split_adjusted_never_dividend_adjusted(provider):
    """IBM paid a dividend every quarter of 2000-2013 and never split then: every bundled close is as traded."""
    rows = raw_rows("IBM")
    frame = provider.fetch_ohlcv("IBM")
    traded = pd.Series({pd.Timestamp(day, tz="UTC"): float(row["close"]) for day, row in rows.items()}).sort_index()
    assert frame["close"].tolist() == traded.tolist()
    # In US dollars, said beside the bars as every provider does; no dividends are bundled.
    assert frame.attrs["currency"] == "USD" and "dividends" not in frame.attrs
    assert provider.fetch_ohlcv("AAPL", "2012-01-01", "2012-12-31", "1mo").attrs["currency"] == "USD"


def test_date_filter_is_inclusive(provider):
    frame = provider.fetch_ohlcv("MSFT", pd.Timestamp("2013-02-25", tz="UTC"), "2013-03-01")
    assert [d.strftime("%Y-%m-%d") for d in frame.index] == [
        "2013-02-25",
        "2013-02-26",
        "2013-02-27",
        "2013-02-28",
        "2013-03-01",
    ]
    assert provider.fetch_ohlcv("MSFT", "2020-01-01").empty


def test_weekly_and_monthly_bars_are_resampled(provider):
    rows = raw_rows("IBM")
    week = [rows[d] for d in ("2013-02-25", "2013-02-26", "2013-02-27", "2013-02-28", "2013-03-01")]
    weekly = provider.fetch_ohlcv("IBM", "2013-02-18", "2013-03-01", "1wk")
    assert_normalised(weekly)
    assert weekly.index.tolist() == [pd.Timestamp("2013-02-18", tz="UTC"), pd.Timestamp("2013-02-25", tz="UTC")]
    last = weekly.iloc[-1]
    assert last["open"] == float(week[0]["open"]) and last["close"] == float(week[-1]["close"])
    assert last["high"] == max(float(r["high"]) for r in week)
    assert last["volume"] == sum(float(r["volume"]) for r in week)
    monthly = provider.fetch_ohlcv("IBM", "2012-01-01", "2012-12-31", "1mo")
    assert len(monthly) == 12 and monthly.index[0] == pd.Timestamp("2012-01-01", tz="UTC")


def test_errors(provider):
    with pytest.raises(SymbolNotFound) as raised:
        provider.fetch_ohlcv("TSLA")
    assert raised.value.symbol == "TSLA" and "AAPL" in raised.value.message
    with pytest.raises(InvalidSymbol):
        provider.fetch_ohlcv("not a symbol")
    with pytest.raises(UnsupportedInterval) as raised:
        provider.fetch_ohlcv("AAPL", interval="1h")
    assert raised.value.allowed == ("1d", "1wk", "1mo")


def test_results_are_copies_of_a_file_read_once(provider):
    frame = provider.fetch_ohlcv("AAPL")
    frame.loc[:, "close"] = 0.0
    assert provider.fetch_ohlcv("AAPL")["close"].iloc[-1] == 430.47
    SampleProvider().fetch_ohlcv("MSFT")
    assert sample_provider._raw_frames.cache_info().misses <= 1


def test_symbols_and_search(provider):
    assert provider.symbols() == ["AAPL", "GOOG", "IBM", "MSFT"]
    assert [hit["symbol"] for hit in provider.search_symbols("micro")] == ["MSFT"]
    assert provider.search_symbols("g")[0] == {
        "symbol": "GOOG",
        "name": sample_provider.NAMES["GOOG"],
        "type": "stock",
        "source": "sample",
        "currency": "USD",
    }
    assert provider.search_symbols("") == []


def test_the_file_is_small_and_its_notice_ships_beside_it():
    assert len(DATA.joinpath("sample_stocks.csv.gz").read_bytes()) < 300_000
    notice = DATA.joinpath("NOTICE.md").read_text(encoding="utf-8")
    assert "public domain" in notice.lower() and "bokeh-sampledata" in notice
