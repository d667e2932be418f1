"""Yahoo Finance prices through yfinance, with its silent failures turned into typed errors.

yfinance (1.7) reports most failures as an empty frame plus a log line, and keeps some of them, so the adapter:

1. switches ``yf.config.debug.hide_exceptions`` off, the documented successor of the deprecated
   ``raise_errors=True``. ``raise_errors`` alone is not enough: the time-zone lookup that opens
   every ``Ticker.history`` call (``TickerBase._fetch_ticker_tz``) only looks at the config flag,
   and when it swallows a network error yfinance falls back to ``Ticker.info``, which raises the
   network error for the first two calls of a process and then stops trying, so later calls come
   back as "possibly delisted; no timezone found": DNS failures look like unknown symbols;
2. maps network and timeout exceptions from requests and curl_cffi by type;
3. never trusts "no data" (an empty frame, YFTzMissingError, YFPricesMissingError, an HTTP error other
   than 429, a body that is not JSON) on its own: it asks the chart endpoint directly whether Yahoo knows
   the symbol, and only then raises SymbolNotFound (or ProviderUnavailable / RateLimited). When Yahoo
   knows it, the call is tried once more, since a stale crumb or a passing 5xx look the same;
4. forgets what yfinance cached after every failure: its in-memory response cache (the time-zone lookup
   goes through it, so a 5xx would otherwise stick to the symbol for the life of the worker) and its
   cookie and crumb (a crumb fetched while Yahoo misbehaved is otherwise reused forever);
5. bounds the whole fetch, cookie, crumb, time-zone lookup, chart and probe included, by one deadline
   of ``timeout`` seconds (see deadline.py).

Prices are Yahoo's ``Close`` with ``auto_adjust=False``: adjusted for splits, not for dividends, so a
price is what the share traded at (in today's share count) and units bought for an amount are right.
Dividends come beside the bars, in ``frame.attrs["dividends"]``. Pence, South African cents and agorot
are converted to pounds, rand and shekels.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading

import pandas as pd

from . import register, yahoo
from .base import (
    DAILY_OR_LONGER,
    INTERVALS,
    MarketDataError,
    MarketDataProvider,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnsupportedRange,
    as_utc,
    empty_ohlcv,
    major_currency,
    normalize_ohlcv,
    retry_after_seconds,
    with_meta,
)
from .deadline import DeadlineExceeded, bounded, deadline

logger = logging.getLogger(__name__)

CHART_URL = "https://query2.finance.yahoo.com/v8/finance/chart/{symbol}"

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


def _default_session(timeout: float):
    """One browser-impersonating session per process, like the one yfinance would make for itself, bounded.

    It is created here rather than left to yfinance so the existence probe shares its cookies and TLS
    fingerprint, every provider instance reuses one cookie/crumb, and every request is bounded by the
    fetch's deadline (curl's own timeout; the session's default covers a call that passes none).
    """
    global _shared_session
    with _session_lock:
        if _shared_session is None:
            try:
                from curl_cffi import requests as curl_requests

                _shared_session = curl_requests.Session(impersonate="chrome", timeout=timeout)
            except ImportError:
                import requests

                _shared_session = requests.Session()
            bounded(_shared_session)
        return _shared_session


def _forget_failure() -> None:
    """Drop what yfinance keeps in this process after a failed call (module docstring, point 4)."""
    data_module = _yfinance().data
    data_module.YfData.cache_get.cache_clear()
    data = type(data_module.YfData)._instances.get(data_module.YfData)
    # Never wait: another fetch may hold the lock while it fetches a fresh crumb, which is what we want anyway.
    if data is not None and data._cookie_lock.acquire(blocking=False):
        try:
            data._crumb = data._cookie = None
        finally:
            data._cookie_lock.release()


@register("yfinance")
class YFinanceProvider(MarketDataProvider):
    """Stocks, ETFs, indices and FX from Yahoo Finance; split-adjusted prices in the major currency unit."""

    asset_classes = frozenset({"stock", "etf", "index", "fx"})
    intervals = INTERVALS["yfinance"]

    def __init__(self, timeout: float = 10.0, session=None):
        self.timeout = float(timeout)
        if session is not None and not callable(getattr(session, "get", None)):
            raise TypeError("session must be a requests or curl_cffi Session")
        self._session = None if session is None else bounded(session)

    @classmethod
    def enabled(cls) -> bool:
        return importlib.util.find_spec("yfinance") is not None

    @property
    def session(self):
        return self._session if self._session is not None else _default_session(self.timeout)

    def check_range(self, interval, start, now):
        return yahoo.check_range(interval, start, now, provider=self.name)

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        symbol = self.validate_symbol(symbol)
        interval = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        daily = interval in DAILY_OR_LONGER
        asked = self.check_range(interval, start, pd.Timestamp.now(tz="UTC"))
        # Ticker.history's end is exclusive and ours inclusive: ask for a day more, then clip. A daily window
        # also starts a day early: Sydney's or Tokyo's bars are stamped at the open, the day before in UTC.
        kwargs = {
            "interval": interval,
            "auto_adjust": False,
            "actions": True,
            "timeout": self.timeout,
            "end": None if end is None else end + yahoo.DAY,
        }
        if asked is None:
            kwargs["period"] = "max"
        else:
            kwargs["start"] = asked - yahoo.DAY if daily else asked
        with deadline(self.timeout):
            answer = self._call(symbol, lambda ticker: yahoo.history(ticker, kwargs))
            if answer is _NO_DATA:
                return with_meta(empty_ohlcv())
            raw, meta = answer
            if raw is None or raw.empty:
                self._probe(symbol)
                return with_meta(empty_ohlcv(), major_currency(meta.get("currency"))[0])
        currency, factor = major_currency(meta.get("currency"))
        dividends = self._clip(yahoo.dividends(raw) * factor, start, end)
        if daily:
            raw = raw.set_axis(yahoo.trading_dates(raw.index), axis=0)
        bars = normalize_ohlcv(raw)
        if factor != 1.0:
            bars[["open", "high", "low", "close"]] *= factor
        return with_meta(self._clip(bars, start, end), currency, dividends)

    def splits(self, symbol: str) -> pd.Series:
        """Split ratios (4.0 for a 4-for-1) indexed by ex-date at 00:00 UTC; empty if there were none."""
        symbol = self.validate_symbol(symbol)
        with deadline(self.timeout):
            # Ticker.splits answers None, not an error, when its history fetch failed silently.
            raw = self._call(symbol, lambda ticker: ticker.splits)
            if raw is None:
                self._probe(symbol)
        if raw is None or raw is _NO_DATA:
            return pd.Series(
                dtype="float64", index=pd.DatetimeIndex([], tz="UTC", name="timestamp"), name="split_ratio"
            )
        series = pd.Series(raw, dtype="float64")
        series = series[series.notna() & (series != 0)]
        return pd.Series(series.to_numpy(), index=yahoo.trading_dates(series.index), name="split_ratio").sort_index()

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        """Yahoo's own symbol search; [] when Yahoo cannot be reached (callers fall back to the bundled list)."""
        query = (query or "").strip()
        if not query:
            return []
        try:
            with deadline(self.timeout):
                quotes = (
                    _yfinance()
                    .Search(
                        query,
                        max_results=limit,
                        news_count=0,
                        lists_count=0,
                        include_cb=False,
                        recommended=0,
                        session=self.session,
                        timeout=self.timeout,
                    )
                    .quotes
                )
        except Exception as exc:
            logger.info("yfinance search for %r failed: %r", query, exc)
            return []
        return [yahoo.search_hit(q, self.name) for q in quotes[:limit]]

    def _call(self, symbol: str, action):
        """Run `action(Ticker)`, translating every exception (module docstring, points 2 to 4).

        Network trouble, timeouts and rate limits are raised at once. Anything else goes through the probe;
        if Yahoo knows the symbol, the call is tried once more (with yfinance's caches and crumb forgotten);
        then the answer is UnsupportedRange when Yahoo said why it would not serve the request, _NO_DATA
        (an empty range) when yfinance only said "no data", else ProviderUnavailable.
        """
        known = False
        for attempt in range(2):
            try:
                return action(_yfinance().Ticker(symbol, session=self.session))
            except Exception as exc:
                _forget_failure()
                error = self._translate(exc, symbol)
                if error is not None:
                    raise error from exc
                if not known:
                    self._probe(symbol)
                    known = True
                reason = yahoo.refusal(exc)
                if reason is not None:
                    raise UnsupportedRange(
                        f"Yahoo Finance refused the request: {reason}", symbol=symbol, provider=self.name
                    ) from exc
                if attempt == 0 and not yahoo.says_no_data(exc):
                    logger.info("yfinance failed for %s although Yahoo knows it (%r); trying once more", symbol, exc)
                    continue
                if yahoo.is_no_data(exc):
                    return _NO_DATA
                expected = isinstance(exc, (ValueError, *yahoo.transport_errors()[2]))
                if not expected:
                    logger.warning("Unexpected yfinance error for %s", symbol, exc_info=exc)
                raise ProviderUnavailable(
                    "Yahoo Finance knows the symbol but its answer could not be read.",
                    symbol=symbol,
                    provider=self.name,
                    cause="provider error" if expected else "unexpected provider error",
                ) from exc

    def _translate(self, exc: Exception, symbol: str) -> MarketDataError | None:
        """The MarketDataError for `exc`, or None when the probe must decide (module docstring, point 3)."""
        if isinstance(exc, MarketDataError):
            return exc
        from yfinance import exceptions as yf_errors

        if isinstance(exc, yf_errors.YFRateLimitError):
            return RateLimited("Yahoo Finance is rate limiting requests.", symbol=symbol, provider=self.name)
        if isinstance(exc, yf_errors.YFTickerMissingError):
            return None
        if isinstance(exc, yf_errors.YFDataException) and "CURRENTLY DOWN" in str(exc):
            return ProviderUnavailable(
                "Yahoo Finance is down.", symbol=symbol, provider=self.name, cause="provider down"
            )
        timeouts, connection, http = yahoo.transport_errors()
        if isinstance(exc, http):
            response = getattr(exc, "response", None)
            if getattr(response, "status_code", None) == 429:
                return RateLimited(
                    "Yahoo Finance is rate limiting requests.",
                    symbol=symbol,
                    provider=self.name,
                    retry_after=retry_after_seconds(_header(response, "Retry-After")),
                )
            return None
        if isinstance(exc, (timeouts, DeadlineExceeded)):
            return ProviderUnavailable(
                "Yahoo Finance did not answer in time.", symbol=symbol, provider=self.name, cause="timeout"
            )
        # A body that is not JSON (a 5xx page) is for the probe; curl_cffi's JSON errors are OSErrors too.
        if isinstance(exc, (connection, OSError)) and not isinstance(exc, ValueError):
            return ProviderUnavailable(
                "Yahoo Finance could not be reached.", symbol=symbol, provider=self.name, cause="network error"
            )
        # Anything else (a body yfinance could not parse, such as a 401 "Invalid Crumb") is for the probe.
        return None

    def _probe(self, symbol: str) -> None:
        """Ask Yahoo's chart endpoint whether it knows `symbol`: return if so, raise the right error if not.

        Asked plainly first (so that a 429 keeps its Retry-After); when Yahoo wants a cookie and crumb for
        it (401, 403), asked again the way yfinance asks, with them.
        """
        url, params = CHART_URL.format(symbol=symbol), {"range": "5d", "interval": "1d"}
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
            if response.status_code in (401, 403):
                response = _yfinance().data.YfData(session=self.session).get(url, params=params, timeout=self.timeout)
        except Exception as exc:
            error = self._translate(exc, symbol)
            raise (
                error
                or ProviderUnavailable(
                    "Yahoo Finance could not be reached.", symbol=symbol, provider=self.name, cause="network error"
                )
            ) from exc
        status = response.status_code
        if status == 429:
            raise RateLimited(
                "Yahoo Finance is rate limiting requests.",
                symbol=symbol,
                provider=self.name,
                retry_after=retry_after_seconds(_header(response, "Retry-After")),
            )
        try:
            chart = (response.json() or {}).get("chart") or {}
        except (ValueError, AttributeError):
            chart = {}
        error = chart.get("error")
        if isinstance(error, dict) and (error.get("code") == "Not Found" or status == 404):
            hint = yahoo.spelling_hint(symbol)
            raise SymbolNotFound(
                f"Yahoo Finance does not know the symbol {symbol}.{hint}", symbol=symbol, provider=self.name
            )
        if status < 400 and chart.get("result"):
            return
        raise ProviderUnavailable(
            f"Yahoo Finance answered HTTP {status} without chart data.",
            symbol=symbol,
            provider=self.name,
            cause="provider error",
        )


def _header(response, name: str):
    headers = getattr(response, "headers", None)
    return headers.get(name) if headers is not None else None
