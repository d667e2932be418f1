"""Bundled real daily prices (AAPL, GOOG, IBM, MSFT, 2000 to 2013-03-01) for demos and offline use.

The data is Quandl WIKI's public-domain history as shipped by bokeh-sampledata (see
market/data/NOTICE.md). The file keeps the source's unadjusted values; the provider applies
the stock splits inside the bundled period, and nothing else, so that the prices follow the
same rule as the live ones: adjusted for splits (a split is not a crash), never for dividends.
All four are US listings, in US dollars; the file holds no dividends.
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

import pandas as pd

from . import register
from .base import (
    INTERVALS,
    MarketDataProvider,
    SymbolNotFound,
    as_utc,
    empty_ohlcv,
    normalize_ohlcv,
    with_meta,
)

DATA_FILE = "data/sample_stocks.csv.gz"
CURRENCY = "USD"

NAMES = {
    "AAPL": "Apple Inc.",
    "GOOG": "Google Inc. (pre-2014 class A history)",
    "IBM": "International Business Machines Corp.",
    "MSFT": "Microsoft Corp.",
}

# Splits inside the bundled period: ex-date and ratio. The raw closes drop by half on these
# days and the source's adjusted close changes by exactly 2 (checked by the tests).
SPLITS = {
    "AAPL": (("2000-06-21", 2.0), ("2005-02-28", 2.0)),
    "MSFT": (("2003-02-18", 2.0),),
}

_RESAMPLE = {"1wk": "W-MON", "1mo": "MS"}


@functools.cache
def _raw_frames() -> dict[str, pd.DataFrame]:
    """The bundled file, read once per process: symbol -> unadjusted normalised frame."""
    with resources.files("financial_dashboard.market").joinpath(DATA_FILE).open("rb") as handle:
        with gzip.open(handle, "rt", encoding="utf-8") as text:
            data = pd.read_csv(text, dtype={"symbol": "string", "date": "string"})
    data["timestamp"] = pd.to_datetime(data.pop("date"), format="%Y-%m-%d", utc=True)
    return {
        symbol: normalize_ohlcv(rows.drop(columns="symbol").set_index("timestamp"))
        for symbol, rows in data.groupby("symbol", sort=True)
    }


@functools.cache
def _adjusted_frames() -> dict[str, pd.DataFrame]:
    frames = {}
    for symbol, frame in _raw_frames().items():
        frame = frame.copy()
        for ex_date, ratio in SPLITS.get(symbol, ()):
            before = frame.index < pd.Timestamp(ex_date, tz="UTC")
            frame.loc[before, ["open", "high", "low", "close"]] /= ratio
            frame.loc[before, "volume"] *= ratio
        frames[symbol] = frame
    return frames


@register("sample")
class SampleProvider(MarketDataProvider):
    """Daily bars from the bundled file; weekly and monthly bars are resampled from them."""

    asset_classes = frozenset({"stock"})
    is_sample = True
    intervals = INTERVALS["sample"]

    def __init__(self, adjust_splits: bool = True, timeout: float | None = None):
        # `timeout` is accepted and ignored so that every provider takes the same options.
        self.adjust_splits = adjust_splits

    def symbols(self) -> list[str]:
        return sorted(NAMES)

    def _frame(self, symbol: str) -> pd.DataFrame:
        symbol = self.validate_symbol(symbol)
        frames = _adjusted_frames() if self.adjust_splits else _raw_frames()
        if symbol not in frames:
            raise SymbolNotFound(
                f"The sample data has no {symbol}; it has {', '.join(self.symbols())}.",
                symbol=symbol,
                provider=self.name,
            )
        return frames[symbol]

    def latest_timestamp(self, symbol: str) -> pd.Timestamp:
        """The newest bundled day, so callers can count periods back from it instead of from today."""
        return self._frame(symbol).index[-1]

    def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d") -> pd.DataFrame:
        frame = self._frame(symbol)
        interval = self.validate_interval(interval)
        start, end = as_utc(start), as_utc(end)
        frame = self._clip(frame, start, end)
        if interval == "1d":
            return with_meta(frame.copy(), CURRENCY)
        if frame.empty:
            return with_meta(empty_ohlcv(), CURRENCY)
        # Like Yahoo: weeks are labelled by their Monday, months by their first day.
        bars = frame.resample(_RESAMPLE[interval], label="left", closed="left").agg(
            {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
        )
        return with_meta(normalize_ohlcv(bars), CURRENCY)

    def splits(self, symbol: str) -> pd.Series:
        """Split ratios inside the bundled period, indexed by ex-date (00:00 UTC)."""
        self._frame(symbol)
        events = SPLITS.get(self.validate_symbol(symbol), ())
        index = pd.DatetimeIndex([pd.Timestamp(d, tz="UTC") for d, _ in events], name="timestamp")
        return pd.Series([r for _, r in events], index=index, dtype="float64", name="split_ratio")

    def search_symbols(self, query: str, limit: int = 20) -> list[dict]:
        needle = (query or "").strip().upper()
        if not needle:
            return []
        ranked = [s for s in self.symbols() if s.startswith(needle)]
        ranked += [s for s in self.symbols() if s not in ranked and needle in NAMES[s].upper()]
        return [
            {"symbol": s, "name": NAMES[s], "type": "stock", "source": self.name, "currency": CURRENCY}
            for s in ranked[:limit]
        ]
