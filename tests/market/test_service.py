"""services.get_bars: fetch and store, upsert, stale fallback from stored bars, 503, imports; store.load_bars."""

import pandas as pd
import pytest
import sqlalchemy as sa

from financial_dashboard.errors import BadRequest, NotFound, ServiceUnavailable
from financial_dashboard.extensions import db
from financial_dashboard.market import importer, services, store
from financial_dashboard.market.models import MarketBar
from financial_dashboard.market.providers import ProviderUnavailable, RateLimited
from financial_dashboard.market.providers.fake_provider import FakeProvider

from .conftest import NOW, bars

FAILURES = [
    pytest.param(ProviderUnavailable("Yahoo Finance could not be reached."), "network error", id="unreachable"),
    pytest.param(
        RateLimited("Yahoo Finance is rate limiting requests.", retry_after=300), "rate limited", id="rate-limited"
    ),
    pytest.param(
        ProviderUnavailable("Yahoo Finance did not answer in time.", cause="timeout"), "timeout", id="timeout"
    ),
]


def stored(source="yfinance", symbol="AAPL"):
    """Committed bars as a frame, read on a connection of its own."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                MarketBar.ts,
                MarketBar.open,
                MarketBar.high,
                MarketBar.low,
                MarketBar.close,
                MarketBar.volume,
                MarketBar.interval,
            )
            .where(MarketBar.source == source, MarketBar.symbol == symbol)
            .order_by(MarketBar.ts)
        ).all()
    frame = pd.DataFrame(rows, columns=["timestamp", "open", "high", "low", "close", "volume", "interval"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.set_index("timestamp")


def expire_cache(fresh_cache):
    fresh_cache.clear()  # as if the 20 seconds had passed (test_cache moves a clock instead)


def test_a_live_fetch_is_returned_and_stored(yahoo, count_rows):
    result = services.get_bars("stock", "aapl", "60d", "1d")

    assert (result.symbol, result.source, result.stale, result.is_sample) == ("AAPL", "yfinance", False, False)
    expected = bars("AAPL").loc[NOW - pd.Timedelta(days=60) :]
    pd.testing.assert_frame_equal(result.frame, expected)
    assert result.as_of == NOW.to_pydatetime()
    assert count_rows("market_bars") == len(expected) == 61
    saved = stored()
    assert set(saved["interval"]) == {"1d"}
    pd.testing.assert_frame_equal(saved.drop(columns="interval"), expected, check_names=False, check_freq=False)
    (call,) = yahoo.calls
    # Up to the newest bar the provider has (end None), not to "now" in UTC: see the Sydney test.
    assert (call["symbol"], call["start"], call["end"], call["interval"]) == (
        "AAPL",
        NOW - pd.Timedelta(days=60),
        None,
        "1d",
    )


def test_a_second_fetch_with_changed_values_updates_the_stored_rows(yahoo, fresh_cache, count_rows):
    services.get_bars("stock", "AAPL", "60d", "1d")
    corrected = bars("AAPL")
    corrected.loc[NOW, ["high", "close"]] = [999.0, 998.5]
    yahoo.frames["AAPL"] = corrected
    expire_cache(fresh_cache)

    services.get_bars("stock", "AAPL", "90d", "1d")

    assert len(yahoo.calls) == 2
    assert count_rows("market_bars") == 91  # 90 days back: 30 new bars, 61 updated, none duplicated
    assert stored().loc[NOW, ["high", "close"]].tolist() == [999.0, 998.5]


@pytest.mark.parametrize("error, cause", FAILURES)
def test_provider_failure_answers_from_stored_bars_marked_stale(yahoo, fresh_cache, error, cause):
    fresh = services.get_bars("stock", "AAPL", "60d", "1d")
    yahoo.fail_with = error
    expire_cache(fresh_cache)

    result = services.get_bars("stock", "AAPL", "60d", "1d")

    assert (result.stale, result.cause, result.source, result.is_sample) == (True, cause, "yfinance", False)
    assert result.as_of == NOW.to_pydatetime()
    pd.testing.assert_frame_equal(result.frame, fresh.frame, check_freq=False)
    assert len(yahoo.calls) == 2


def test_stale_period_counts_back_from_the_newest_stored_bar(yahoo):
    # Stored bars end 2024-10-31, two months before "now": the stale answer is the 30 days before that.
    store.store_bars("yfinance", "AAPL", "1d", bars("AAPL", "2024-01-01", pd.Timestamp("2024-10-31", tz="UTC")))
    yahoo.fail_with = ProviderUnavailable("down")

    result = services.get_bars("stock", "AAPL", "30d", "1d")

    assert result.stale and result.as_of == pd.Timestamp("2024-10-31", tz="UTC").to_pydatetime()
    assert result.frame.index[0] == pd.Timestamp("2024-10-01", tz="UTC") and len(result.frame) == 31


def test_during_an_outage_stored_live_bars_come_before_imports_and_sample(yahoo, runner):
    assert runner.invoke(args=["market", "load-sample"]).exit_code == 0
    yahoo.fail_with = ProviderUnavailable("down")

    sample = services.get_bars("stock", "AAPL", "60d", "1d")

    assert (sample.source, sample.is_sample, sample.stale) == ("sample", True, True)
    assert sample.as_of == pd.Timestamp("2013-03-01", tz="UTC").to_pydatetime()

    importer.import_bars("AAPL", bars("AAPL", "2014-01-01", pd.Timestamp("2014-03-31", tz="UTC")))
    assert services.get_bars("stock", "AAPL", "60d", "1d").source == "import"

    store.store_bars("yfinance", "AAPL", "1d", bars("AAPL", "2015-01-01", pd.Timestamp("2015-03-31", tz="UTC")))
    own = services.get_bars("stock", "AAPL", "60d", "1d")
    assert (own.source, own.is_sample, own.stale) == ("yfinance", False, True)
    assert own.as_of == pd.Timestamp("2015-03-31", tz="UTC").to_pydatetime()


@pytest.mark.parametrize("error, cause", FAILURES)
def test_nothing_stored_is_service_unavailable_naming_the_cause(yahoo, error, cause):
    yahoo.fail_with = error

    with pytest.raises(ServiceUnavailable) as raised:
        services.get_bars("stock", "AAPL", "60d", "1d")

    assert raised.value.code == 503
    assert raised.value.description == f"yfinance is unavailable ({cause}) and no stored bars exist for AAPL."
    assert raised.value.headers == {"Retry-After": "300" if cause == "rate limited" else "60"}


def test_bars_of_another_interval_are_not_a_fallback(yahoo):
    store.store_bars("yfinance", "AAPL", "1wk", bars("AAPL"))
    yahoo.fail_with = ProviderUnavailable("down")

    with pytest.raises(ServiceUnavailable):
        services.get_bars("stock", "AAPL", "60d", "1d")


def test_an_unknown_symbol_is_not_found_unless_imported(yahoo):
    with pytest.raises(NotFound, match="NOPE"):
        services.get_bars("stock", "NOPE", "60d", "1d")

    importer.import_bars("nope", bars("NOPE"))
    result = services.get_bars("stock", "NOPE", "60d", "1d")

    assert (result.source, result.is_sample, result.stale) == ("import", True, False)
    assert result.as_of == NOW.to_pydatetime() and len(result.frame) == 61


def test_requests_are_validated_before_anything_is_fetched(yahoo):
    with pytest.raises(BadRequest) as raised:
        services.get_bars("stock", "AA PL", "7y", "1s")

    assert set(raised.value.fields) == {"symbol", "period", "interval"}
    assert yahoo.calls == []


def test_bars_without_volume_or_with_a_missing_price_can_be_stored(app):
    # Sources without volume give NaN, which SQLite would store as NULL into a NOT NULL column.
    frame = bars("AAPL").iloc[-5:].copy()
    frame["volume"] = float("nan")
    frame.iloc[1, frame.columns.get_loc("open")] = float("nan")

    written = store.store_bars("yfinance", "AAPL", "1d", frame)

    saved = stored()
    assert written == len(saved) == 4  # the bar without an open cannot be kept whole, so it is not kept
    assert frame.index[1] not in saved.index
    assert saved["volume"].tolist() == [0.0] * 4
    assert saved["close"].tolist() == frame["close"].drop(frame.index[1]).tolist()


def test_load_bars_reads_back_what_was_stored(app):
    frame = bars("AAPL")
    store.store_bars("yfinance", "AAPL", "1d", frame)
    store.store_bars("yfinance", "AAPL", "1wk", frame.iloc[::7])

    loaded = store.load_bars("yfinance", "AAPL", "1d", NOW - pd.Timedelta(days=9), NOW)

    pd.testing.assert_frame_equal(loaded, frame.iloc[-10:], check_freq=False)
    assert str(loaded.index.tz) == "UTC" and loaded.index.name == "timestamp"
    assert store.load_bars("yfinance", "MSFT", "1d").empty


def test_an_unreachable_split_history_is_remembered_like_a_bars_outage(live, app):
    class NoSplits(FakeProvider):
        split_calls = 0

        def splits(self, symbol):
            NoSplits.split_calls += 1
            raise ProviderUnavailable("Yahoo Finance could not be reached.", cause="timeout")

    live.use("yfinance", NoSplits())
    first = services.splits_for("AAPL", "stock")
    second = services.splits_for("AAPL", "stock")

    assert first[1] == second[1] == "split history of AAPL unavailable (timeout)"
    assert first[0].empty and second[0].empty
    # Every page view used to wait for the provider again.
    assert NoSplits.split_calls == 1
