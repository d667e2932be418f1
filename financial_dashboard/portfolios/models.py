"""Portfolios: named groups of a user's assets."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import UTCDateTime, utcnow
from ..extensions import db


class Portfolio(db.Model):
    __tablename__ = "portfolios"
    __table_args__ = (sa.UniqueConstraint("user_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Portfolio {self.id} {self.name!r}>"
