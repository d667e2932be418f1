"""/api/stock/<ticker>/info: the provider's figures cached for a day, or what is known offline, never a 500."""

import pytest
import requests
import yfinance

from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from .conftest import strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")

# The keys of Yahoo's Ticker.info that the route reads, with Yahoo's types.
APPLE = {
    "longName": "Apple Inc.",
    "shortName": "Apple Inc.",
    "fullExchangeName": "NasdaqGS",
    "exchange": "NMS",
    "currency": "USD",
    "sector": "Technology",
    "industry": "Consumer Electronics",
    "marketCap": 3450000000000,
    "trailingPE": 37.52,
    "dividendYield": 0.44,
    "fiftyTwoWeekHigh": 260.1,
    "fiftyTwoWeekLow": 164.08,
    "quoteType": "EQUITY",
}


def info(client, ticker, status=200):
    response = client.get(f"/api/stock/{ticker}/info")
    assert response.status_code == status, response.get_data(as_text=True)
    return strict_json(response.data)


def test_offline_on_sample_data_the_name_currency_and_52_week_range_are_known_and_the_rest_says_why(client):
    body = info(client, "aapl")
    year = strict_json(client.get("/api/stock/AAPL?period=1y").data)["history"]

    assert (body["symbol"], body["name"], body["currency"]) == ("AAPL", "Apple Inc.", "USD")
    assert body["week52_high"] == max(bar["high"] for bar in year)
    assert body["week52_low"] == min(bar["low"] for bar in year)
    assert (body["source"], body["sample"], body["as_of"]) == ("offline", True, "2013-03-01T00:00:00Z")
    for field in ("exchange", "sector", "industry", "market_cap", "pe_ratio", "dividend_yield_pct"):
        assert body[field] is None and "sample" in body["reasons"][field]
    assert any("52-week" in note for note in body["notes"])


def test_a_symbol_known_nowhere_is_a_404_and_a_malformed_one_a_400(client):
    assert info(client, "ZZZZ", status=404)["error"]["code"] == 404
    assert "symbol" in info(client, "!!", status=400)["error"]["fields"]


def test_a_listed_symbol_without_sample_bars_still_gets_its_name(client):
    body = info(client, "TSLA")
    assert body["name"] == "Tesla Inc." and body["week52_high"] is None
    assert "No bars" in body["reasons"]["week52_high"]


class FakeTicker:
    calls = []
    info_or_error = APPLE

    def __init__(self, symbol, session=None):
        self.symbol = symbol

    @property
    def info(self):
        FakeTicker.calls.append(self.symbol)
        if isinstance(self.info_or_error, BaseException):
            raise self.info_or_error
        return dict(self.info_or_error)


@pytest.fixture
def yahoo_info(live, monkeypatch):
    live.use("yfinance", YFinanceProvider(timeout=1, session=requests.Session()))
    FakeTicker.calls = []
    monkeypatch.setattr(yfinance, "Ticker", FakeTicker)
    monkeypatch.setattr(FakeTicker, "info_or_error", APPLE)
    return FakeTicker


def test_from_the_provider_every_field_is_filled_and_cached_for_a_day(client, yahoo_info, clock):
    body = info(client, "AAPL")

    assert body == {
        "symbol": "AAPL",
        "name": "Apple Inc.",
        "exchange": "NasdaqGS",
        "currency": "USD",
        "sector": "Technology",
        "industry": "Consumer Electronics",
        "market_cap": 3450000000000.0,
        "pe_ratio": 37.52,
        "dividend_yield_pct": 0.44,
        "week52_high": 260.1,
        "week52_low": 164.08,
        "source": "yfinance",
        "sample": False,
        "stale": False,
        "as_of": None,
        "reasons": {},
        "notes": [],
    }
    clock.advance(86399)
    assert info(client, "AAPL") == body
    assert yahoo_info.calls == ["AAPL"]
    clock.advance(2)
    info(client, "AAPL")
    assert yahoo_info.calls == ["AAPL", "AAPL"]


def test_a_field_yahoo_leaves_out_is_null_with_a_reason(client, yahoo_info, monkeypatch):
    monkeypatch.setattr(FakeTicker, "info_or_error", {k: v for k, v in APPLE.items() if k != "trailingPE"})
    body = info(client, "AAPL")
    assert body["pe_ratio"] is None and "does not report" in body["reasons"]["pe_ratio"]


def test_when_yahoo_is_unreachable_the_answer_is_offline_with_the_cause(client, yahoo_info, monkeypatch):
    monkeypatch.setattr(FakeTicker, "info_or_error", requests.exceptions.ConnectionError("Could not resolve host"))
    body = info(client, "AAPL")

    assert body["source"] == "offline" and body["name"] == "Apple Inc."
    assert "network error" in body["reasons"]["sector"]
    # Yahoo is down for bars too and none are stored: the range is missing, and says why.
    assert body["week52_high"] is None and "No bars" in body["reasons"]["week52_high"]
