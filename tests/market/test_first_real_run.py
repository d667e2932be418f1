"""The issue's "done when", through the API with the real yfinance and ccxt on realistic offline answers.

A holding bought by amount in a dividend payer, a London stock quoted in pence, a Sydney stock's first day,
an hourly five-year request, Binance refusing the server. (A network that never answers: test_deadline.py.)
"""

import json

import pandas as pd
import pytest
import requests
import responses

from financial_dashboard.extensions import cache
from financial_dashboard.market import services, store
from financial_dashboard.market.providers import ccxt_provider, yahoo
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from .conftest import bars
from .yahoo_payloads import COCA_COLA, COMMONWEALTH_BANK, VODAFONE, intraday_limit

EXCHANGE_INFO = "https://api.binance.com/api/v3/exchangeInfo"
# Binance's answer to a server in a country it does not serve, word for word.
RESTRICTED = {
    "code": 0,
    "msg": "Service unavailable from a restricted location according to 'b. Eligibility' in "
    "https://www.binance.com/en/terms. Please contact customer service if you believe "
    "you received this message in error.",
}


@pytest.fixture
def yahoo_live(live, yahoo_http):
    """The live source with the real yfinance adapter, its HTTP answered by `responses`."""
    live.use("yfinance", YFinanceProvider(timeout=3, session=requests.Session()))
    return yahoo_http


def body_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.data)


def holding(api, symbol, purchase_date, **amounts):
    portfolio = body_of(api.post("/api/portfolios", json={"name": f"Holding {symbol}"}), 201)["id"]
    asset = {"name": symbol, "type": "stock", "symbol": symbol, "purchase_date": purchase_date, **amounts}
    asset_id = body_of(api.post(f"/api/portfolios/{portfolio}/assets", json=asset), 201)["id"]
    return portfolio, asset_id


def summary_of(api, portfolio):
    (item,) = [i for i in body_of(api.get("/api/portfolios/summary"), 200)["items"] if i["id"] == portfolio]
    return item


def prices_of(api, asset):
    return {p["date"]: p["price"] for p in body_of(api.get(f"/api/assets/{asset}/prices?per_page=100"), 200)["items"]}


def test_a_holding_bought_by_amount_in_a_dividend_payer_gets_the_units_its_purchase_price_implies(api, yahoo_live):
    COCA_COLA.serve(yahoo_live)
    portfolio, asset = holding(api, "KO", "2023-11-28", amount_invested="10000.00")

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["source"], result["created"], result["from"], result["to"]) == (
        "yfinance",
        4,
        "2023-11-28",
        "2023-12-01",
    )
    # The prices the shares traded at, not Yahoo's dividend-adjusted closes (10 % lower here).
    assert prices_of(api, asset) == {"2023-11-28": 58.83, "2023-11-29": 58.52, "2023-11-30": 58.44, "2023-12-01": 58.94}
    # 10,000 bought 169.98 shares at 58.83; at 58.94 they are worth 10,018.70. With Yahoo's adjusted closes
    # it came out as 190.36 "shares" bought at 52.53 and worth 10,098.08: the 0.46 dividend counted twice.
    assert summary_of(api, portfolio)["value"] == pytest.approx(10000 / 58.83 * 58.94, abs=0.01)
    # The dividend is kept beside the prices, for later use as income.
    body = body_of(api.get("/api/stock/KO?period=max"), 200)
    assert (body["currency"], body["dividends"]) == ("USD", [{"date": "2023-11-30", "amount": 0.46}])
    assert [bar["close"] for bar in body["history"]] == [s[4] for s in COCA_COLA.sessions]


def test_a_london_stock_is_valued_in_pounds_not_pence(api, yahoo_live):
    VODAFONE.serve(yahoo_live)
    portfolio, asset = holding(api, "VOD.L", "2024-01-02", quantity="1000", amount_invested="700.00")

    body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert prices_of(api, asset)["2024-01-05"] == pytest.approx(0.6904)
    assert summary_of(api, portfolio)["value"] == pytest.approx(690.40, abs=0.01)  # not 69,040
    body = body_of(api.get("/api/stock/VOD.L?period=max"), 200)
    assert body["currency"] == "GBP" and body["history"][-1]["close"] == pytest.approx(0.6904)
    assert body["dividends"] == [{"date": "2024-01-04", "amount": 0.045}]
    # The currency is stored with the bars, so a stale answer says it too.
    assert store.load_bars("yfinance", "VOD.L", "1d").attrs["currency"] == "GBP"


def test_a_sydney_stocks_first_day_is_there(api, yahoo_live):
    COMMONWEALTH_BANK.serve(yahoo_live)
    portfolio, asset = holding(api, "CBA.AX", "2024-01-02", amount_invested="10000.00")

    body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    prices = prices_of(api, asset)
    assert min(prices) == "2024-01-02" and prices["2024-01-02"] == 112.02
    # Bought at the first day's close, not the next day's.
    assert summary_of(api, portfolio)["value"] == pytest.approx(10000 / 112.02 * 111.53, abs=0.01)


def test_sydneys_today_is_there_before_utc_midnight(yahoo_live, monkeypatch):
    COMMONWEALTH_BANK.serve(yahoo_live)
    # 23:30 UTC on 4 January is 10:30 on 5 January in Sydney: its session of the 5th is open.
    monkeypatch.setattr(services, "now_utc", lambda: pd.Timestamp("2024-01-04 23:30", tz="UTC"))
    result = services.get_bars("stock", "CBA.AX", "5d", "1d")
    assert result.frame.index[-1] == pd.Timestamp("2024-01-05", tz="UTC")
    assert result.currency == "AUD"


def test_an_hourly_five_year_request_answers_a_clear_400(client, yahoo_live):
    response = client.get("/api/stock/AAPL?period=5y&interval=1h")

    body = body_of(response, 400)["error"]
    assert body["fields"] == {
        "period": [
            "Yahoo Finance serves 1h bars for the last 730 days only; choose a shorter period or a daily interval."
        ]
    }
    assert [call for call in yahoo_live.calls if "chart" in call.request.url] == []  # said without asking Yahoo


def test_yahoos_own_422_answers_400_in_its_words(client, yahoo_live, monkeypatch):
    monkeypatch.setattr(yahoo, "INTRADAY_DAYS", {})  # as if Yahoo's limit were shorter than the adapter knows
    COCA_COLA.serve(yahoo_live, lambda query: (422, intraday_limit("1h", 730)) if "period1" in query else None)

    body = body_of(client.get("/api/stock/KO?period=1y&interval=1h"), 400)["error"]

    assert "The requested range must be within the last 730 days." in body["description"]
    assert "must be within the last 730 days" in body["fields"]["period"][0]


@pytest.fixture
def binance(live, monkeypatch):
    """The live source with the real ccxt adapter on Binance, its HTTP answered by `responses`."""
    monkeypatch.setattr(ccxt_provider, "_exchanges", {})
    monkeypatch.setattr(ccxt_provider, "_market_locks", {})
    live.use("ccxt", CcxtProvider("binance", timeout=3))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_a_binance_451_answers_a_503_naming_ccxt_exchange(client, binance):
    blocked = binance.get(EXCHANGE_INFO, status=451, json=RESTRICTED)

    response = client.get("/api/crypto/BTC/USDT")

    body = body_of(response, 503)["error"]
    assert body["description"] == (
        "binance refuses requests from this server (HTTP 451); exchanges block some countries and many cloud "
        "regions. Set CCXT_EXCHANGE to an exchange that serves the server's region (for example kraken, "
        "coinbase or bitstamp) and restart. No stored bars exist for BTC/USDT."
    )
    assert response.headers["Retry-After"] == "3600"
    # A refusal lasts: the next requests do not ask Binance again for an hour.
    cache.delete("answer:json:crypto:ccxt:binance:BTC/USDT:90d:1d:")
    assert body_of(client.get("/api/crypto/BTC-USDT"), 503)["error"]["description"] == body["description"]
    assert blocked.call_count == 1


def test_another_exchanges_bars_are_never_served_for_this_one(client, binance, app):
    store.store_bars("ccxt:kraken", "BTC/USDT", "1d", bars("BTC/USDT"))  # stored while CCXT_EXCHANGE was kraken
    binance.get(EXCHANGE_INFO, status=451, json=RESTRICTED)

    assert client.get("/api/crypto/BTC/USDT").status_code == 503

    store.store_bars("ccxt:binance", "BTC/USDT", "1d", bars("BTC/USDT"))
    cache.clear()
    body = body_of(client.get("/api/crypto/BTC/USDT"), 200)
    assert (body["source"], body["stale"]) == ("ccxt:binance", True)
    assert body["stale_reason"].startswith("refused by binance (HTTP 451). Set CCXT_EXCHANGE to")


def test_an_interval_the_exchange_lacks_answers_400(client, live, monkeypatch):
    monkeypatch.setattr(ccxt_provider, "_exchanges", {})
    monkeypatch.setattr(ccxt_provider, "_market_locks", {})
    live.use("ccxt", CcxtProvider("coinbaseexchange", timeout=3))
    with responses.RequestsMock() as mock:  # nothing registered: not one request may be made
        body = body_of(client.get("/api/crypto/BTC/USD?timeframe=4h"), 400)["error"]
        assert len(mock.calls) == 0
    assert body["fields"] == {"interval": ["Unknown interval '4h'. Allowed: 1h, 1d."]}


def test_the_explorer_page_says_the_currency(client, yahoo_live):
    VODAFONE.serve(yahoo_live)
    page = client.get("/market?symbol=VOD.L&period=max").get_data(as_text=True)
    assert 'id="badge-currency"' in page and ">GBP</span>" in page
