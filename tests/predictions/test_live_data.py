"""Forecasts on live-source bars (fake providers): newer bars mean a new training, outages follow the market
data's stale and 503 rules, crypto pairs forecast every calendar day."""

import datetime as dt

import pandas as pd

from financial_dashboard.extensions import cache
from financial_dashboard.market import store as market_store
from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider
from tests.market.conftest import NOW, FakeCcxtProvider, bars

DOWN = ProviderUnavailable("Yahoo Finance could not be reached.", cause="timeout")


def test_a_newer_bar_means_a_new_training(api, live, trainings, count_rows):
    history = bars("AAPL", start="2022-06-01")
    provider = live.use("yfinance", FakeProvider({"AAPL": history.iloc[:-1]}))

    first = api.get("/api/predictions/AAPL?model=svr&days=2").json
    again = api.get("/api/predictions/AAPL?model=svr&days=2").json
    provider.frames["AAPL"] = history  # one more bar arrives
    cache.clear()  # past the market data's 20 seconds
    newer = api.get("/api/predictions/AAPL?model=svr&days=2").json

    assert trainings.count("svr") == 2 and count_rows("forecast_models") == 1
    assert again["model_info"]["trained_at"] == first["model_info"]["trained_at"]
    assert (first["as_of"], newer["as_of"]) == ("2024-12-30T00:00:00Z", "2024-12-31T00:00:00Z")
    assert (first["source"], first["sample"]) == ("yfinance", False)
    assert newer["model_info"]["data_range"]["to"] == "2024-12-31"
    assert newer["predictions"][0]["date"] == "2025-01-01"


def test_a_provider_outage_with_nothing_stored_is_a_503_with_retry_after(api, live):
    live.use("yfinance", FakeProvider(fail_with=DOWN))

    response = api.get("/api/predictions/AAPL?model=naive")

    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "timeout" in response.json["error"]["description"]


def test_during_an_outage_the_forecast_uses_the_stored_bars_and_says_it_is_stale(api, live, app):
    market_store.store_bars("yfinance", "AAPL", "1d", bars("AAPL", start="2022-06-01"))
    live.use("yfinance", FakeProvider(fail_with=DOWN))

    response = api.get("/api/predictions/AAPL?model=drift&days=3")

    assert response.status_code == 200
    body = response.json
    assert (body["stale"], body["stale_reason"], body["source"]) == (True, "timeout", "yfinance")
    assert any("unavailable (timeout)" in note for note in body["notes"])


def test_crypto_pairs_forecast_every_calendar_day_whichever_way_they_are_written(api, live):
    live.use("ccxt", FakeCcxtProvider({"BTC/USDT": bars("BTC/USDT", start="2022-06-01")}))

    dashed = api.get("/api/predictions/BTC-USDT?model=naive&days=3")
    slashed = api.get("/api/predictions/BTC/USDT?model=naive&days=3")

    assert dashed.status_code == slashed.status_code == 200
    assert dashed.json == slashed.json
    body = dashed.json
    assert (body["symbol"], body["kind"]) == ("BTC/USDT", "crypto")
    assert [p["date"] for p in body["predictions"]] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert body["backtest"]["verdict"].startswith("Over the last 60 days")
    assert (pd.Timestamp(NOW) + dt.timedelta(days=1)).strftime("%Y-%m-%d") == "2025-01-01"


def test_a_dashed_stock_ticker_stays_a_stock(api, live):
    provider = live.use("yfinance", FakeProvider({"BRK-B": bars("BRK-B", start="2022-06-01")}))
    response = api.get("/api/predictions/BRK-B?model=naive&days=1")
    assert response.status_code == 200 and response.json["kind"] == "stock"
    assert provider.calls[0]["symbol"] == "BRK-B"
