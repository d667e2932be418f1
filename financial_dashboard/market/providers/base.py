"""The market-data provider interface: base class, errors and the one normalised OHLCV shape."""

from __future__ import annotations

import abc
import datetime as dt
import email.utils
import re
from typing import ClassVar

import numpy as np
import pandas as pd

from .errors import (
    InvalidSymbol,
    MarketDataError,
    ProviderRefused,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnknownProvider,
    UnsupportedInterval,
    UnsupportedRange,
)

__all__ = [
    "INTERVALS",
    "OHLCV_COLUMNS",
    "InvalidSymbol",
    "MarketDataError",
    "MarketDataProvider",
    "ProviderRefused",
    "ProviderUnavailable",
    "RateLimited",
    "SymbolNotFound",
    "UnknownProvider",
    "UnsupportedInterval",
    "UnsupportedRange",
    "as_utc",
    "empty_ohlcv",
    "major_currency",
    "with_meta",
    "retry_after_seconds",
    "normalize_ohlcv",
    "pair_syntax",
    "symbol_syntax",
]

OHLCV_COLUMNS = ("open", "high", "low", "close", "volume")

# Bar sizes each provider accepts, in that provider's own vocabulary (yfinance says "1wk",
# ccxt says "1w"); the ccxt adapter also takes the yfinance spellings as aliases.
INTERVALS: dict[str, tuple[str, ...]] = {
    "yfinance": ("1m", "5m", "15m", "30m", "60m", "1h", "1d", "1wk", "1mo"),
    "ccxt": ("1m", "5m", "15m", "1h", "4h", "1d", "1w"),
    "sample": ("1d", "1wk", "1mo"),
    "fake": ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1wk", "1mo"),
}

# Intervals whose bars stand for a whole trading day or more; adapters stamp them at
# 00:00 UTC of the trading date so a date never shifts when the exchange is not in UTC.
DAILY_OR_LONGER = frozenset({"1d", "1wk", "1w", "1mo"})

# The one definition of the characters a symbol may hold: letters, digits and the punctuation Yahoo
# writes (BRK-B, ^GSPC, EURUSD=X, RDS.A, M&M.NS). Every provider's pattern, and the CSV import's, is built from it.
SYMBOL_ALNUM = "A-Z0-9"
SYMBOL_PUNCTUATION = ".^=&-"

# Currencies that some exchanges quote in hundredths: London in pence (Yahoo writes GBp, others GBX),
# Johannesburg in cents (ZAc), Tel Aviv in agorot (ILA). Prices are stored in the major unit.
MINOR_UNITS = {"GBp": ("GBP", 0.01), "GBX": ("GBP", 0.01), "ZAc": ("ZAR", 0.01), "ILA": ("ILS", 0.01)}


def symbol_syntax(max_length: int, *, slash: bool = False, needs_alnum: bool = True) -> re.Pattern:
    """1 to `max_length` symbol characters ("/" too when `slash`), one a letter or digit if `needs_alnum`."""
    lookahead = f"(?=.*[{SYMBOL_ALNUM}])" if needs_alnum else ""
    allowed = SYMBOL_ALNUM + re.escape(SYMBOL_PUNCTUATION + ("/" if slash else ""))
    return re.compile(rf"^{lookahead}[{allowed}]{{1,{max_length}}}$")


def pair_syntax(max_part: int) -> re.Pattern:
    """BASE/QUOTE or BASE-QUOTE, each part 1 to `max_part` letters or digits (captured as groups 1 and 2)."""
    part = f"([{SYMBOL_ALNUM}]{{1,{max_part}}})"
    return re.compile(rf"^{part}[/-]{part}$")


def as_utc(value) -> pd.Timestamp | None:
    """A tz-aware UTC Timestamp from None, str, date, datetime or Timestamp (naive means UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise ValueError(f"Not a timestamp: {value!r}")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def major_currency(code: str | None) -> tuple[str | None, float]:
    """The currency prices should be stored in, and the factor to get there: ("GBP", 0.01) for "GBp"."""
    if not code:
        return None, 1.0
    return MINOR_UNITS.get(code, (code, 1.0))


def with_meta(frame: pd.DataFrame, currency: str | None = None, dividends: pd.Series | None = None) -> pd.DataFrame:
    """Attach what a provider knows beside the bars (see MarketDataProvider.fetch_ohlcv) and return ``frame``."""
    frame.attrs["currency"] = currency
    if dividends is not None:
        frame.attrs["dividends"] = dividends
    return frame


def retry_after_seconds(value) -> int | None:
    """Seconds from an HTTP Retry-After header (delta-seconds or HTTP-date); None if absent or unreadable."""
    if value is None:
        return None
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0, int((when - dt.datetime.now(dt.UTC)).total_seconds()))


def empty_ohlcv() -> pd.DataFrame:
    """The normalised shape with no rows."""
    index = pd.DatetimeIndex([], tz="UTC", name="timestamp")
    return pd.DataFrame({c: pd.Series(dtype="float64", index=index) for c in OHLCV_COLUMNS}, index=index)


def normalize_ohlcv(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` in the one shape every provider hands out.

    DatetimeIndex named ``timestamp`` in UTC (naive input is taken as UTC), columns exactly
    ``open, high, low, close, volume`` as float64, ascending, one row per timestamp (the last
    one seen wins, as a later bar from a source is a correction), no row without a close.
    Column names are matched case-insensitively, extra columns (Adj Close, Dividends...) are
    dropped, a missing volume becomes NaN, and a single-ticker ``yf.download`` frame (MultiIndex
    columns ``Price``/``Ticker``) is accepted. The input is never modified.
    """
    if frame is None:
        return empty_ohlcv()
    df = frame.copy()
    if isinstance(df.columns, pd.MultiIndex):
        df = _flatten_download_columns(df)
    df.columns = [str(c).strip().lower() for c in df.columns]
    if not isinstance(df.index, pd.DatetimeIndex):
        df = _datetime_index_from(df)
    if df.empty:
        return empty_ohlcv()
    missing = [c for c in ("open", "high", "low", "close") if c not in df.columns]
    if missing:
        raise ValueError(f"OHLCV frame lacks column(s): {', '.join(missing)}")
    if "volume" not in df.columns:
        df["volume"] = np.nan
    df = df.loc[:, list(OHLCV_COLUMNS)].apply(pd.to_numeric, errors="coerce").astype("float64")
    df = df[df.index.notna()]
    index = df.index if df.index.tz is not None else df.index.tz_localize("UTC")
    df.index = index.tz_convert("UTC").rename("timestamp")
    # A stable sort keeps rows with equal timestamps in input order, so keep="last" means
    # "the last one the source sent".
    df = df.sort_index(kind="mergesort")
    df = df[~df.index.duplicated(keep="last")]
    df = df[df["close"].notna()]
    df.index.freq = None
    df.columns.name = None
    return df


def _flatten_download_columns(df: pd.DataFrame) -> pd.DataFrame:
    names = list(df.columns.names)
    price_level = names.index("Price") if "Price" in names else 0
    other = [i for i in range(df.columns.nlevels) if i != price_level]
    for level in other:
        if df.columns.get_level_values(level).nunique() > 1:
            raise ValueError("normalize_ohlcv takes one symbol at a time; got several tickers")
    return df.droplevel(other, axis=1)


def _datetime_index_from(df: pd.DataFrame) -> pd.DataFrame:
    for name in ("timestamp", "datetime", "date", "time"):
        if name in df.columns:
            stamps = df[name]
            if pd.api.types.is_numeric_dtype(stamps):
                # Exchanges count milliseconds since the epoch.
                index = pd.to_datetime(stamps, unit="ms", utc=True)
            else:
                index = pd.to_datetime(stamps, utc=True)
            return df.drop(columns=[name]).set_index(pd.DatetimeIndex(index))
    if len(df.index) == 0:
        return df.set_axis(pd.DatetimeIndex([], tz="UTC"), axis=0)
    return df.set_axis(pd.DatetimeIndex(pd.to_datetime(df.index)), axis=0)


class MarketDataProvider(abc.ABC):
    """One source of prices. Subclasses set the class attributes and implement `fetch_ohlcv`.

    Ranges are inclusive at both ends: bars with ``start <= timestamp <= end``. Either end may
    be None (from the earliest / up to the latest bar the source offers). A valid symbol with
    no bars in the range gives an empty frame, not an error.
    """

    name: ClassVar[str] = ""
    asset_classes: ClassVar[frozenset[str]] = frozenset()
    is_sample: ClassVar[bool] = False
    intervals: ClassVar[tuple[str, ...]] = ()
    symbol_pattern: ClassVar[re.Pattern] = symbol_syntax(15)
    symbol_hint: ClassVar[str] = "1-15 characters from A-Z, 0-9 and . ^ = -"

    @classmethod
    def enabled(cls) -> bool:
        """Whether the provider's library is installed; checked without importing it."""
        return True

    def validate_symbol(self, symbol: str) -> str:
        """The symbol in canonical form (stripped, upper case), or InvalidSymbol."""
        if not isinstance(symbol, str):
            raise InvalidSymbol("A symbol must be text.", provider=self.name)
        canonical = symbol.strip().upper()
        if not self.symbol_pattern.match(canonical):
            raise InvalidSymbol(
                f"{symbol!r} is not a valid symbol ({self.symbol_hint}).", symbol=symbol, provider=self.name
            )
        return canonical

    @property
    def source_id(self) -> str:
        """What bars from this provider are stored and cached under (ccxt adds the exchange: ccxt:binance)."""
        return self.name

    def validate_interval(self, interval: str) -> str:
        if interval not in self.intervals:
            raise UnsupportedInterval(interval, self.intervals, provider=self.name)
        return interval

    def available_intervals(self) -> tuple[str, ...]:
        """The intervals this instance can serve (ccxt: those its exchange has)."""
        return self.intervals

    def check_range(self, interval: str, start: pd.Timestamp | None, now: pd.Timestamp) -> pd.Timestamp | None:
        """The start to ask for: ``start``, or UnsupportedRange when the provider cannot go back that far.

        Default: no limit. Providers with one may also move a start that is just past it (or None) forward.
        """
        return start

    @abc.abstractmethod
    def fetch_ohlcv(
        self, symbol: str, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, interval: str = "1d"
    ) -> pd.DataFrame:
        """Bars for `symbol` in the normalised shape (see `normalize_ohlcv`).

        Prices are as traded, adjusted for stock splits only (never for dividends), in the major unit of
        their currency (pounds, not pence). ``frame.attrs["currency"]`` names that currency (ISO 4217, or
        the quote asset of a crypto pair; None when the source does not say), and
        ``frame.attrs["dividends"]``, when the source reports them, holds the cash dividends per share
        by ex-date in the same currency.
        """

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        """Symbols matching `query`: dicts with symbol, name, type, source. Default: none."""
        return []

    @staticmethod
    def _clip(frame: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
        if start is not None:
            frame = frame[frame.index >= start]
        if end is not None:
            frame = frame[frame.index <= end]
        return frame
