"""Watchlists and the symbols on them."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import UTCDateTime, utcnow
from ..extensions import db


class Watchlist(db.Model):
    __tablename__ = "watchlists"
    __table_args__ = (sa.UniqueConstraint("user_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Watchlist {self.id} {self.name!r}>"


class WatchlistItem(db.Model):
    """One symbol on a watchlist, in the canonical form the market data uses (AAPL, BTC/USDT)."""

    __tablename__ = "watchlist_items"
    __table_args__ = (sa.UniqueConstraint("watchlist_id", "symbol"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    watchlist_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    added_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
