"""Savings goals."""
import datetime as dt
import decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import MONEY, UTCDateTime, utcnow
from ..extensions import db


class Goal(db.Model):
    __tablename__ = "goals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    target_amount: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY)
    current_savings: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY, default=0, server_default="0")
    target_date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Goal {self.id} {self.title!r}>"
