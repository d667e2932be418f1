"""Crypto prices from an exchange's public API through ccxt (Binance by default).

Every fetch is bounded by one deadline (deadline.py), market download and all pages included. Prices are
in the pair's quote currency (USDT for BTC/USDT). Bars are stored and cached as ``ccxt:<exchange>``, so
switching CCXT_EXCHANGE never serves one exchange's bars as another's.
"""

from __future__ import annotations

import difflib
import importlib.util
import logging
import os
import re
import threading

import pandas as pd

from . import register
from .base import (
    INTERVALS,
    InvalidSymbol,
    MarketDataError,
    MarketDataProvider,
    ProviderRefused,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnsupportedInterval,
    UnsupportedRange,
    as_utc,
    empty_ohlcv,
    normalize_ohlcv,
    pair_syntax,
    retry_after_seconds,
    with_meta,
)
from .deadline import DeadlineExceeded, bounded, deadline

logger = logging.getLogger(__name__)

# yfinance spellings, so callers can use one vocabulary for both providers.
_ALIASES = {"1wk": "1w", "60m": "1h"}

# Binance would otherwise download futures and delivery market lists too on first use;
# the dashboard only prices spot pairs.
_EXCHANGE_OPTIONS = {"binance": {"defaultType": "spot", "fetchMarkets": {"types": ["spot"]}}}

# ccxt exchange objects are heavy (about 1 s to import ccxt, a market list of several MB)
# and carry the rate limiter's state, so a process keeps one per exchange id.
_exchanges: dict[str, object] = {}
_market_locks: dict[str, threading.Lock] = {}
_exchanges_lock = threading.Lock()

# Pages of candles one request may ask for: 25 pages of Binance's 1,000 candles reach 2.8 years of hourly
# bars and 11 years of 4-hour bars; with ccxt's rate limiter that is a few seconds, inside MARKET_TIMEOUT_S.
MAX_PAGES = 25
# How an exchange refuses the server itself (451 "Service unavailable from a restricted location", 403 a CDN
_REFUSALS = ("451", "403")  # blocking the country): lasting, unlike an outage.


def exchange_problem(exchange_id: str) -> str | None:
    """Why ``exchange_id`` is not a ccxt exchange (ccxt has a module per exchange id), or None; no import of ccxt."""
    spec = importlib.util.find_spec("ccxt")
    if spec is None or not spec.submodule_search_locations:
        return None  # not installed: the provider reports that itself when asked
    folder = list(spec.submodule_search_locations)[0]
    known = sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py")
    if exchange_id in known:
        return None
    close = difflib.get_close_matches(str(exchange_id).lower(), known, n=3)
    return (
        f"{exchange_id!r} is not a ccxt exchange id"
        + (f"; did you mean {', '.join(close)}?" if close else ".")
        + " Ids are lower case, e.g. binance, kraken, coinbase, bitstamp."
    )


def get_exchange(exchange_id: str, timeout_ms: int):
    """The process's ccxt exchange object for `exchange_id`; the first caller's timeout wins."""
    with _exchanges_lock:
        exchange = _exchanges.get(exchange_id)
        if exchange is None:
            import ccxt

            if exchange_id not in ccxt.exchanges:
                raise ValueError(exchange_problem(exchange_id) or f"ccxt has no exchange {exchange_id!r}")
            config = {
                "enableRateLimit": True,
                "timeout": timeout_ms,
                "options": dict(_EXCHANGE_OPTIONS.get(exchange_id, {})),
            }
            exchange = getattr(ccxt, exchange_id)(config)
            bounded(exchange.session)  # ccxt's requests session: every page within the fetch's deadline
            _exchanges[exchange_id] = exchange
            _market_locks[exchange_id] = threading.Lock()
        return exchange


@register("ccxt")
class CcxtProvider(MarketDataProvider):
    """Spot pairs such as BTC/USDT from one exchange."""

    asset_classes = frozenset({"crypto"})
    intervals = INTERVALS["ccxt"]
    symbol_pattern = pair_syntax(20)
    symbol_hint = "BASE/QUOTE such as BTC/USDT"

    def __init__(
        self, exchange_id: str = "binance", timeout: float = 10.0, page_limit: int = 1000, max_pages: int = MAX_PAGES
    ):
        # Checked fully (against ccxt.exchanges) on first use, so that constructing stays cheap.
        if not re.fullmatch(r"[a-z0-9_]+", exchange_id or ""):
            raise ValueError(f"Not a ccxt exchange id: {exchange_id!r}")
        self.exchange_id = exchange_id
        self.timeout = float(timeout)
        self.page_limit = int(page_limit)
        self.max_pages = int(max_pages)

    @classmethod
    def enabled(cls) -> bool:
        return importlib.util.find_spec("ccxt") is not None

    @property
    def exchange(self):
        return get_exchange(self.exchange_id, int(self.timeout * 1000))

    @property
    def source_id(self) -> str:
        return f"ccxt:{self.exchange_id}"

    def available_intervals(self) -> tuple[str, ...]:
        """The intervals this exchange has (Coinbase has no 4h or 1w); no network needed."""
        timeframes = self.exchange.timeframes or {}
        return tuple(t for t in self.intervals if not timeframes or t in timeframes)

    def check_range(self, interval, start, now):
        if start is not None:
            exchange = self.exchange
            step = exchange.parse_timeframe(self.validate_interval(interval)) * 1000
            self._check_pages(interval, _epoch_ms(now) - _epoch_ms(start), step, self._page_size(exchange))
        return start

    def _page_size(self, exchange) -> int:
        """Candles per page: ours, or fewer when the exchange serves fewer (Coinbase 300, Kraken 720)."""
        spot = (getattr(exchange, "features", None) or {}).get("spot") or {}
        most = (spot.get("fetchOHLCV") or {}).get("limit")
        return min(self.page_limit, int(most)) if most else self.page_limit

    def _check_pages(self, interval: str, span_ms: int, step: int, size: int) -> None:
        if span_ms // (size * step) + 1 > self.max_pages:
            days = self.max_pages * size * step // 86_400_000
            raise UnsupportedRange(
                f"{self.exchange_id} serves {size} candles a page and a request reads at most {self.max_pages} "
                f"pages, so {interval} bars go back {days} days at most; choose a shorter period or a longer "
                "interval.",
                provider=self.name,
            )

    def validate_symbol(self, symbol: str) -> str:
        match = self.symbol_pattern.match(symbol.strip().upper()) if isinstance(symbol, str) else None
        if match is None:
            raise InvalidSymbol(
                f"{symbol!r} is not a valid pair ({self.symbol_hint}).",
                symbol=symbol if isinstance(symbol, str) else None,
                provider=self.name,
            )
        return f"{match.group(1)}/{match.group(2)}"

    def validate_interval(self, interval: str) -> str:
        timeframe = _ALIASES.get(interval, interval)
        if timeframe not in self.intervals:
            raise UnsupportedInterval(interval, self.intervals, provider=self.name)
        return timeframe

    def load_markets(self) -> dict:
        """The exchange's markets, downloaded once per process (a failed download is retried next time)."""
        exchange = self.exchange
        if exchange.markets:
            return exchange.markets
        # One thread downloads; the others wait for its result instead of downloading too.
        with _market_locks[self.exchange_id], deadline(self.timeout):
            if not exchange.markets:
                self._guarded(None, exchange.load_markets)
        return exchange.markets

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        symbol = self.validate_symbol(symbol)
        timeframe = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        exchange = self.exchange
        if timeframe not in self.available_intervals():
            raise UnsupportedInterval(interval, self.available_intervals(), provider=self.name)
        with deadline(self.timeout):
            markets = self.load_markets()
            if symbol not in markets:
                raise SymbolNotFound(f"{self.exchange_id} has no market {symbol}.", symbol=symbol, provider=self.name)
            rows = self._fetch_pages(exchange, symbol, timeframe, start, end)
        quote = markets[symbol].get("quote") or symbol.split("/")[1]
        if not rows:
            return with_meta(empty_ohlcv(), quote)
        frame = pd.DataFrame(rows, columns=["timestamp", "open", "high", "low", "close", "volume"])
        return with_meta(self._clip(normalize_ohlcv(frame), start, end), quote)

    def _fetch_pages(self, exchange, symbol, timeframe, start, end) -> list[list]:
        """Candles from `start` (None: as far back as MAX_PAGES reach) to `end`, in pages walked back from `end`.

        Each page is a window one page of candles long, (upper - size * step, upper]; asking newest
        first means that without a start the cap on pages keeps the newest history. Paging stops at
        `start`, after max_pages, or at a window the exchange has nothing for once candles were found, or
        when it answers candles outside the window (before the market's first candle Binance answers its
        first ones; some exchanges only ever answer their latest).
        """
        step = exchange.parse_timeframe(timeframe) * 1000
        size = self._page_size(exchange)
        upper = _epoch_ms(end if end is not None else pd.Timestamp.now(tz="UTC"))
        start_ms = None if start is None else _epoch_ms(start)
        if start_ms is not None:
            if start_ms > upper:
                return []
            self._check_pages(timeframe, upper - start_ms, step, size)
        rows: list[list] = []
        for _ in range(self.max_pages):
            # A half-open window of size steps holds exactly size candles, whatever their grid (weeks start
            # on Monday at Binance, not on the epoch's Thursday).
            since = upper - size * step + 1
            if start_ms is not None:
                since = max(since, start_ms)
            page = self._guarded(symbol, exchange.fetch_ohlcv, symbol, timeframe, since, size) or []
            window = [row for row in page if since <= row[0] <= upper]
            # An empty window before any candle was found: the market's candles end earlier; keep walking.
            if not window and (rows or page):
                break
            rows.extend(window)
            if start_ms is not None and since <= start_ms:
                break
            upper = since - 1
        else:
            logger.info(
                "Read the newest %d pages of %s %s on %s (the most one request reads)",
                self.max_pages,
                symbol,
                timeframe,
                self.exchange_id,
            )
        return rows

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        """Markets whose symbol starts with, then contains, `query`; [] if the markets cannot be loaded."""
        needle = (query or "").strip().upper().replace("-", "/")
        if not needle:
            return []
        try:
            markets = self.load_markets()
        except MarketDataError as exc:
            logger.info("ccxt search on %s skipped: %s", self.exchange_id, exc.message)
            return []
        candidates = sorted(s for s, m in markets.items() if m.get("spot", True) and m.get("active") is not False)
        ranked = [s for s in candidates if s.startswith(needle)]
        ranked += [s for s in candidates if needle in s and not s.startswith(needle)]
        return [
            {
                "symbol": s,
                "name": f"{markets[s].get('base')} / {markets[s].get('quote')}",
                "type": "crypto",
                "source": self.name,
                "currency": markets[s].get("quote"),
            }
            for s in ranked[:limit]
        ]

    def _guarded(self, symbol: str | None, call, *args):
        """Run a ccxt call, turning its exceptions into MarketDataErrors."""
        try:
            return call(*args)
        except Exception as exc:
            raise self._translate(exc, symbol) from exc

    def _translate(self, exc: Exception, symbol: str | None) -> MarketDataError:
        import ccxt

        where = f"{self.exchange_id}"
        if isinstance(exc, (ccxt.RateLimitExceeded, ccxt.DDoSProtection)):
            # Best effort: another thread may have overwritten the shared exchange's last headers.
            headers = getattr(self.exchange, "last_response_headers", None) or {}
            return RateLimited(
                f"{where} is rate limiting requests.",
                symbol=symbol,
                provider=self.name,
                retry_after=retry_after_seconds(headers.get("Retry-After")),
            )
        if isinstance(exc, (ccxt.RequestTimeout, DeadlineExceeded)):
            return ProviderUnavailable(
                f"{where} did not answer in time.", symbol=symbol, provider=self.name, cause="timeout"
            )
        status = _http_status(exc)
        if isinstance(exc, ccxt.ExchangeNotAvailable) and status in _REFUSALS:
            return ProviderRefused(
                f"{where} refuses requests from this server (HTTP {status}); exchanges block "
                "some countries and many cloud regions.",
                symbol=symbol,
                provider=self.name,
                cause=f"refused by {where} (HTTP {status})",
            )
        if isinstance(exc, ccxt.ExchangeNotAvailable):
            return ProviderUnavailable(
                f"{where} is not available.", symbol=symbol, provider=self.name, cause="exchange unavailable"
            )
        if isinstance(exc, ccxt.NetworkError):
            return ProviderUnavailable(
                f"{where} could not be reached.", symbol=symbol, provider=self.name, cause="network error"
            )
        if isinstance(exc, ccxt.BadSymbol):
            return SymbolNotFound(f"{where} does not know the symbol {symbol}.", symbol=symbol, provider=self.name)
        if isinstance(exc, ccxt.BaseError):
            return ProviderUnavailable(
                f"{where} returned an error.", symbol=symbol, provider=self.name, cause="exchange error"
            )
        logger.warning("Unexpected ccxt error on %s for %s", self.exchange_id, symbol, exc_info=exc)
        return ProviderUnavailable(
            f"{where} returned something unexpected.",
            symbol=symbol,
            provider=self.name,
            cause="unexpected provider error",
        )


def _epoch_ms(ts: pd.Timestamp) -> int:
    return int(ts.timestamp() * 1000)


def _http_status(exc: Exception) -> str | None:
    """The HTTP status behind a ccxt error: from the requests error it was raised while handling, else from
    ccxt's message ("binance GET https://... 451  {body}")."""
    for inner in (exc.__cause__, exc.__context__):
        status = getattr(getattr(inner, "response", None), "status_code", None)
        if status is not None:
            return str(status)
    match = re.search(r"https?://\S+ (\d{3}) ", str(exc))
    return match[1] if match else None
