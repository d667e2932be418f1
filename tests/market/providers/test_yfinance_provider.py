"""The yfinance adapter: real yfinance over `responses`, and the library boundary faked with its real shapes.

Every test gives the provider a plain requests.Session inside a RequestsMock, so an unplanned
request fails with ConnectionError; curl_cffi (yfinance's default transport) is fenced off too.
"""

import numpy as np
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
    yfinance_provider,
)
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from .test_base import assert_normalised

yf = pytest.importorskip("yfinance")
import yfinance.base as yf_base  # noqa: E402
from curl_cffi.requests import exceptions as curl_errors  # noqa: E402  (yfinance's transport)
from yfinance import exceptions as yf_errors  # noqa: E402

CHART = "https://query2.finance.yahoo.com/v8/finance/chart/{}"
QUOTE_SUMMARY = "https://query2.finance.yahoo.com/v10/finance/quoteSummary/{}"
QUOTE = "https://query1.finance.yahoo.com/v7/finance/quote"
NOT_FOUND = {
    "chart": {"result": None, "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"}}
}
DNS_ERROR = "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com."

# AAPL, first trading week of 2024, as Yahoo's v8 chart API sends it (bars stamped at the 09:30 open).
STAMPS = [1704205800, 1704292200, 1704378600, 1704465000]
OPEN, HIGH = [187.15, 184.22, 182.15, 181.99], [188.44, 185.88, 183.09, 182.76]
LOW, CLOSE = [183.89, 183.43, 180.88, 180.17], [185.64, 184.25, 181.91, 181.18]
VOLUME = [82488700, 58414500, 71983600, 62303300]
ADJUSTMENT = 0.99  # adjclose / close, as if a dividend followed


def chart(symbol="AAPL", stamps=STAMPS):
    n = len(stamps)
    meta = {
        "currency": "USD",
        "symbol": symbol,
        "exchangeName": "NMS",
        "fullExchangeName": "NasdaqGS",
        "instrumentType": "EQUITY",
        "firstTradeDate": 345479400,
        "regularMarketTime": 1704488401,
        "hasPrePostMarketData": True,
        "gmtoffset": -18000,
        "timezone": "EST",
        "exchangeTimezoneName": "America/New_York",
        "regularMarketPrice": 181.18,
        "chartPreviousClose": 192.53,
        "priceHint": 2,
        "currentTradingPeriod": {
            "pre": {"timezone": "EST", "start": 1704445200, "end": 1704465000, "gmtoffset": -18000},
            "regular": {"timezone": "EST", "start": 1704465000, "end": 1704488400, "gmtoffset": -18000},
            "post": {"timezone": "EST", "start": 1704488400, "end": 1704502800, "gmtoffset": -18000},
        },
        "dataGranularity": "1d",
        "range": "",
        "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
    }
    quote = {"open": OPEN[:n], "high": HIGH[:n], "low": LOW[:n], "close": CLOSE[:n], "volume": VOLUME[:n]}
    adjclose = [round(c * ADJUSTMENT, 6) for c in CLOSE[:n]]
    return {
        "chart": {
            "result": [
                {
                    "meta": meta,
                    "timestamp": list(stamps),
                    "indicators": {"quote": [quote], "adjclose": [{"adjclose": adjclose}]},
                }
            ],
            "error": None,
        }
    }


def history_frame(closes=CLOSE):
    """What Ticker.history returns: flat capitalised columns, actions, local midnight index named Date."""
    n = len(closes)
    index = pd.DatetimeIndex(
        pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"][:n]), name="Date"
    ).tz_localize("America/New_York")
    return pd.DataFrame(
        {
            "Open": OPEN[:n],
            "High": HIGH[:n],
            "Low": LOW[:n],
            "Close": list(closes),
            "Volume": np.array(VOLUME[:n], dtype="int64"),
            "Dividends": [0.0] * n,
            "Stock Splits": [0.0] * n,
        },
        index=index,
    )


def empty_history():
    """yfinance.utils.empty_df(): what history() returns when it swallowed a failure."""
    return yf.utils.empty_df()


class RealNetworkAttempt(BaseException):
    """Not an Exception, so neither yfinance nor the adapter can swallow it."""


@pytest.fixture(scope="module", autouse=True)
def yfinance_cache_dir(tmp_path_factory):
    yf.set_tz_cache_location(str(tmp_path_factory.mktemp("yfinance-cache")))


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise RealNetworkAttempt("a test tried to use curl_cffi, i.e. the real network")

    monkeypatch.setattr("curl_cffi.requests.Session.request", refuse)
    # yfinance memoises GET responses per process; a response cached by one test must not answer another.
    yf.data.YfData.cache_get.cache_clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def rsps(offline):
    return offline


@pytest.fixture
def provider():
    return YFinanceProvider(timeout=3, session=requests.Session())


@pytest.fixture
def fake_history(monkeypatch):
    """Replace Ticker.history with a script of answers (frames to return, exceptions to raise)."""
    calls = []

    def install(*answers):
        script = list(answers)

        def history(self, *args, **kwargs):
            calls.append({"symbol": self.ticker, "session": self.session, **kwargs})
            answer = script.pop(0) if len(script) > 1 else script[0]
            if isinstance(answer, BaseException):
                raise answer
            return answer

        monkeypatch.setattr(yf.Ticker, "history", history)
        return calls

    return install


def utc(day):
    return pd.Timestamp(day, tz="UTC")


# --- real yfinance, HTTP answered by responses -------------------------------------------------


def test_real_yfinance_parses_the_v8_chart(provider, rsps):
    rsps.get("https://fc.yahoo.com", status=404)
    rsps.get("https://query1.finance.yahoo.com/v1/test/getcrumb", body="crumb-token")
    chart_route = rsps.get(CHART.format("AAPL"), json=chart())
    frame = provider.fetch_ohlcv("aapl", utc("2024-01-02"), utc("2024-01-05"), "1d")
    assert_normalised(frame)
    # Daily bars keep their exchange date, stamped 00:00 UTC.
    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03"), utc("2024-01-04"), utc("2024-01-05")]
    # Yahoo's close (split-adjusted), not its adjclose (dividend-adjusted too): prices as traded.
    assert frame["close"].tolist() == CLOSE
    assert frame["open"].iloc[0] == 187.15
    assert frame["volume"].tolist() == [float(v) for v in VOLUME]
    assert frame.attrs["currency"] == "USD" and frame.attrs["dividends"].empty
    history_call = [c for c in chart_route.calls if "period1" in c.request.url][0]
    assert "interval=1d" in history_call.request.url and "events=div" in history_call.request.url
    assert yf.config.debug.hide_exceptions is False


@pytest.fixture
def fresh_process(monkeypatch):
    """yfinance's per-process counter of Ticker.info fallbacks, as in a process that just started."""
    monkeypatch.setattr(yf_base, "_tz_info_fetch_ctr", 0)


def test_real_yfinance_unknown_symbol_is_not_found_on_every_call(provider, rsps, fresh_process):
    rsps.get(CHART.format("ZZZZNOTREAL"), status=404, json=NOT_FOUND)
    rsps.get(
        QUOTE_SUMMARY.format("ZZZZNOTREAL"),
        status=404,
        json={
            "quoteSummary": {
                "result": None,
                "error": {"code": "Not Found", "description": "Quote not found for symbol: ZZZZNOTREAL"},
            }
        },
    )
    rsps.get(QUOTE, json={"quoteResponse": {"result": [], "error": None}})
    # Three calls: yfinance's Ticker.info fallback only runs for the first two of a process.
    for _ in range(3):
        yf.data.YfData.cache_get.cache_clear()
        with pytest.raises(SymbolNotFound) as raised:
            provider.fetch_ohlcv("ZZZZNOTREAL", utc("2024-01-02"), utc("2024-01-05"))
        assert raised.value.symbol == "ZZZZNOTREAL"


def test_real_yfinance_dns_failure_is_unavailable_on_every_call(provider, rsps, fresh_process):
    # Nothing registered: every request fails the way requests reports a DNS failure.
    for _ in range(3):
        with pytest.raises(ProviderUnavailable) as raised:
            provider.fetch_ohlcv("MSFT", utc("2024-01-02"), utc("2024-01-05"))
        assert type(raised.value) is ProviderUnavailable and raised.value.cause == "network error"


def test_real_yfinance_dns_failure_is_unavailable_even_with_hidden_exceptions(provider, rsps, fresh_process):
    """yfinance's default 'raises on the first two calls, then empty frames' pattern, if hiding is turned back on."""
    yfinance_provider._yfinance()
    yf.config.debug.hide_exceptions = True
    try:
        for _ in range(4):
            with pytest.raises(ProviderUnavailable) as raised:
                provider.fetch_ohlcv("IBM", utc("2024-01-02"), utc("2024-01-05"))
            assert raised.value.cause == "network error"
    finally:
        yf.config.debug.hide_exceptions = False


def test_real_yfinance_rate_limit(provider, rsps):
    rsps.get(CHART.format("NVDA"), status=429, body="Too Many Requests")
    with pytest.raises(RateLimited) as raised:
        provider.fetch_ohlcv("NVDA", utc("2024-01-02"), utc("2024-01-05"))
    assert raised.value.retry_after == 60


def test_real_yfinance_timeout(provider, rsps):
    rsps.get(CHART.format("AMZN"), body=requests.exceptions.ReadTimeout("Read timed out. (read timeout=3.0)"))
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AMZN", utc("2024-01-02"), utc("2024-01-05"))
    assert raised.value.cause == "timeout"


# --- the Ticker.history boundary faked ---------------------------------------------------------


def test_history_frame_is_normalised_and_called_as_documented(provider, fake_history):
    calls = fake_history(history_frame())
    frame = provider.fetch_ohlcv("AAPL", utc("2024-01-02"), utc("2024-01-05"), "1d")
    assert_normalised(frame)
    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03"), utc("2024-01-04"), utc("2024-01-05")]
    assert frame["close"].tolist() == CLOSE
    (call,) = calls
    assert call["symbol"] == "AAPL" and call["session"] is provider.session
    # Not adjusted for dividends; the dividends come beside the bars.
    assert (call["interval"], call["auto_adjust"], call["actions"], call["timeout"]) == ("1d", False, True, 3.0)
    assert call["start"] == utc("2024-01-01")  # a day early: east of UTC a session opens the day before in UTC
    assert call["end"] == utc("2024-01-06")  # yfinance's end is exclusive; ours is inclusive


def test_without_start_the_whole_history_is_asked_for(provider, fake_history):
    calls = fake_history(history_frame())
    frame = provider.fetch_ohlcv("AAPL", end=utc("2024-01-03"))
    assert calls[0]["period"] == "max" and "start" not in calls[0]
    assert frame.index[-1] == utc("2024-01-03")


def test_intraday_bars_keep_their_time(provider, fake_history):
    # Hourly bars exist for the last 730 days only: a week ago, in New York.
    day = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=7)).strftime("%Y-%m-%d")
    index = pd.DatetimeIndex([f"{day} 09:30", f"{day} 10:30"], name="Datetime").tz_localize("America/New_York")
    calls = fake_history(
        pd.DataFrame(
            {"Open": [1.0, 2.0], "High": [1.0, 2.0], "Low": [1.0, 2.0], "Close": [1.0, 2.0], "Volume": [10, 20]},
            index=index,
        )
    )
    frame = provider.fetch_ohlcv("AAPL", utc(day), utc(day) + pd.Timedelta(days=1), "1h")
    assert frame.index.tolist() == list(index.tz_convert("UTC"))
    assert calls[0]["start"] == utc(day)  # intraday windows are not padded: they stay inside Yahoo's limit


def test_empty_frame_for_an_unknown_symbol_is_not_found(provider, fake_history, rsps):
    fake_history(empty_history())
    probe = rsps.get(CHART.format("NOSUCH"), status=404, json=NOT_FOUND)
    with pytest.raises(SymbolNotFound) as raised:
        provider.fetch_ohlcv("NOSUCH")
    assert raised.value.symbol == "NOSUCH" and raised.value.provider == "yfinance"
    assert probe.call_count == 1


def test_empty_frame_for_a_known_symbol_is_an_empty_range(provider, fake_history, rsps):
    fake_history(empty_history())
    rsps.get(CHART.format("AAPL"), json=chart())
    frame = provider.fetch_ohlcv("AAPL", utc("2024-01-06"), utc("2024-01-07"))
    assert frame.empty
    assert_normalised(frame)


@pytest.mark.parametrize(
    "error",
    [
        curl_errors.DNSError(DNS_ERROR),
        curl_errors.ConnectionError("Failed to perform, curl: (7) Failed to connect to query2.finance.yahoo.com"),
        requests.exceptions.ConnectionError("Failed to resolve 'query2.finance.yahoo.com'"),
    ],
)
def test_dns_and_connection_errors_are_unavailable(provider, fake_history, error):
    fake_history(error)
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL")
    assert type(raised.value) is ProviderUnavailable
    assert (raised.value.cause, raised.value.retry_after) == ("network error", 60)
    assert raised.value.__cause__ is error


@pytest.mark.parametrize(
    "error",
    [
        curl_errors.Timeout("Failed to perform, curl: (28) Operation timed out after 3001 milliseconds"),
        requests.exceptions.ReadTimeout("Read timed out. (read timeout=3)"),
    ],
)
def test_timeouts_are_unavailable(provider, fake_history, error):
    fake_history(error)
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.cause == "timeout"


def test_rate_limit_is_rate_limited(provider, fake_history):
    fake_history(yf_errors.YFRateLimitError())
    with pytest.raises(RateLimited) as raised:
        provider.fetch_ohlcv("AAPL")
    assert (raised.value.cause, raised.value.retry_after) == ("rate limited", 60)


def test_http_429_keeps_yahoos_retry_after(provider, fake_history):
    response = requests.Response()
    response.status_code, response.headers["Retry-After"] = 429, "120"
    fake_history(requests.exceptions.HTTPError("429 Too Many Requests", response=response))
    with pytest.raises(RateLimited) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.retry_after == 120


def test_raises_once_then_empty_frames_stays_unavailable(provider, fake_history, rsps):
    """yfinance's own pattern on a DNS failure: an exception first, empty frames afterwards."""
    calls = fake_history(curl_errors.DNSError(DNS_ERROR), empty_history())
    rsps.get(CHART.format("AAPL"), body=requests.exceptions.ConnectionError("Failed to resolve 'query2'"))
    for _ in range(3):
        with pytest.raises(ProviderUnavailable) as raised:
            provider.fetch_ohlcv("AAPL")
        assert not isinstance(raised.value, SymbolNotFound) and raised.value.cause == "network error"
    assert len(calls) == 3


@pytest.mark.parametrize(
    "error",
    [yf_errors.YFTzMissingError("AAPL"), yf_errors.YFPricesMissingError("AAPL", " (1d 2024-01-06 -> 2024-01-07)")],
)
def test_missing_data_exceptions_are_checked_with_yahoo(provider, fake_history, rsps, error):
    calls = fake_history(error)
    probe = rsps.get(CHART.format("AAPL"), json=chart())
    assert provider.fetch_ohlcv("AAPL", utc("2024-01-06"), utc("2024-01-07")).empty
    # Yahoo knows the symbol and gave no reason: tried once more (a stale crumb looks the same), probed once.
    assert len(calls) == 2 and probe.call_count == 1
    rsps.replace(responses.GET, CHART.format("AAPL"), status=404, json=NOT_FOUND)
    with pytest.raises(SymbolNotFound):
        provider.fetch_ohlcv("AAPL", utc("2024-01-06"), utc("2024-01-07"))
    assert len(calls) == 3


def test_yahoo_saying_the_range_is_empty_is_not_asked_twice(provider, fake_history, rsps):
    calls = fake_history(
        yf_errors.YFPricesMissingError(
            "AAPL", "", yahoo_reason="No data found for this date range, symbol may be delisted"
        )
    )
    rsps.get(CHART.format("AAPL"), json=chart())
    assert provider.fetch_ohlcv("AAPL", utc("2024-01-06"), utc("2024-01-07")).empty
    assert len(calls) == 1


def test_probe_rate_limit_and_yahoo_down(provider, fake_history, rsps):
    fake_history(empty_history())
    rsps.get(CHART.format("AAPL"), status=429, headers={"Retry-After": "30"}, body="Too Many Requests")
    with pytest.raises(RateLimited) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.retry_after == 30
    rsps.replace(responses.GET, CHART.format("AAPL"), status=502, body="<html>Will be right back</html>")
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.cause == "provider error"


def test_yahoo_down_message_and_unexpected_errors_are_unavailable(provider, fake_history, rsps):
    fake_history(yf_errors.YFDataException("*** YAHOO! FINANCE IS CURRENTLY DOWN! ***"))
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.cause == "provider down"
    # Something yfinance could not parse, from a Yahoo that knows the symbol: probed, tried again, then an outage.
    rsps.get(CHART.format("AAPL"), json=chart())
    calls = fake_history(KeyError("chart"))
    before = len(calls)
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("AAPL")
    assert raised.value.cause == "unexpected provider error" and len(calls) - before == 2


@pytest.mark.parametrize("symbol", ["", "AAPL US", "A" * 16, "AAPL$", "^", "--", "&", None])
def test_invalid_syntax_never_reaches_yfinance(provider, fake_history, symbol):
    calls = fake_history(history_frame())
    with pytest.raises(InvalidSymbol):
        provider.fetch_ohlcv(symbol)
    assert calls == []


@pytest.mark.parametrize(
    "symbol, canonical",
    [
        ("aapl", "AAPL"),
        ("BRK-B", "BRK-B"),
        ("brk.b", "BRK.B"),
        ("^gspc", "^GSPC"),
        ("EURUSD=X", "EURUSD=X"),
        (" spy ", "SPY"),
        ("m&m.ns", "M&M.NS"),
        ("J&KBANK.NS", "J&KBANK.NS"),
    ],
)
def test_valid_symbols_are_upper_cased(provider, symbol, canonical):
    assert provider.validate_symbol(symbol) == canonical


def test_unsupported_interval(provider):
    with pytest.raises(UnsupportedInterval) as raised:
        provider.fetch_ohlcv("AAPL", interval="4h")
    assert "1wk" in raised.value.allowed


def test_splits(provider, monkeypatch, rsps):
    index = pd.DatetimeIndex(["2014-06-09", "2020-08-31"], name="Date").tz_localize("America/New_York")
    monkeypatch.setattr(
        yf.Ticker, "splits", property(lambda self: pd.Series([7.0, 4.0], index=index, name="Stock Splits"))
    )
    splits = provider.splits("AAPL")
    assert splits.tolist() == [7.0, 4.0]
    assert splits.index.tolist() == [utc("2014-06-09"), utc("2020-08-31")]
    monkeypatch.setattr(yf.Ticker, "splits", property(lambda self: pd.Series(dtype="float64")))
    assert provider.splits("AAPL").empty
    # None is how Ticker.splits reports a swallowed failure: asked again, Yahoo is unreachable.
    monkeypatch.setattr(yf.Ticker, "splits", property(lambda self: None))
    with pytest.raises(ProviderUnavailable):
        provider.splits("AAPL")

    def dns_failure(self):
        raise curl_errors.DNSError(DNS_ERROR)

    monkeypatch.setattr(yf.Ticker, "splits", property(dns_failure))
    with pytest.raises(ProviderUnavailable):
        provider.splits("AAPL")


def test_search(provider, monkeypatch):
    class FakeSearch:
        def __init__(self, query, **kwargs):
            self.quotes = [
                {"symbol": "AAPL", "shortname": "Apple Inc.", "quoteType": "EQUITY"},
                {"symbol": "APLE", "longname": "Apple Hospitality REIT, Inc.", "quoteType": "EQUITY"},
                {"symbol": "AAPL.MX", "shortname": "APPLE INC", "quoteType": "EQUITY"},
            ]

    monkeypatch.setattr(yf, "Search", FakeSearch)
    assert provider.search_symbols("apple", limit=2) == [
        {"symbol": "AAPL", "name": "Apple Inc.", "type": "stock", "source": "yfinance", "currency": None},
        {
            "symbol": "APLE",
            "name": "Apple Hospitality REIT, Inc.",
            "type": "stock",
            "source": "yfinance",
            "currency": None,
        },
    ]

    def unreachable(query, **kwargs):
        raise curl_errors.DNSError(DNS_ERROR)

    monkeypatch.setattr(yf, "Search", unreachable)
    assert provider.search_symbols("apple") == []


def test_construction_is_cheap_and_checks_the_session():
    provider = YFinanceProvider()
    assert provider.timeout == 10.0
    with pytest.raises(TypeError):
        YFinanceProvider(session="not a session")
