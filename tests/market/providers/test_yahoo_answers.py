"""The yfinance adapter on Yahoo's real answer shapes, through the real yfinance: what a first real run meets.

Dividends and their adjustment, London's pence, Sydney's dates, Yahoo's 422 for intraday ranges, a 5xx or a
401 from Yahoo that must not outlive the moment, share-class spellings. Every request is answered by
`responses` (tests/market/yahoo_payloads.py); curl_cffi, yfinance's own transport, is fenced off.
"""

import pandas as pd
import pytest
import requests

from financial_dashboard.market.providers import ProviderUnavailable, SymbolNotFound, yahoo
from financial_dashboard.market.providers.base import UnsupportedRange
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from ..yahoo_payloads import CHART, COCA_COLA, COMMONWEALTH_BANK, MAHINDRA, NOT_FOUND, VODAFONE, intraday_limit

yf = pytest.importorskip("yfinance")

CRUMB = "https://query1.finance.yahoo.com/v1/test/getcrumb"
INVALID_CRUMB = {"finance": {"result": None, "error": {"code": "Unauthorized", "description": "Invalid Crumb"}}}


@pytest.fixture(autouse=True)
def rsps(yahoo_http):
    return yahoo_http


@pytest.fixture
def provider():
    return YFinanceProvider(timeout=3, session=requests.Session())


def utc(day):
    return pd.Timestamp(day, tz="UTC")


def history_queries(asked):
    return [q for q in asked if "period1" in q]


def test_a_dividend_payer_is_priced_as_traded_with_its_dividend_beside(provider, rsps):
    COCA_COLA.serve(rsps)
    frame = provider.fetch_ohlcv("KO", utc("2023-11-27"), utc("2023-12-01"))

    traded = [s[4] for s in COCA_COLA.sessions]
    assert frame["close"].tolist() == traded
    assert frame.attrs["currency"] == "USD"
    assert frame.attrs["dividends"].to_dict() == {utc("2023-11-30"): 0.46}
    # What auto_adjust=True (the old setting) makes of the same answer: Yahoo's adjclose, 10 % and more below
    # what the shares traded at, so that an amount invested on 2023-11-28 bought "shares" at 52.53, not 58.83.
    adjusted = (
        yf.Ticker("KO", session=requests.Session())
        .history(start=utc("2023-11-26"), end=utc("2023-12-02"), auto_adjust=True)["Close"]
        .tolist()
    )
    assert adjusted == pytest.approx([COCA_COLA.adjclose(s[0], s[4]) for s in COCA_COLA.sessions])
    assert all(a < t * 0.91 for a, t in zip(adjusted, traded, strict=True))


def test_london_prices_in_pence_are_in_pounds(provider, rsps):
    VODAFONE.serve(rsps)
    frame = provider.fetch_ohlcv("VOD.L", utc("2024-01-02"), utc("2024-01-05"))

    assert frame.attrs["currency"] == "GBP"
    assert frame["close"].tolist() == pytest.approx([s[4] / 100 for s in VODAFONE.sessions])
    assert frame["high"].iloc[0] == pytest.approx(0.692)
    assert frame["volume"].tolist() == [float(s[5]) for s in VODAFONE.sessions]  # shares, not money
    assert frame.attrs["dividends"].to_dict() == {utc("2024-01-04"): pytest.approx(0.045)}


def test_a_sydney_listing_keeps_its_first_day(provider, rsps):
    """Sydney's 2 January session opens at 23:00 UTC on 1 January: asked from midnight UTC, Yahoo leaves it out."""
    asked = COMMONWEALTH_BANK.serve(rsps)
    frame = provider.fetch_ohlcv("CBA.AX", utc("2024-01-02"), utc("2024-01-05"))

    assert frame.index.tolist() == [utc("2024-01-02"), utc("2024-01-03"), utc("2024-01-04"), utc("2024-01-05")]
    assert frame["close"].iloc[0] == 112.02 and frame.attrs["currency"] == "AUD"
    (query,) = history_queries(asked)
    assert int(query["period1"][0]) <= COMMONWEALTH_BANK.stamp("2024-01-02")
    # Clipped on Sydney's dates: a day less at the end is a day less in the answer.
    assert provider.fetch_ohlcv("CBA.AX", utc("2024-01-02"), utc("2024-01-04")).index[-1] == utc("2024-01-04")


def test_without_an_end_the_newest_session_is_there_whatever_the_utc_date(provider, rsps):
    COMMONWEALTH_BANK.serve(rsps)
    frame = provider.fetch_ohlcv("CBA.AX", utc("2024-01-03"))
    assert frame.index[-1] == utc("2024-01-05")


def test_an_ampersand_symbol_is_asked_as_yahoo_writes_it(provider, rsps):
    asked = MAHINDRA.serve(rsps)
    frame = provider.fetch_ohlcv("m&m.ns", utc("2024-01-02"), utc("2024-01-03"))
    assert frame["close"].tolist() == [1731.40, 1741.85] and frame.attrs["currency"] == "INR"
    assert history_queries(asked)


def test_hourly_bars_beyond_730_days_are_refused_before_asking(provider, rsps):
    now = pd.Timestamp.now(tz="UTC")
    with pytest.raises(UnsupportedRange) as raised:
        provider.fetch_ohlcv("AAPL", now - pd.Timedelta(days=1826), None, "1h")
    assert raised.value.message == (
        "Yahoo Finance serves 1h bars for the last 730 days only; choose a shorter period or a daily interval."
    )
    assert [c for c in rsps.calls if "chart" in c.request.url] == []
    # A "2y" window is the limit itself: moved just inside it rather than refused; "max" asks for the limit.
    two_years = provider.check_range("1h", now - pd.Timedelta(days=730), now)
    assert now - pd.Timedelta(days=730) < two_years < now - pd.Timedelta(days=729)
    assert provider.check_range("1h", None, now) == two_years
    assert provider.check_range("1d", now - pd.Timedelta(days=3652), now) == now - pd.Timedelta(days=3652)


def test_yahoos_own_refusal_is_passed_through(provider, rsps, monkeypatch):
    """Should Yahoo's limits be stricter than the adapter knows, its 422 reaches the user in its own words."""
    monkeypatch.setattr(yahoo, "INTRADAY_DAYS", {})
    COCA_COLA.serve(rsps, lambda query: (422, intraday_limit("1h", 730)) if "period1" in query else None)
    start = pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=1000)
    with pytest.raises(UnsupportedRange) as raised:
        provider.fetch_ohlcv("KO", start, None, "1h")
    assert raised.value.message.startswith("Yahoo Finance refused the request: 1h data not available for")
    assert raised.value.message.endswith("The requested range must be within the last 730 days.")


def test_a_5xx_during_the_first_time_zone_lookup_does_not_stick(provider, rsps):
    """yfinance keeps every response of its time-zone lookup in memory: a 503 used to stay for the worker's life."""
    yahoo_down = [True]
    asked = COCA_COLA.serve(
        rsps, lambda query: (503, "<html><body>Will be right back...</body></html>") if yahoo_down[0] else None
    )
    with pytest.raises(ProviderUnavailable) as raised:
        provider.fetch_ohlcv("KO", utc("2023-11-27"), utc("2023-12-01"))
    assert raised.value.cause == "provider error" and "HTTP 503" in raised.value.message
    assert not history_queries(asked)  # it failed on the time-zone lookup

    yahoo_down[0] = False
    frame = provider.fetch_ohlcv("KO", utc("2023-11-27"), utc("2023-12-01"))
    assert len(frame) == 5


def test_a_401_for_a_missing_crumb_is_asked_again_with_one(provider, rsps):
    """The first crumb request of a process fails; Yahoo then answers 401 "Invalid Crumb" to the chart."""
    rsps.get(CRUMB, body=requests.exceptions.ConnectionError("Connection reset by peer"))
    rsps.get(CRUMB, body="crumb-token")
    asked = COCA_COLA.serve(rsps, lambda query: None if "crumb" in query else (401, INVALID_CRUMB))

    frame = provider.fetch_ohlcv("KO", utc("2023-11-27"), utc("2023-12-01"))

    assert frame["close"].tolist() == [s[4] for s in COCA_COLA.sessions]
    assert history_queries(asked)[-1]["crumb"] == ["crumb-token"]


def test_an_unknown_share_class_suggests_yahoos_spelling(provider, rsps):
    rsps.get(CHART.format("BRK.B"), status=404, json=NOT_FOUND)
    with pytest.raises(SymbolNotFound) as raised:
        provider.fetch_ohlcv("brk.b", utc("2024-01-02"), utc("2024-01-05"))
    assert raised.value.message == (
        "Yahoo Finance does not know the symbol BRK.B. Yahoo writes share classes with a dash: try BRK-B."
    )
    rsps.get(CHART.format("NOPE.L"), status=404, json=NOT_FOUND)
    with pytest.raises(SymbolNotFound) as raised:
        provider.fetch_ohlcv("NOPE.L", utc("2024-01-02"), utc("2024-01-05"))
    assert raised.value.message == "Yahoo Finance does not know the symbol NOPE.L."  # .L is London, not a class
