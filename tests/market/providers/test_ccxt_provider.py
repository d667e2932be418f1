"""The ccxt adapter against a real ccxt.binance whose HTTP (requests) is answered by `responses`."""

import json
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import requests
import responses

from financial_dashboard.market.providers import (
    InvalidSymbol,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnsupportedInterval,
    ccxt_provider,
)
from financial_dashboard.market.providers.base import ProviderRefused, UnsupportedRange
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider

from .test_base import assert_normalised

KLINES = "https://api.binance.com/api/v3/klines"
EXCHANGE_INFO = "https://api.binance.com/api/v3/exchangeInfo"
DAY = 86_400_000
FIRST = 1704067200000  # 2024-01-01, the first candle the fake exchange has
CANDLES = 10  # ... and it has ten daily candles, to 2024-01-10


def market(base, quote):
    return {
        "id": base + quote,
        "symbol": f"{base}/{quote}",
        "base": base,
        "quote": quote,
        "baseId": base,
        "quoteId": quote,
        "type": "spot",
        "spot": True,
        "margin": False,
        "swap": False,
        "future": False,
        "option": False,
        "contract": False,
        "active": True,
        "linear": None,
        "inverse": None,
    }


MARKETS = {
    m["symbol"]: m for m in (market("BTC", "USDT"), market("ETH", "USDT"), market("ETH", "BTC"), market("BTC", "EUR"))
}


def binance_symbol(base, quote):
    """One entry of Binance's /api/v3/exchangeInfo, trimmed to what ccxt reads."""
    return {
        "symbol": base + quote,
        "status": "TRADING",
        "baseAsset": base,
        "baseAssetPrecision": 8,
        "quoteAsset": quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ["LIMIT", "MARKET"],
        "icebergAllowed": True,
        "ocoAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": True,
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000.00", "tickSize": "0.01"},
            {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000.0", "stepSize": "0.00001"},
        ],
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"]],
    }


def exchange_info(*pair):
    return {
        "timezone": "UTC",
        "serverTime": FIRST,
        "rateLimits": [],
        "exchangeFilters": [],
        "symbols": [binance_symbol(*pair)],
    }


def kline(open_time):
    """A Binance kline: open time, OHLCV as strings, close time, quote volume, trades, taker volumes."""
    n = (open_time - FIRST) // DAY
    return [
        open_time,
        f"{42000 + n}.10",
        f"{43000 + n}.00",
        f"{41000 + n}.50",
        f"{42500 + n}.00",
        f"{100 + n}.5",
        open_time + DAY - 1,
        "5000000.0",
        1000,
        "60.0",
        "2500000.0",
        "0",
    ]


def klines_callback(request):
    """Answer like Binance: candles from startTime (or the newest ones), at most `limit`."""
    query = parse_qs(urlparse(request.url).query)
    limit = int(query["limit"][0])
    opens = [FIRST + i * DAY for i in range(CANDLES)]
    if "startTime" in query:
        opens = [t for t in opens if t >= int(query["startTime"][0])][:limit]
    else:
        opens = opens[-limit:]
    return 200, {"Content-Type": "application/json"}, json.dumps([kline(t) for t in opens])


@pytest.fixture
def rsps():
    # Unregistered URLs raise ConnectionError: nothing can reach the real network.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fresh_exchanges(monkeypatch):
    """Each test gets its own process-wide exchange cache."""
    monkeypatch.setattr(ccxt_provider, "_exchanges", {})
    monkeypatch.setattr(ccxt_provider, "_market_locks", {})


@pytest.fixture
def provider(fresh_exchanges):
    provider = CcxtProvider(timeout=5, page_limit=1000)
    provider.exchange.set_markets(MARKETS)  # so that exchangeInfo is not fetched
    return provider


def kline_calls(rsps):
    return [parse_qs(urlparse(call.request.url).query) for call in rsps.calls if call.request.url.startswith(KLINES)]


def utc(day):
    return pd.Timestamp(day, tz="UTC")


def test_success_gives_the_normalised_frame(provider, rsps):
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    frame = provider.fetch_ohlcv("BTC/USDT", utc("2024-01-02"), utc("2024-01-04"), "1d")
    assert_normalised(frame)
    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03"), utc("2024-01-04")]
    assert frame.iloc[0].tolist() == [42001.1, 43001.0, 41001.5, 42501.0, 101.5]
    (query,) = kline_calls(rsps)
    assert query["symbol"] == ["BTCUSDT"] and query["interval"] == ["1d"]
    assert query["startTime"] == [str(FIRST + DAY)]


def paging_provider(page_limit, max_pages=ccxt_provider.MAX_PAGES):
    provider = CcxtProvider(page_limit=page_limit, max_pages=max_pages)
    provider.exchange.set_markets(MARKETS)
    return provider


def start_times(rsps):
    return [int(q["startTime"][0]) for q in kline_calls(rsps)]


def test_pages_walk_back_from_end_to_start(fresh_exchanges, rsps):
    provider = paging_provider(3)
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    frame = provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-08"))
    assert frame.index.tolist() == [utc(f"2024-01-0{d}") for d in range(1, 9)]
    # Newest window first, each window one page of candles, the last one cut at the start.
    assert start_times(rsps) == [FIRST + 4 * DAY + 1, FIRST + DAY + 1, FIRST]


def test_max_pages_back_to_the_markets_first_candle(fresh_exchanges, rsps):
    """period=max used to be the last page only (1,000 candles, less than 10y of daily bars)."""
    provider = paging_provider(3)
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    frame = provider.fetch_ohlcv("BTC/USDT", end=utc("2024-01-10"))
    assert len(frame) == CANDLES and frame.index[0] == utc("2024-01-01")
    # Jan 8-10, 5-7, 2-4, then Dec 30-Jan 1 (only Jan 1), then a window before the first candle, where
    # Binance answers its first candles instead: outside the window, so paging stops.
    assert len(kline_calls(rsps)) == 5


def test_the_cap_on_pages_keeps_the_newest_candles(fresh_exchanges, rsps):
    provider = paging_provider(3, max_pages=2)
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    frame = provider.fetch_ohlcv("BTC/USDT", end=utc("2024-01-10"))
    assert frame.index.tolist() == [utc(f"2024-01-{d:02}") for d in range(5, 11)]
    assert len(kline_calls(rsps)) == 2


def test_a_window_longer_than_the_cap_is_refused_before_any_request(fresh_exchanges, rsps):
    provider = paging_provider(3, max_pages=2)
    with pytest.raises(UnsupportedRange) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-10"))
    assert "binance serves 3 candles a page" in raised.value.message and "go back 6 days" in raised.value.message
    assert kline_calls(rsps) == []
    # The same check, before fetching, from the service's "now".
    with pytest.raises(UnsupportedRange):
        provider.check_range("1d", utc("2024-01-01"), utc("2024-01-10"))
    assert provider.check_range("1d", utc("2024-01-05"), utc("2024-01-10")) == utc("2024-01-05")


def test_candles_after_the_end_of_a_market_are_found_by_walking_back(fresh_exchanges, rsps):
    provider = paging_provider(4)
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    frame = provider.fetch_ohlcv("BTC/USDT", utc("2023-12-20"), utc("2024-01-20"))
    assert len(frame) == CANDLES
    # Windows after Jan 10 are empty pages; paging stops once the window before Jan 1 is answered with
    # candles outside it.
    assert len(kline_calls(rsps)) == 6


def test_an_exchange_that_ignores_since_cannot_loop_forever(fresh_exchanges, rsps):
    provider = paging_provider(2)
    rsps.get(KLINES, json=[kline(FIRST), kline(FIRST + DAY)])
    frame = provider.fetch_ohlcv("BTC/USDT", utc("2023-12-01"), utc("2024-01-02"))
    assert len(frame) == 2
    assert len(kline_calls(rsps)) == 2


def test_the_page_size_is_the_exchanges_when_smaller(fresh_exchanges):
    assert CcxtProvider("coinbaseexchange")._page_size(CcxtProvider("coinbaseexchange").exchange) == 300
    assert CcxtProvider()._page_size(CcxtProvider().exchange) == 1000


@pytest.mark.parametrize("symbol", ["BTC-USDT", "btc/usdt", " btc-usdt "])
def test_dash_and_lower_case_symbols_are_accepted(provider, rsps, symbol):
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    assert provider.validate_symbol(symbol) == "BTC/USDT"
    assert len(provider.fetch_ohlcv(symbol, utc("2024-01-01"), utc("2024-01-02"))) == 2


@pytest.mark.parametrize("symbol", ["BTCUSDT", "BTC/", "BTC/USDT/X", "", "B TC/USDT"])
def test_malformed_pairs_are_invalid(provider, symbol):
    with pytest.raises(InvalidSymbol):
        provider.fetch_ohlcv(symbol)


def test_intervals_and_yfinance_aliases(provider, rsps):
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-01"), "1wk")
    assert kline_calls(rsps)[0]["interval"] == ["1w"]
    with pytest.raises(UnsupportedInterval) as raised:
        provider.fetch_ohlcv("BTC/USDT", interval="2h")
    assert raised.value.allowed == ("1m", "5m", "15m", "1h", "4h", "1d", "1w")


def test_dns_failure_is_provider_unavailable(provider, rsps):
    rsps.get(
        KLINES,
        body=requests.exceptions.ConnectionError(
            "HTTPSConnectionPool(host='api.binance.com', port=443): Max retries exceeded with url: /api/v3/klines "
            "(Caused by NameResolutionError(\"Failed to resolve 'api.binance.com' "
            '([Errno -3] Temporary failure in name resolution)"))'
        ),
    )
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert type(raised.value) is ProviderUnavailable
    assert (raised.value.cause, raised.value.retry_after, raised.value.symbol) == ("network error", 60, "BTC/USDT")


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ReadTimeout("Read timed out. (read timeout=5.0)"),
        requests.exceptions.ConnectTimeout("Connection to api.binance.com timed out."),
    ],
)
def test_timeout_is_provider_unavailable(provider, rsps, error):
    rsps.get(KLINES, body=error)
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert raised.value.cause == "timeout"


@pytest.mark.parametrize("status", [429, 418])
def test_http_429_and_418_are_rate_limited_with_the_retry_after_hint(provider, rsps, status):
    rsps.get(
        KLINES,
        status=status,
        headers={"Retry-After": "7"},
        json={"code": -1003, "msg": "Too many requests; current limit is 6000 request weight per 1 MINUTE."},
    )
    with pytest.raises(RateLimited) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert (raised.value.cause, raised.value.retry_after) == ("rate limited", 7)


def test_exchange_outage_is_unavailable(provider, rsps):
    rsps.get(KLINES, status=503, body="Service unavailable")
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert type(raised.value) is ProviderUnavailable and raised.value.cause == "exchange unavailable"


# Binance's answer to servers in the countries it does not serve (and many cloud regions), as ccxt reports it.
RESTRICTED = {
    "code": 0,
    "msg": "Service unavailable from a restricted location according to 'b. Eligibility' in "
    "https://www.binance.com/en/terms. Please contact customer service if you believe "
    "you received this message in error.",
}


@pytest.mark.parametrize("url", [KLINES, EXCHANGE_INFO])
def test_a_geo_block_is_a_lasting_refusal(fresh_exchanges, rsps, url):
    provider = CcxtProvider(timeout=5)
    if url == KLINES:
        provider.exchange.set_markets(MARKETS)
    rsps.get(url, status=451, json=RESTRICTED)
    with pytest.raises(ProviderRefused) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert raised.value.cause == "refused by binance (HTTP 451)" and raised.value.retry_after == 3600
    assert "binance refuses requests from this server" in raised.value.message
    # This is how ccxt raised it: an ExchangeNotAvailable with the status in its message.
    import ccxt

    assert isinstance(raised.value.__cause__, ccxt.ExchangeNotAvailable) and " 451 " in str(raised.value.__cause__)


def test_symbol_absent_from_the_markets_is_not_found_without_a_request(provider, rsps):
    with pytest.raises(SymbolNotFound) as raised:
        provider.fetch_ohlcv("NOPE/USDT")
    assert raised.value.symbol == "NOPE/USDT"
    assert len(rsps.calls) == 0


def test_symbol_the_exchange_rejects_is_not_found(provider, rsps):
    rsps.get(KLINES, status=400, json={"code": -1121, "msg": "Invalid symbol."})
    with pytest.raises(SymbolNotFound):
        provider.fetch_ohlcv("ETH/BTC", utc("2024-01-01"), utc("2024-01-02"))


def test_other_exchange_errors_are_unavailable(provider, rsps):
    rsps.get(KLINES, status=422, json={"code": -1100, "msg": "Illegal characters found in a parameter."})
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    assert raised.value.cause == "exchange error"


def test_one_exchange_per_process_and_markets_loaded_once(fresh_exchanges, rsps):
    info = rsps.get(EXCHANGE_INFO, json=exchange_info("BTC", "USDT"))
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    first, second = CcxtProvider(), CcxtProvider()
    assert first.exchange is second.exchange
    assert first.exchange.enableRateLimit is True and first.exchange.timeout == 10_000
    first.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02"))
    second.fetch_ohlcv("BTC-USDT", utc("2024-01-03"), utc("2024-01-04"))
    assert info.call_count == 1


def test_failed_market_download_is_mapped_and_retried(fresh_exchanges, rsps):
    rsps.get(EXCHANGE_INFO, body=requests.exceptions.ConnectionError("Failed to resolve 'api.binance.com'"))
    provider = CcxtProvider()
    with pytest.raises(ProviderUnavailable):
        provider.fetch_ohlcv("BTC/USDT")
    assert provider.search_symbols("btc") == []
    rsps.replace(responses.GET, EXCHANGE_INFO, json=exchange_info("BTC", "USDT"))
    assert [hit["symbol"] for hit in provider.search_symbols("btc")] == ["BTC/USDT"]


def test_search_ranks_prefix_matches_first(provider):
    hits = provider.search_symbols("btc")
    assert [hit["symbol"] for hit in hits] == ["BTC/EUR", "BTC/USDT", "ETH/BTC"]
    assert hits[0] == {"symbol": "BTC/EUR", "name": "BTC / EUR", "type": "crypto", "source": "ccxt", "currency": "EUR"}
    assert [hit["symbol"] for hit in provider.search_symbols("eth-u")] == ["ETH/USDT"]
    assert provider.search_symbols("btc", limit=1) == hits[:1]


def test_prices_are_in_the_quote_currency_and_stored_under_the_exchange(provider, rsps):
    rsps.add_callback(responses.GET, KLINES, callback=klines_callback)
    assert provider.fetch_ohlcv("BTC/USDT", utc("2024-01-01"), utc("2024-01-02")).attrs["currency"] == "USDT"
    assert provider.source_id == "ccxt:binance" and CcxtProvider("kraken").source_id == "ccxt:kraken"


def test_an_interval_the_exchange_lacks_is_unsupported_without_a_request(fresh_exchanges, rsps):
    coinbase = CcxtProvider("coinbaseexchange")  # Coinbase has 1m 5m 15m 1h 6h 1d: no 4h, no 1w
    assert coinbase.available_intervals() == ("1m", "5m", "15m", "1h", "1d")
    for interval in ("4h", "1w", "1wk"):
        with pytest.raises(UnsupportedInterval) as raised:
            coinbase.fetch_ohlcv("BTC/USD", interval=interval)
        assert raised.value.allowed == ("1m", "5m", "15m", "1h", "1d")
    assert len(rsps.calls) == 0


def test_a_misspelt_exchange_is_named_with_suggestions_without_importing_ccxt():
    assert ccxt_provider.exchange_problem("binance") is None and ccxt_provider.exchange_problem("kraken") is None
    problem = ccxt_provider.exchange_problem("binanse")
    assert problem.startswith("'binanse' is not a ccxt exchange id; did you mean binance")
    assert "is not a ccxt exchange id." in ccxt_provider.exchange_problem("Zzzz")
