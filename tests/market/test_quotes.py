"""/api/market/quotes: the contract on bundled bars, error entries, the cache, one batched yfinance call."""

import pandas as pd
import pytest

from financial_dashboard.market import services
from financial_dashboard.market.models import MarketBar
from financial_dashboard.market.providers import ProviderUnavailable, SymbolNotFound
from financial_dashboard.market.providers.fake_provider import FakeProvider
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from .conftest import NOW, bars, strict_json
from .yahoo_download import FakeYahoo, history

pytestmark = pytest.mark.usefixtures("fresh_cache")


def quotes(client, symbols, status=200):
    response = client.get(f"/api/market/quotes?symbols={symbols}")
    assert response.status_code == status, response.get_data(as_text=True)
    return strict_json(response.data)


def test_quotes_are_the_latest_bars_of_the_stock_route_with_error_entries_in_place(client):
    body = quotes(client, "AAPL,zzzz,msft,BTC/USDT,!!,AAPL")
    history_ = strict_json(client.get("/api/stock/AAPL?period=60d").data)["history"]

    symbols = [item["symbol"] for item in body["items"]]
    assert symbols == ["AAPL", "ZZZZ", "MSFT", "BTC/USDT", "!!"]  # order kept, the repeat answered once
    aapl = body["items"][0]
    last, previous = history_[-1]["close"], history_[-2]["close"]
    assert aapl["price"] == last and aapl["previous_close"] == previous
    assert aapl["change"] == pytest.approx(last - previous, abs=1e-9)
    assert aapl["change_pct"] == pytest.approx((last - previous) * 100 / previous, rel=1e-9)
    assert aapl["volume"] == history_[-1]["volume"]
    # 30 days before 2013-03-01 is 2013-01-30: the last close on or before it.
    (base,) = [bar["close"] for bar in history_ if bar["date"] == "2013-01-30"]
    assert aapl["change_30d_pct"] == pytest.approx((last - base) * 100 / base, rel=1e-9)
    assert aapl["as_of"] == "2013-03-01T00:00:00Z"
    assert (aapl["source"], aapl["sample"], aapl["stale"]) == ("sample", True, False)
    assert (aapl["name"], aapl["currency"], aapl["kind"]) == ("Apple Inc.", "USD", "stock")
    assert "sparkline" not in aapl
    errors = {item["symbol"]: item["error"] for item in body["items"] if "error" in item}
    assert errors["ZZZZ"]["code"] == 404 and "ZZZZ" in errors["ZZZZ"]["description"]
    assert errors["BTC/USDT"]["code"] == 404  # the sample set has no crypto
    assert errors["!!"]["code"] == 400 and "not a valid symbol" in errors["!!"]["description"]


@pytest.mark.parametrize("symbols", ["", ",,", ",".join(f"S{n}" for n in range(51))])
def test_no_symbol_or_more_than_50_is_a_400(client, symbols):
    error = quotes(client, symbols, status=400)["error"]
    assert "symbols" in error["fields"]


def test_missing_symbols_parameter_is_a_400(client):
    assert client.get("/api/market/quotes").status_code == 400


def test_a_newer_imported_bar_continues_the_quote(client, runner, csv_file):
    path = csv_file("date,open,high,low,close,volume", "2013-03-04,431,440,430,439.5,1000")
    assert runner.invoke(args=["market", "import-csv", "AAPL", str(path)]).exit_code == 0

    (aapl,) = quotes(client, "AAPL")["items"]

    assert (aapl["price"], aapl["previous_close"], aapl["as_of"]) == (439.5, 430.47, "2013-03-04T00:00:00Z")
    assert (aapl["source"], aapl["sample"]) == ("import", True)


def test_warm_quotes_come_from_the_cache_without_asking_the_provider(client, live):
    yahoo = live.use("yfinance", FakeProvider({"AAPL": bars("AAPL")}))
    first = quotes(client, "AAPL")
    calls = len(yahoo.calls)

    assert quotes(client, "AAPL") == first
    assert len(yahoo.calls) == calls == 1


def test_during_an_outage_quotes_come_from_stored_bars_marked_stale(client, live, clock):
    yahoo = live.use("yfinance", FakeProvider({"AAPL": bars("AAPL")}))
    fresh = quotes(client, "AAPL")["items"][0]
    clock.advance(21)
    yahoo.fail_with = ProviderUnavailable("down", cause="timeout")

    stale = quotes(client, "AAPL,MSFT")["items"]

    assert stale[0]["price"] == fresh["price"] and stale[0]["stale"] is True and stale[0]["stale_reason"] == "timeout"
    assert stale[1]["error"]["code"] == 503  # nothing stored for MSFT


def test_crypto_quotes_are_in_the_pairs_quote_currency(client, exchange):
    (btc,) = quotes(client, "btc/usdt")["items"]
    assert (btc["symbol"], btc["kind"], btc["currency"], btc["source"]) == (
        "BTC/USDT",
        "crypto",
        "USDT",
        "ccxt:binance",
    )
    assert btc["price"] == pytest.approx(bars("BTC/USDT")["close"].iloc[-1])


# --- several stocks in one yfinance download ---


@pytest.fixture
def yfinance_live(live, monkeypatch):
    """The real yfinance adapter; yfinance itself faked below Ticker (FakeYahoo)."""
    provider = live.use("yfinance", YFinanceProvider(timeout=1))
    monkeypatch.setattr(services, "now_utc", lambda: pd.Timestamp("2024-12-20", tz="UTC"))
    return provider


def test_stocks_missing_from_the_cache_are_fetched_in_one_download_and_stored(client, app, yfinance_live, monkeypatch):
    yahoo = FakeYahoo(monkeypatch, {"AAPL": history([100, 101, 103]), "MSFT": history([400, 398, 399])})

    items = quotes(client, "AAPL,MSFT")["items"]

    assert yahoo.downloads == [["AAPL", "MSFT"]]
    assert [(q["symbol"], q["price"], q["previous_close"], q["as_of"]) for q in items] == [
        ("AAPL", 103.0, 101.0, "2024-12-04T00:00:00Z"),
        ("MSFT", 399.0, 398.0, "2024-12-04T00:00:00Z"),
    ]
    assert items[0]["change_pct"] == pytest.approx(2 * 100 / 101)
    stored = MarketBar.query.filter_by(source="yfinance", interval="1d").count()
    assert stored == 6
    # The single-symbol route finds the downloaded bars in the cache: nothing is fetched again.
    assert strict_json(client.get("/api/stock/MSFT").data)["history"][-1]["close"] == 399.0
    assert yahoo.downloads == [["AAPL", "MSFT"]] and sorted(yahoo.histories) == ["AAPL", "MSFT"]


def test_a_ticker_the_download_missed_takes_the_single_symbol_path(client, yfinance_live, monkeypatch):
    yahoo = FakeYahoo(monkeypatch, {"AAPL": history([100, 101])})
    asked = []

    def fetch_one(symbol, *args, **kwargs):
        asked.append(symbol)
        raise SymbolNotFound(f"Yahoo Finance does not know the symbol {symbol}.")

    monkeypatch.setattr(yfinance_live, "fetch_ohlcv", fetch_one)

    items = quotes(client, "AAPL,ZZZZ")["items"]

    assert yahoo.downloads == [["AAPL", "ZZZZ"]] and asked == ["ZZZZ"]
    assert items[0]["price"] == 101.0
    assert items[1]["error"]["code"] == 404 and "ZZZZ" in items[1]["error"]["description"]


def test_a_download_that_returns_nothing_asks_once_whether_yahoo_is_up(client, yfinance_live, monkeypatch):
    import requests

    FakeYahoo(monkeypatch, {}, fail_with=requests.exceptions.ConnectionError("Could not resolve host"))
    probes, singles = [], []

    def probe(symbol):
        probes.append(symbol)
        raise ProviderUnavailable("Yahoo Finance could not be reached.", cause="network error")

    monkeypatch.setattr(yfinance_live, "_probe", probe)
    monkeypatch.setattr(yfinance_live, "fetch_ohlcv", lambda *a, **k: singles.append(a))

    items = quotes(client, "AAPL,MSFT,IBM")["items"]

    assert len(probes) == 1 and singles == []  # no symbol waits for its own timeout
    assert [item["error"]["code"] for item in items] == [503, 503, 503]
    assert "network error" in items[0]["error"]["description"]


def test_the_quotes_route_is_in_the_api_docs(client):
    spec = client.get("/apispec.json").json
    assert "/api/market/quotes" in spec["paths"] and "/api/stock/{ticker}/info" in spec["paths"]
    assert NOW  # the live fixtures' clock
