"""normalize_ohlcv, the errors and the small helpers every provider shares."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.market.providers import base
from financial_dashboard.market.providers.base import normalize_ohlcv


def bars(index, closes, **extra):
    closes = list(closes)
    frame = {"open": closes, "high": closes, "low": closes, "close": closes, "volume": [10] * len(closes)}
    frame.update(extra)
    return pd.DataFrame(frame, index=index)


def assert_normalised(frame):
    assert list(frame.columns) == list(base.OHLCV_COLUMNS)
    assert all(str(t) == "float64" for t in frame.dtypes)
    assert isinstance(frame.index, pd.DatetimeIndex)
    assert str(frame.index.tz) == "UTC"
    assert frame.index.name == "timestamp"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique


def test_unsorted_rows_are_sorted():
    index = pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"], utc=True)
    out = normalize_ohlcv(bars(index, [3.0, 1.0, 2.0]))
    assert_normalised(out)
    assert out["close"].tolist() == [1.0, 2.0, 3.0]


def test_duplicate_timestamps_keep_the_last_row_sent():
    index = pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-02"], utc=True)
    out = normalize_ohlcv(bars(index, [20.0, 1.0, 21.0]))
    assert out["close"].tolist() == [1.0, 21.0]


def test_timezones_are_converted_and_naive_means_utc():
    new_york = pd.DatetimeIndex([pd.Timestamp("2024-01-02 09:30")], tz="America/New_York")
    out = normalize_ohlcv(bars(new_york, [5.0]))
    assert out.index[0] == pd.Timestamp("2024-01-02 14:30", tz="UTC")
    naive = normalize_ohlcv(bars(pd.DatetimeIndex([pd.Timestamp("2024-01-02 09:30")]), [5.0]))
    assert naive.index[0] == pd.Timestamp("2024-01-02 09:30", tz="UTC")


def test_rows_without_close_are_dropped_other_nans_kept():
    index = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC")
    frame = bars(index, [1.0, np.nan, 3.0])
    frame.loc[index[2], "volume"] = np.nan
    out = normalize_ohlcv(frame)
    assert out.index.tolist() == [index[0], index[2]]
    assert np.isnan(out.loc[index[2], "volume"])


def test_yfinance_history_frame_is_accepted():
    # Ticker.history: capitalised columns plus actions, index named Date in the exchange zone.
    index = pd.DatetimeIndex(["2024-01-02", "2024-01-03"], tz="America/New_York", name="Date")
    frame = pd.DataFrame(
        {
            "Open": [187.15, 184.22],
            "High": [188.44, 185.88],
            "Low": [183.89, 183.43],
            "Close": [185.64, 184.25],
            "Volume": np.array([82488700, 58414500], dtype="int64"),
            "Dividends": [0.0, 0.0],
            "Stock Splits": [0.0, 0.0],
        },
        index=index,
    )
    out = normalize_ohlcv(frame)
    assert_normalised(out)
    assert out.loc["2024-01-02 05:00+00:00", "close"] == 185.64
    assert out["volume"].iloc[1] == 58414500.0


def test_yfinance_download_frame_with_one_ticker_is_accepted():
    index = pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="Date")
    columns = pd.MultiIndex.from_product(
        [["Close", "High", "Low", "Open", "Volume"], ["AAPL"]], names=["Price", "Ticker"]
    )
    frame = pd.DataFrame(
        [[185.64, 188.44, 183.89, 187.15, 82488700], [184.25, 185.88, 183.43, 184.22, 58414500]],
        index=index,
        columns=columns,
    )
    out = normalize_ohlcv(frame)
    assert_normalised(out)
    assert out["open"].tolist() == [187.15, 184.22]


def test_download_frame_with_two_tickers_is_refused():
    columns = pd.MultiIndex.from_product(
        [["Close", "Open", "High", "Low"], ["AAPL", "MSFT"]], names=["Price", "Ticker"]
    )
    frame = pd.DataFrame([[1.0] * 8], index=pd.DatetimeIndex(["2024-01-02"]), columns=columns)
    with pytest.raises(ValueError, match="one symbol"):
        normalize_ohlcv(frame)


def test_millisecond_timestamp_column_and_string_numbers():
    frame = pd.DataFrame(
        [[1704153600000, "42000.1", "43000", "41000.5", "42500", "12.5"]],
        columns=["timestamp", "open", "high", "low", "close", "volume"],
    )
    out = normalize_ohlcv(frame)
    assert_normalised(out)
    assert out.index[0] == pd.Timestamp("2024-01-02", tz="UTC")
    assert out["open"].iloc[0] == 42000.1


def test_empty_frames_and_missing_volume():
    empty = pd.DataFrame(columns=["Open", "High", "Low", "Close", "Adj Close", "Volume"])
    assert_normalised(normalize_ohlcv(empty))
    assert normalize_ohlcv(empty).empty
    no_volume = bars(pd.date_range("2024-01-01", periods=1, tz="UTC"), [1.0]).drop(columns="volume")
    assert np.isnan(normalize_ohlcv(no_volume)["volume"].iloc[0])
    with pytest.raises(ValueError, match="close"):
        normalize_ohlcv(pd.DataFrame({"open": [1.0]}, index=pd.date_range("2024-01-01", periods=1)))


def test_input_is_not_modified():
    index = pd.to_datetime(["2024-01-02", "2024-01-01"])
    frame = bars(index, [2.0, 1.0])
    before = frame.copy()
    normalize_ohlcv(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_as_utc_accepts_the_usual_inputs():
    expected = pd.Timestamp("2024-01-02", tz="UTC")
    assert base.as_utc("2024-01-02") == expected
    assert base.as_utc(dt.date(2024, 1, 2)) == expected
    assert base.as_utc(dt.datetime(2024, 1, 1, 19, tzinfo=dt.timezone(dt.timedelta(hours=-5)))) == expected
    assert base.as_utc(None) is None


def test_retry_after_reads_seconds_and_dates():
    assert base.retry_after_seconds("30") == 30
    assert base.retry_after_seconds(None) is None
    assert base.retry_after_seconds("soon") is None
    assert base.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past


def test_error_attributes():
    error = base.RateLimited("slow down", symbol="AAPL", provider="yfinance", retry_after=30)
    assert isinstance(error, base.ProviderUnavailable) and isinstance(error, base.MarketDataError)
    assert (error.message, error.symbol, error.cause, error.retry_after) == ("slow down", "AAPL", "rate limited", 30)
    unavailable = base.ProviderUnavailable("down")
    assert (unavailable.cause, unavailable.retry_after) == ("network error", 60)
    interval = base.UnsupportedInterval("2h", ["1d", "1wk"])
    assert interval.allowed == ("1d", "1wk") and "1d, 1wk" in interval.message
