"""Crypto prices from an exchange's public API through ccxt (Binance by default)."""
from __future__ import annotations

import importlib.util
import logging
import re
import threading

import pandas as pd

from . import register
from .base import (
    INTERVALS,
    InvalidSymbol,
    MarketDataError,
    MarketDataProvider,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnsupportedInterval,
    as_utc,
    empty_ohlcv,
    normalize_ohlcv,
    pair_syntax,
    retry_after_seconds,
)

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


def get_exchange(exchange_id: str, timeout_ms: int):
    """The process's ccxt exchange object for `exchange_id`; the first caller's timeout wins."""
    with _exchanges_lock:
        exchange = _exchanges.get(exchange_id)
        if exchange is None:
            import ccxt

            if exchange_id not in ccxt.exchanges:
                raise ValueError(f"ccxt has no exchange {exchange_id!r}")
            config = {"enableRateLimit": True, "timeout": timeout_ms,
                      "options": dict(_EXCHANGE_OPTIONS.get(exchange_id, {}))}
            exchange = getattr(ccxt, exchange_id)(config)
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

    def __init__(self, exchange_id: str = "binance", timeout: float = 10.0, page_limit: int = 1000,
                 max_pages: int = 1000):
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

    def validate_symbol(self, symbol: str) -> str:
        match = self.symbol_pattern.match(symbol.strip().upper()) if isinstance(symbol, str) else None
        if match is None:
            raise InvalidSymbol(f"{symbol!r} is not a valid pair ({self.symbol_hint}).",
                                symbol=symbol if isinstance(symbol, str) else None, provider=self.name)
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
        with _market_locks[self.exchange_id]:
            if not exchange.markets:
                self._guarded(None, exchange.load_markets)
        return exchange.markets

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        symbol = self.validate_symbol(symbol)
        timeframe = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        exchange = self.exchange
        if exchange.timeframes and timeframe not in exchange.timeframes:
            raise UnsupportedInterval(interval, [t for t in self.intervals if t in exchange.timeframes],
                                      provider=self.name)
        if symbol not in self.load_markets():
            raise SymbolNotFound(f"{self.exchange_id} has no market {symbol}.", symbol=symbol, provider=self.name)
        rows = self._fetch_pages(exchange, symbol, timeframe, start, end)
        if not rows:
            return empty_ohlcv()
        frame = pd.DataFrame(rows, columns=["timestamp", "open", "high", "low", "close", "volume"])
        return self._clip(normalize_ohlcv(frame), start, end)

    def _fetch_pages(self, exchange, symbol, timeframe, start, end) -> list[list]:
        step = exchange.parse_timeframe(timeframe) * 1000
        end_ms = _epoch_ms(end if end is not None else pd.Timestamp.now(tz="UTC"))
        # Without a start, the last page before `end`.
        since = _epoch_ms(start) if start is not None else end_ms - (self.page_limit - 1) * step
        rows: list[list] = []
        if since > end_ms:
            return rows
        last = None
        for _ in range(self.max_pages):
            page = self._guarded(symbol, exchange.fetch_ohlcv, symbol, timeframe, since, self.page_limit)
            fresh = [row for row in page or [] if row[0] >= since and (last is None or row[0] > last)]
            if not fresh:
                break  # past the newest candle, or an exchange that ignores `since`: either way, done
            rows.extend(fresh)
            last = fresh[-1][0]
            if last + step > end_ms:
                break
            since = last + step
        else:
            logger.warning("Stopped paging %s %s on %s after %d pages", symbol, timeframe,
                           self.exchange_id, self.max_pages)
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
        return [{"symbol": s, "name": f"{markets[s].get('base')} / {markets[s].get('quote')}", "type": "crypto",
                 "source": self.name} for s in ranked[:limit]]

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
            return RateLimited(f"{where} is rate limiting requests.", symbol=symbol, provider=self.name,
                               retry_after=retry_after_seconds(headers.get("Retry-After")))
        if isinstance(exc, ccxt.RequestTimeout):
            return ProviderUnavailable(f"{where} did not answer in time.", symbol=symbol, provider=self.name,
                                       cause="timeout")
        if isinstance(exc, ccxt.ExchangeNotAvailable):
            return ProviderUnavailable(f"{where} is not available.", symbol=symbol, provider=self.name,
                                       cause="exchange unavailable")
        if isinstance(exc, ccxt.NetworkError):
            return ProviderUnavailable(f"{where} could not be reached.", symbol=symbol, provider=self.name,
                                       cause="network error")
        if isinstance(exc, ccxt.BadSymbol):
            return SymbolNotFound(f"{where} does not know the symbol {symbol}.", symbol=symbol, provider=self.name)
        if isinstance(exc, ccxt.BaseError):
            return ProviderUnavailable(f"{where} returned an error.", symbol=symbol, provider=self.name,
                                       cause="exchange error")
        logger.warning("Unexpected ccxt error on %s for %s", self.exchange_id, symbol, exc_info=exc)
        return ProviderUnavailable(f"{where} returned something unexpected.", symbol=symbol, provider=self.name,
                                   cause="unexpected provider error")


def _epoch_ms(ts: pd.Timestamp) -> int:
    return int(ts.timestamp() * 1000)
