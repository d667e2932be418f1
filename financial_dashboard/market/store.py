"""The bar store: every fetched, imported or sample bar in ``market_bars`` (and the dividends reported beside
them in ``market_dividends``), upserted and read back as frames."""

from collections.abc import Callable, Iterable

import pandas as pd
import sqlalchemy as sa

from ..extensions import db
from .models import MarketBar, MarketDividend
from .providers.base import OHLCV_COLUMNS, with_meta
from .providers.sample_provider import SampleProvider


def load_bars(source, symbol, interval, start=None, end=None) -> pd.DataFrame:
    """Stored bars as the normalised frame (UTC index named timestamp, OHLCV float columns).

    ``attrs["currency"]`` is the newest bar's currency (None if it was not recorded); the stored dividends
    of the same dates are in ``attrs["dividends"]``.
    """
    select = sa.select(MarketBar.ts, *(getattr(MarketBar, c) for c in OHLCV_COLUMNS), MarketBar.currency).where(
        MarketBar.source == source, MarketBar.symbol == symbol, MarketBar.interval == interval
    )
    if start is not None:
        select = select.where(MarketBar.ts >= start.to_pydatetime())
    if end is not None:
        select = select.where(MarketBar.ts <= end.to_pydatetime())
    rows = db.session.execute(select.order_by(MarketBar.ts)).all()
    frame = pd.DataFrame(rows, columns=["timestamp", *OHLCV_COLUMNS, "currency"])
    currency = frame["currency"].iloc[-1] if len(frame) else None
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    frame = frame.drop(columns="currency").set_index("timestamp").astype(float)
    return with_meta(frame, currency if isinstance(currency, str) else None, load_dividends(source, symbol, start, end))


def load_dividends(source, symbol, start=None, end=None) -> pd.Series:
    """Stored dividends per share by ex-date (00:00 UTC), as providers hand them out."""
    select = sa.select(MarketDividend.ex_date, MarketDividend.amount).where(
        MarketDividend.source == source, MarketDividend.symbol == symbol
    )
    if start is not None:
        select = select.where(MarketDividend.ex_date >= start.date())
    if end is not None:
        select = select.where(MarketDividend.ex_date <= end.date())
    rows = db.session.execute(select.order_by(MarketDividend.ex_date)).all()
    index = pd.DatetimeIndex([pd.Timestamp(day, tz="UTC") for day, _ in rows], name="timestamp")
    return pd.Series([amount for _, amount in rows], index=index, dtype="float64", name="dividend")


def first_stored(
    sources: Iterable[str], symbol: str, interval: str, bounds: Callable[[pd.Timestamp], tuple]
) -> tuple[str, pd.DataFrame] | None:
    """The bars of the first of ``sources`` that has any stored, with where they come from, or None.

    ``bounds`` turns that source's newest stored bar into the (start, end) to read, so a period can be
    counted back from it rather than from today.
    """
    for source in sources:
        newest = db.session.scalar(
            sa.select(sa.func.max(MarketBar.ts)).where(
                MarketBar.source == source, MarketBar.symbol == symbol, MarketBar.interval == interval
            )
        )
        if newest is not None:
            start, end = bounds(pd.Timestamp(newest))
            return source, load_bars(source, symbol, interval, start, end)
    return None


def store_bars(source: str, symbol: str, interval: str, frame: pd.DataFrame, commit: bool = True) -> int:
    """Upsert bars on (source, symbol, interval, ts), and the dividends beside them; returns the bars written.

    The currency is the frame's ``attrs["currency"]``. The price columns are NOT NULL (and SQLite stores NaN
    as NULL): a bar missing a price is not kept, and a missing volume is kept as 0, as Yahoo reports it for
    instruments without volume.
    """
    currency = frame.attrs.get("currency")
    dividends = frame.attrs.get("dividends")
    frame = frame.dropna(subset=["open", "high", "low", "close"]).fillna({"volume": 0.0})
    rows = [
        {
            "source": source,
            "symbol": symbol,
            "interval": interval,
            "ts": ts.to_pydatetime(),
            "currency": currency,
            **{c: float(getattr(row, c)) for c in OHLCV_COLUMNS},
        }
        for ts, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]
    _upsert(MarketBar, rows, ("source", "symbol", "interval", "ts"), (*OHLCV_COLUMNS, "currency"))
    if dividends is not None and len(dividends):
        _upsert(
            MarketDividend,
            [
                {
                    "source": source,
                    "symbol": symbol,
                    "ex_date": day.date(),
                    "amount": float(amount),
                    "currency": currency,
                }
                for day, amount in dividends.items()
            ],
            ("source", "symbol", "ex_date"),
            ("amount", "currency"),
        )
    if commit:
        db.session.commit()
    return len(rows)


def _upsert(model, rows: list[dict], keys: tuple[str, ...], columns: tuple[str, ...]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"Unsupported database {dialect}")
    statement = insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: getattr(statement.excluded, c) for c in columns}
    )
    for chunk in range(0, len(rows), 1000):  # stay under SQLite's bound-parameter limit
        db.session.execute(statement, rows[chunk : chunk + 1000])


def load_sample(sample: SampleProvider) -> dict[str, int]:
    """Store the bundled sample bars (daily) of ``sample`` under source ``sample``; returns rows per symbol."""
    counts = {
        symbol: store_bars("sample", symbol, "1d", sample.fetch_ohlcv(symbol, None, None, "1d"), commit=False)
        for symbol in sample.symbols()
    }
    db.session.commit()
    return counts
