"""Price history of an asset: one price per asset and day."""

import datetime as dt
import decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import PRICE, UTCDateTime, utcnow
from ..extensions import db


class PriceHistory(db.Model):
    __tablename__ = "price_history"
    # The unique (asset_id, date) index also serves lookups by asset, so asset_id needs no index of its own.
    __table_args__ = (sa.UniqueConstraint("asset_id", "date"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    asset_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assets.id", ondelete="CASCADE"))
    date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    price: so.Mapped[decimal.Decimal] = so.mapped_column(PRICE)
    # Where the price came from: "manual" (typed or pasted), or the market source of a sync
    # (yfinance, ccxt:<exchange>, sample, import), so that pages can say when values rest on sample data.
    source: so.Mapped[str] = so.mapped_column(sa.String(40), default="manual", server_default="manual")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<PriceHistory asset={self.asset_id} {self.date} {self.price}>"
