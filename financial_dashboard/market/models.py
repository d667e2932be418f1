"""Stored market bars: every successful fetch is kept, so the product can answer during outages."""
import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import UTCDateTime
from ..extensions import db


class MarketBar(db.Model):
    __tablename__ = "market_bars"
    __table_args__ = (sa.UniqueConstraint("source", "symbol", "interval", "ts"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(20))
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32))
    interval: so.Mapped[str] = so.mapped_column(sa.String(8))
    ts: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    # Provider prices are binary floats already; storing them as doubles keeps them as the provider sent them.
    open: so.Mapped[float] = so.mapped_column(sa.Double)
    high: so.Mapped[float] = so.mapped_column(sa.Double)
    low: so.Mapped[float] = so.mapped_column(sa.Double)
    close: so.Mapped[float] = so.mapped_column(sa.Double)
    volume: so.Mapped[float] = so.mapped_column(sa.Double)

    def __repr__(self):
        return f"<MarketBar {self.source} {self.symbol} {self.interval} {self.ts:%Y-%m-%d %H:%M}>"
