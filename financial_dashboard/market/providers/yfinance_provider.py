"""Yahoo Finance prices through yfinance, with its silent failures turned into typed errors.

yfinance (1.7) reports most failures as an empty frame plus a log line, so the adapter:

1. switches ``yf.config.debug.hide_exceptions`` off, the documented successor of the deprecated
   ``raise_errors=True``. ``raise_errors`` alone is not enough: the time-zone lookup that opens
   every ``Ticker.history`` call (``TickerBase._fetch_ticker_tz``) only looks at the config flag,
   and when it swallows a network error yfinance falls back to ``Ticker.info``, which raises the
   network error for the first two calls of a process and then stops trying, so later calls come
   back as "possibly delisted; no timezone found": DNS failures look like unknown symbols;
2. maps network, timeout and HTTP exceptions from requests and curl_cffi by type;
3. never trusts "no data" (an empty frame, YFTzMissingError, YFPricesMissingError, HTTP 404)
   on its own: it asks the chart endpoint directly whether Yahoo knows the symbol, with the same
   session, and only then raises SymbolNotFound (or ProviderUnavailable if Yahoo cannot be
   reached, or returns an empty frame if the symbol exists but has no bars in the range).
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import threading

import pandas as pd

from . import register
from .base import (
    DAILY_OR_LONGER,
    INTERVALS,
    MarketDataError,
    MarketDataProvider,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    as_utc,
    empty_ohlcv,
    normalize_ohlcv,
    retry_after_seconds,
)

logger = logging.getLogger(__name__)

CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{symbol}"

# Yahoo's quoteType values, in the dashboard's vocabulary of asset types.
_QUOTE_TYPES = {"EQUITY": "stock", "ETF": "etf", "INDEX": "index", "CURRENCY": "fx",
                "CRYPTOCURRENCY": "crypto", "MUTUALFUND": "fund", "FUTURE": "future"}

# What _call answers when yfinance said "no data" and the probe found the symbol: an empty range.
_NO_DATA = object()

_session_lock = threading.Lock()
_shared_session = None


@functools.cache
def _yfinance():
    import yfinance as yf

    # Process-wide on purpose (see the module docstring); this adapter is the app's only yfinance caller.
    yf.config.debug.hide_exceptions = False
    return yf


def _default_session():
    """One browser-impersonating session per process, like the one yfinance would make for itself.

    It is created here rather than left to yfinance so the existence probe shares its cookies
    and TLS fingerprint, and so every provider instance reuses one cookie/crumb.
    """
    global _shared_session
    with _session_lock:
        if _shared_session is None:
            try:
                from curl_cffi import requests as curl_requests

                _shared_session = curl_requests.Session(impersonate="chrome")
            except ImportError:
                import requests

                _shared_session = requests.Session()
        return _shared_session


@functools.cache
def _transport_errors():
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


@register("yfinance")
class YFinanceProvider(MarketDataProvider):
    """Stocks, ETFs, indices and FX from Yahoo Finance; prices are split- and dividend-adjusted (auto_adjust)."""

    asset_classes = frozenset({"stock", "etf", "index", "fx"})
    intervals = INTERVALS["yfinance"]

    def __init__(self, timeout: float = 10.0, session=None):
        self.timeout = float(timeout)
        if session is not None and not callable(getattr(session, "get", None)):
            raise TypeError("session must be a requests or curl_cffi Session")
        self._session = session

    @classmethod
    def enabled(cls) -> bool:
        return importlib.util.find_spec("yfinance") is not None

    @property
    def session(self):
        return self._session if self._session is not None else _default_session()

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        symbol = self.validate_symbol(symbol)
        interval = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        # Ticker.history's end is exclusive and ours inclusive: ask for a day more, then clip.
        kwargs = {"interval": interval, "auto_adjust": True, "actions": False, "timeout": self.timeout,
                  "end": None if end is None else end + pd.Timedelta(days=1)}
        if start is None:
            kwargs["period"] = "max"
        else:
            kwargs["start"] = start
        raw = self._call(symbol, lambda ticker: ticker.history(**kwargs))
        if raw is _NO_DATA:
            return empty_ohlcv()
        if raw is None or raw.empty:
            self._probe(symbol)
            return empty_ohlcv()
        if interval in DAILY_OR_LONGER:
            raw = raw.set_axis(_trading_dates(raw.index), axis=0)
        return self._clip(normalize_ohlcv(raw), start, end)

    def splits(self, symbol: str) -> pd.Series:
        """Split ratios (4.0 for a 4-for-1) indexed by ex-date at 00:00 UTC; empty if there were none."""
        symbol = self.validate_symbol(symbol)
        # Ticker.splits answers None, not an error, when its history fetch failed silently.
        raw = self._call(symbol, lambda ticker: ticker.splits)
        if raw is None:
            self._probe(symbol)
        if raw is None or raw is _NO_DATA:
            return pd.Series(dtype="float64", index=pd.DatetimeIndex([], tz="UTC", name="timestamp"),
                             name="split_ratio")
        series = pd.Series(raw, dtype="float64")
        series = series[series.notna() & (series != 0)]
        return pd.Series(series.to_numpy(), index=_trading_dates(series.index), name="split_ratio").sort_index()

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        """Yahoo's own symbol search; [] when Yahoo cannot be reached (callers fall back to the bundled list)."""
        query = (query or "").strip()
        if not query:
            return []
        try:
            quotes = _yfinance().Search(query, max_results=limit, news_count=0, lists_count=0, include_cb=False,
                                        recommended=0, session=self.session, timeout=self.timeout).quotes
        except Exception as exc:
            logger.info("yfinance search for %r failed: %r", query, exc)
            return []
        return [{"symbol": q["symbol"], "name": q.get("longname") or q.get("shortname") or q["symbol"],
                 "type": _QUOTE_TYPES.get(q.get("quoteType", ""), str(q.get("quoteType", "")).lower()),
                 "source": self.name} for q in quotes[:limit]]

    def _call(self, symbol: str, action):
        """Run `action(Ticker)`, translating every exception.

        An exception that only says "no data" goes through the probe; if the symbol exists the
        answer is _NO_DATA (an empty range), otherwise the probe raises.
        """
        try:
            yf = _yfinance()
            return action(yf.Ticker(symbol, session=self.session))
        except Exception as exc:
            error = self._translate(exc, symbol)
            if error is None:
                self._probe(symbol)
                return _NO_DATA
            raise error from exc

    def _translate(self, exc: Exception, symbol: str) -> MarketDataError | None:
        """The MarketDataError for `exc`, or None when it only says "no data" (to be confirmed by the probe)."""
        if isinstance(exc, MarketDataError):
            return exc
        from yfinance import exceptions as yf_errors

        if isinstance(exc, yf_errors.YFRateLimitError):
            return RateLimited("Yahoo Finance is rate limiting requests.", symbol=symbol, provider=self.name)
        if isinstance(exc, yf_errors.YFTickerMissingError):
            return None
        if isinstance(exc, yf_errors.YFDataException) and "CURRENTLY DOWN" in str(exc):
            return ProviderUnavailable("Yahoo Finance is down.", symbol=symbol, provider=self.name,
                                       cause="provider down")
        timeouts, connection, http = _transport_errors()
        if isinstance(exc, http):
            response = getattr(exc, "response", None)
            status = getattr(response, "status_code", None)
            if status == 404:
                return None
            if status == 429:
                return RateLimited("Yahoo Finance is rate limiting requests.", symbol=symbol, provider=self.name,
                                   retry_after=retry_after_seconds(_header(response, "Retry-After")))
            return ProviderUnavailable(f"Yahoo Finance answered HTTP {status}.", symbol=symbol,
                                       provider=self.name, cause="provider error")
        if isinstance(exc, timeouts):
            return ProviderUnavailable("Yahoo Finance did not answer in time.", symbol=symbol,
                                       provider=self.name, cause="timeout")
        # curl_cffi's errors are OSErrors too, JSON decoding errors included: those are not network trouble.
        if isinstance(exc, connection) or (isinstance(exc, OSError) and not isinstance(exc, ValueError)):
            return ProviderUnavailable("Yahoo Finance could not be reached.", symbol=symbol,
                                       provider=self.name, cause="network error")
        logger.warning("Unexpected yfinance error for %s", symbol, exc_info=exc)
        return ProviderUnavailable("Yahoo Finance returned something unexpected.", symbol=symbol,
                                   provider=self.name, cause="unexpected provider error")

    def _probe(self, symbol: str) -> None:
        """Ask Yahoo's chart endpoint whether it knows `symbol`: return if so, raise the right error if not."""
        try:
            response = self.session.get(CHART_URL.format(symbol=symbol), params={"range": "5d", "interval": "1d"},
                                        timeout=self.timeout)
        except Exception as exc:
            error = self._translate(exc, symbol)
            raise (error or ProviderUnavailable("Yahoo Finance could not be reached.", symbol=symbol,
                                                provider=self.name, cause="network error")) from exc
        status = response.status_code
        if status == 429:
            raise RateLimited("Yahoo Finance is rate limiting requests.", symbol=symbol, provider=self.name,
                              retry_after=retry_after_seconds(_header(response, "Retry-After")))
        try:
            chart = (response.json() or {}).get("chart") or {}
        except (ValueError, AttributeError):
            chart = {}
        error = chart.get("error")
        if isinstance(error, dict) and (error.get("code") == "Not Found" or status == 404):
            raise SymbolNotFound(f"Yahoo Finance does not know the symbol {symbol}.", symbol=symbol,
                                 provider=self.name)
        if status < 400 and chart.get("result"):
            return
        raise ProviderUnavailable(f"Yahoo Finance answered HTTP {status} without chart data.", symbol=symbol,
                                  provider=self.name, cause="provider error")


def _header(response, name: str):
    headers = getattr(response, "headers", None)
    return headers.get(name) if headers is not None else None


def _trading_dates(index) -> pd.DatetimeIndex:
    """Daily-or-longer bar stamps moved to 00:00 UTC of their exchange-local date.

    Yahoo stamps such bars at local midnight (or market open); converting that to UTC would move
    Asian sessions to the previous calendar day.
    """
    index = pd.DatetimeIndex(index)
    if index.tz is not None:
        index = index.tz_localize(None)
    return index.normalize().tz_localize("UTC").rename("timestamp")
