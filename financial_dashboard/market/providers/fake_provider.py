"""A deterministic in-memory provider for tests: canned or generated bars, recorded calls, injectable failures."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from . import register
from .base import (
    INTERVALS,
    MarketDataProvider,
    SymbolNotFound,
    as_utc,
    empty_ohlcv,
    normalize_ohlcv,
    symbol_syntax,
)

_FREQUENCIES = {
    "1m": "1min",
    "5m": "5min",
    "15m": "15min",
    "30m": "30min",
    "1h": "1h",
    "4h": "4h",
    "1d": "1D",
    "1wk": "W-MON",
    "1mo": "MS",
}

# Where a generated series ends when the caller gives no end: fixed, so tests never depend on today.
DEFAULT_END = pd.Timestamp("2024-12-31", tz="UTC")
DEFAULT_PERIODS = 250


@register("fake")
class FakeProvider(MarketDataProvider):
    """Serves `frames` (symbol -> OHLCV frame) if given, else a generated series for any valid symbol.

    Every call is appended to `calls`; set `fail_with` to an exception to make the next calls raise it.
    Generated prices depend only on the symbol and the timestamp, so overlapping windows agree. A frame's
    ``attrs`` (currency, dividends) are handed out with it.
    """

    asset_classes = frozenset({"stock", "etf", "index", "fx", "crypto"})
    intervals = INTERVALS["fake"]
    symbol_pattern = symbol_syntax(20, slash=True)

    def __init__(
        self,
        frames: dict[str, pd.DataFrame] | None = None,
        fail_with: BaseException | None = None,
        timeout: float | None = None,
        source_id: str | None = None,
    ):
        # `timeout` is accepted and ignored so that the fake can stand in for any provider; `source_id` is
        # what the provider it stands in for stores its bars under (ccxt:binance).
        self.frames = (
            None
            if frames is None
            else {self.validate_symbol(symbol): normalize_ohlcv(frame) for symbol, frame in frames.items()}
        )
        self.fail_with = fail_with
        self.stands_for = source_id
        self.calls: list[dict] = []

    @property
    def source_id(self) -> str | None:
        """None: stored under the source whose place the fake takes (the service falls back to that name)."""
        return self.stands_for

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        self.calls.append({"method": "fetch_ohlcv", "symbol": symbol, "start": start, "end": end, "interval": interval})
        if self.fail_with is not None:
            raise self.fail_with
        symbol = self.validate_symbol(symbol)
        interval = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        if self.frames is None:
            return self._clip(generate_ohlcv(symbol, start, end, interval), start, end)
        if symbol not in self.frames:
            raise SymbolNotFound(f"No fake data for {symbol}.", symbol=symbol, provider=self.name)
        return self._clip(self.frames[symbol], start, end).copy()

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        self.calls.append({"method": "search_symbols", "query": query, "limit": limit})
        if self.fail_with is not None:
            raise self.fail_with
        needle = (query or "").strip().upper()
        known = sorted(self.frames or ())
        ranked = [s for s in known if s.startswith(needle)] if needle else []
        return [{"symbol": s, "name": s, "type": "stock", "source": self.name} for s in ranked[:limit]]


def generate_ohlcv(symbol: str, start=None, end=None, interval: str = "1d") -> pd.DataFrame:
    """Smooth, deterministic bars for `symbol` between `start` and `end` (DEFAULT_PERIODS bars if no start)."""
    freq = _FREQUENCIES[interval]
    end = as_utc(end) or DEFAULT_END
    start = as_utc(start)
    if start is None:
        index = pd.date_range(
            end=end.floor("D") if interval in ("1d", "1wk", "1mo") else end, periods=DEFAULT_PERIODS, freq=freq
        )
    else:
        index = pd.date_range(start=start, end=end, freq=freq)
    if len(index) == 0:
        return empty_ohlcv()
    seed = zlib.crc32(symbol.encode())
    base = 20.0 + seed % 480
    days = index.as_unit("s").asi8 / 86_400.0
    close = base * (1.0 + 0.1 * np.sin(days / 30.0 + seed % 7)) * (1.0 + days / 36_500.0)
    spread = close * 0.01
    frame = pd.DataFrame(
        {
            "open": close - spread / 2,
            "high": close + spread,
            "low": close - spread,
            "close": close,
            "volume": 1_000_000.0 + (seed % 1000) * 1000.0,
        },
        index=index,
    )
    return normalize_ohlcv(frame)
