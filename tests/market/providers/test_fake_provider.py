"""The fake provider that other features' tests use: canned frames, generated series, calls, failures."""

import pandas as pd
import pytest

from financial_dashboard.market.providers import (
    InvalidSymbol,
    ProviderUnavailable,
    SymbolNotFound,
    create_provider,
)
from financial_dashboard.market.providers.fake_provider import (
    DEFAULT_END,
    DEFAULT_PERIODS,
    FakeProvider,
)

from .test_base import assert_normalised


def utc(day):
    return pd.Timestamp(day, tz="UTC")


def test_canned_frames_are_normalised_filtered_and_copied():
    index = pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"])
    canned = pd.DataFrame(
        {"Open": [3, 1, 2], "High": [3, 1, 2], "Low": [3, 1, 2], "Close": [3, 1, 2], "Volume": [30, 10, 20]},
        index=index,
    )
    provider = FakeProvider({"aapl": canned})
    frame = provider.fetch_ohlcv("AAPL", utc("2024-01-02"), utc("2024-01-03"))
    assert_normalised(frame)
    assert frame["close"].tolist() == [2.0, 3.0]
    frame.loc[:, "close"] = 0.0
    assert provider.fetch_ohlcv("AAPL")["close"].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(SymbolNotFound):
        provider.fetch_ohlcv("MSFT")


def test_calls_are_recorded_even_when_failing():
    provider = FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout"))
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL", utc("2024-01-01"), None, "1wk")
    assert raised.value.cause == "timeout"
    assert provider.calls == [
        {"method": "fetch_ohlcv", "symbol": "AAPL", "start": utc("2024-01-01"), "end": None, "interval": "1wk"}
    ]
    provider.fail_with = None
    assert not provider.fetch_ohlcv("AAPL").empty
    assert len(provider.calls) == 2


def test_generated_series_is_deterministic_and_consistent_across_windows():
    provider = create_provider("fake")
    whole = provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-03-31"))
    part = provider.fetch_ohlcv("BTC/USDT", utc("2024-02-01"), utc("2024-02-29"))
    assert_normalised(whole)
    assert len(whole) == 91
    pd.testing.assert_frame_equal(whole.loc[part.index], part)
    assert not whole["close"].equals(provider.fetch_ohlcv("ETH/USDT", utc("2024-01-01"), utc("2024-03-31"))["close"])
    assert (whole["low"] <= whole[["open", "close"]].min(axis=1)).all()
    assert (whole["high"] >= whole[["open", "close"]].max(axis=1)).all()


def test_generated_series_without_dates_ends_at_a_fixed_day():
    frame = FakeProvider().fetch_ohlcv("MSFT")
    assert len(frame) == DEFAULT_PERIODS and frame.index[-1] == DEFAULT_END
    weekly = FakeProvider().fetch_ohlcv("MSFT", utc("2024-01-01"), utc("2024-01-31"), "1wk")
    assert all(day.day_of_week == 0 for day in weekly.index)


def test_symbols_are_validated_and_searchable():
    provider = FakeProvider(
        {
            "AAPL": pd.DataFrame(
                {"close": [1.0], "open": 1.0, "high": 1.0, "low": 1.0}, index=pd.to_datetime(["2024-01-01"])
            )
        }
    )
    with pytest.raises(InvalidSymbol):
        provider.fetch_ohlcv("not valid")
    assert provider.search_symbols("aa") == [{"symbol": "AAPL", "name": "AAPL", "type": "stock", "source": "fake"}]
    assert provider.search_symbols("zz") == []
