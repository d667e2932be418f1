"""What the yfinance adapter knows about Yahoo's answers: intraday limits, dates, dividends, errors, spellings.

Plain functions on pandas objects and on the transports' and yfinance's exceptions (imported when first
needed), kept apart from the adapter so that each rule can be read, and tested, on its own.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from .errors import UnsupportedRange

DAY = pd.Timedelta(days=1)

# How far back Yahoo serves intraday bars; beyond, its chart answers HTTP 422 "1h data not available for
# startTime=... and endTime=.... The requested range must be within the last 730 days."
INTRADAY_DAYS = {"1m": 7, "5m": 60, "15m": 60, "30m": 60, "60m": 730, "1h": 730}
# A start up to this much past the limit (a "2y" window is exactly 730 days, the limit itself) is moved
# forward rather than refused; the margin keeps the request inside the limit while it travels.
_SLACK = pd.Timedelta(days=2)
_MARGIN = pd.Timedelta(hours=1)

# Yahoo's reasons that only mean "no bars in that range", as opposed to "I will not serve that request".
_NO_DATA_WORDS = ("no data found", "data doesn't exist", "delisted", "no price data")

# One-letter exchange suffixes (London, Tokyo, Frankfurt, TSX Venture): VOD.L is not a share class.
_EXCHANGE_SUFFIXES = frozenset({"L", "T", "F", "V"})

# Yahoo's quoteType values, in the dashboard's vocabulary of asset types.
QUOTE_TYPES = {
    "EQUITY": "stock",
    "ETF": "etf",
    "INDEX": "index",
    "CURRENCY": "fx",
    "CRYPTOCURRENCY": "crypto",
    "MUTUALFUND": "fund",
    "FUTURE": "future",
}


@functools.cache
def transport_errors():
    """(timeouts, connection errors, HTTP errors) of requests, curl_cffi and the standard library."""
    import requests

    timeouts = [requests.exceptions.Timeout, TimeoutError]
    connection = [requests.exceptions.ConnectionError, ConnectionError]
    http = [requests.exceptions.HTTPError]
    try:
        from curl_cffi.requests import exceptions as curl
    except ImportError:
        pass
    else:
        timeouts.append(curl.Timeout)
        connection.append(curl.ConnectionError)
        http.append(curl.HTTPError)
    return tuple(timeouts), tuple(connection), tuple(http)


def check_range(
    interval: str, start: pd.Timestamp | None, now: pd.Timestamp, provider: str = "yfinance"
) -> pd.Timestamp | None:
    """The start to ask Yahoo for, or UnsupportedRange naming the limit (None means "as far as served")."""
    days = INTRADAY_DAYS.get(interval)
    if days is None:
        return start
    earliest = now - pd.Timedelta(days=days) + _MARGIN
    if start is not None and start >= earliest:
        return start
    if start is not None and start < earliest - _SLACK:
        raise UnsupportedRange(
            f"Yahoo Finance serves {interval} bars for the last {days} days only; "
            "choose a shorter period or a daily interval.",
            provider=provider,
        )
    return earliest


def history(ticker, kwargs: dict) -> tuple[pd.DataFrame, dict]:
    """``ticker.history(**kwargs)`` and the currency and time zone Yahoo sent with it (no extra request)."""
    frame = ticker.history(**kwargs)
    # history() leaves the chart's meta on the ticker's PriceHistory; reading it there fetches nothing.
    prices = getattr(ticker, "_price_history", None)
    meta = prices.get_history_metadata() if prices is not None else {}
    return frame, {key: meta.get(key) for key in ("currency", "exchangeTimezoneName")}


def trading_dates(index) -> pd.DatetimeIndex:
    """Bar stamps moved to 00:00 UTC of their exchange-local date.

    Yahoo stamps daily bars at the session's open (yfinance turns that into local midnight); converting
    to UTC instead would move Sydney's and Tokyo's sessions to the previous calendar day.
    """
    index = pd.DatetimeIndex(index)
    if index.tz is not None:
        index = index.tz_localize(None)
    return index.normalize().tz_localize("UTC").rename("timestamp")


def dividends(raw: pd.DataFrame) -> pd.Series:
    """Cash dividends per share by ex-date (00:00 UTC of the exchange's date) from a history() frame."""
    if raw is None or "Dividends" not in raw.columns:
        return pd.Series(dtype="float64", index=pd.DatetimeIndex([], tz="UTC", name="timestamp"), name="dividend")
    paid = pd.to_numeric(raw["Dividends"], errors="coerce").fillna(0.0)
    paid = paid[paid != 0]
    series = pd.Series(paid.to_numpy(dtype="float64"), index=trading_dates(paid.index), name="dividend")
    # Intraday frames carry a dividend on one bar of its day; a day never has two.
    return series.groupby(level=0).sum().rename("dividend")


def refusal(exc: Exception) -> str | None:
    """Yahoo's own reason for not serving a request (its 422 and 400 bodies), or None."""
    reason = getattr(exc, "yahoo_reason", None)
    if reason and not says_no_data(exc):
        return str(reason)
    return None


def says_no_data(exc: Exception) -> bool:
    """Whether Yahoo itself said that the range holds no bars."""
    reason = str(getattr(exc, "yahoo_reason", None) or "").lower()
    return any(words in reason for words in _NO_DATA_WORDS)


def is_no_data(exc: Exception) -> bool:
    """Whether yfinance only reported missing data (as opposed to an HTTP error or a broken body)."""
    from yfinance.exceptions import YFTickerMissingError

    return isinstance(exc, YFTickerMissingError)


def yahoo_spelling(symbol: str) -> str | None:
    """BRK.B -> BRK-B: Yahoo writes share classes with a dash (the dot is for exchanges: VOD.L); else None."""
    match = re.fullmatch(r"([A-Z0-9]+)\.([A-Z])", symbol or "")
    if match is None or match[2] in _EXCHANGE_SUFFIXES:
        return None
    return f"{match[1]}-{match[2]}"


def spelling_hint(symbol: str) -> str:
    """A sentence suggesting Yahoo's spelling of ``symbol``, or "" when there is none."""
    spelling = yahoo_spelling(symbol)
    return f" Yahoo writes share classes with a dash: try {spelling}." if spelling else ""


def search_hit(quote: dict, source: str) -> dict:
    """One of Yahoo's search quotes as a symbol-search entry (Yahoo's search does not say the currency)."""
    kind = quote.get("quoteType", "")
    return {
        "symbol": quote["symbol"],
        "name": quote.get("longname") or quote.get("shortname") or quote["symbol"],
        "type": QUOTE_TYPES.get(kind, str(kind).lower()),
        "source": source,
        "currency": quote.get("currency"),
    }
