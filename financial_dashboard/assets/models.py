"""Assets held in a portfolio."""

import datetime as dt
import decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import MONEY, QUANTITY, UTCDateTime, utcnow
from ..extensions import db

ASSET_TYPES = ("stock", "crypto", "etf", "fund", "bond", "cash", "other")


class Asset(db.Model):
    __tablename__ = "assets"
    __table_args__ = (sa.CheckConstraint(sa.column("type").in_(ASSET_TYPES), name="type"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    portfolio_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("portfolios.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    type: so.Mapped[str] = so.mapped_column(sa.String(10))
    symbol: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    quantity: so.Mapped[decimal.Decimal | None] = so.mapped_column(QUANTITY)
    amount_invested: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY)
    purchase_date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    # What its prices are in, major unit (GBP, not pence; USDT for a pair quoted in it): given by the user
    # or set by a price sync from the market data. None: not known yet.
    currency: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Asset {self.id} {self.name!r}>"
