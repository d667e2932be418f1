"""The bar store: every fetched, imported or sample bar in ``market_bars``, upserted and read back as frames."""
from collections.abc import Callable, Iterable

import pandas as pd
import sqlalchemy as sa

from ..extensions import db
from .models import MarketBar
from .providers.base import OHLCV_COLUMNS
from .providers.sample_provider import SampleProvider


def load_bars(source, symbol, interval, start=None, end=None) -> pd.DataFrame:
    """Stored bars as the normalised frame (UTC index named timestamp, OHLCV float columns)."""
    select = sa.select(MarketBar.ts, *(getattr(MarketBar, c) for c in OHLCV_COLUMNS)).where(
        MarketBar.source == source, MarketBar.symbol == symbol, MarketBar.interval == interval)
    if start is not None:
        select = select.where(MarketBar.ts >= start.to_pydatetime())
    if end is not None:
        select = select.where(MarketBar.ts <= end.to_pydatetime())
    rows = db.session.execute(select.order_by(MarketBar.ts)).all()
    frame = pd.DataFrame(rows, columns=["timestamp", *OHLCV_COLUMNS])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.set_index("timestamp").astype(float)


def first_stored(sources: Iterable[str], symbol: str, interval: str,
                 bounds: Callable[[pd.Timestamp], tuple]) -> tuple[str, pd.DataFrame] | None:
    """The bars of the first of ``sources`` that has any stored, with where they come from, or None.

    ``bounds`` turns that source's newest stored bar into the (start, end) to read, so a period can be
    counted back from it rather than from today.
    """
    for source in sources:
        newest = db.session.scalar(sa.select(sa.func.max(MarketBar.ts)).where(
            MarketBar.source == source, MarketBar.symbol == symbol, MarketBar.interval == interval))
        if newest is not None:
            start, end = bounds(pd.Timestamp(newest))
            return source, load_bars(source, symbol, interval, start, end)
    return None


def store_bars(source: str, symbol: str, interval: str, frame: pd.DataFrame, commit: bool = True) -> int:
    """Upsert bars on (source, symbol, interval, ts); returns the number of rows written.

    The columns are NOT NULL (and SQLite stores NaN as NULL): a bar missing a price is not kept, and a
    missing volume is kept as 0, as Yahoo reports it for instruments without volume.
    """
    frame = frame.dropna(subset=["open", "high", "low", "close"]).fillna({"volume": 0.0})
    if frame.empty:
        return 0
    rows = [{"source": source, "symbol": symbol, "interval": interval, "ts": ts.to_pydatetime(),
             **{c: float(getattr(row, c)) for c in OHLCV_COLUMNS}}
            for ts, row in zip(frame.index, frame.itertuples(index=False))]
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"Unsupported database {dialect}")
    statement = insert(MarketBar)
    statement = statement.on_conflict_do_update(
        index_elements=["source", "symbol", "interval", "ts"],
        set_={c: getattr(statement.excluded, c) for c in OHLCV_COLUMNS})
    for chunk in range(0, len(rows), 1000):  # stay under SQLite's bound-parameter limit
        db.session.execute(statement, rows[chunk:chunk + 1000])
    if commit:
        db.session.commit()
    return len(rows)


def load_sample(sample: SampleProvider) -> dict[str, int]:
    """Store the bundled sample bars (daily) of ``sample`` under source ``sample``; returns rows per symbol."""
    counts = {symbol: store_bars("sample", symbol, "1d", sample.fetch_ohlcv(symbol, None, None, "1d"), commit=False)
              for symbol in sample.symbols()}
    db.session.commit()
    return counts
