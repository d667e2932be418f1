"""Savings goals and the contributions that move them."""

import datetime as dt
import decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import MONEY, UTCDateTime, utcnow
from ..extensions import db

PERCENT = sa.Numeric(6, 2)


class Goal(db.Model):
    __tablename__ = "goals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    target_amount: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY)
    current_savings: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY, default=0, server_default="0")
    target_date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    monthly_contribution: so.Mapped[decimal.Decimal | None] = so.mapped_column(MONEY)
    expected_annual_return_pct: so.Mapped[decimal.Decimal | None] = so.mapped_column(PERCENT)
    # A goal funded by a portfolio follows that portfolio's value; deleting the portfolio unlinks it.
    portfolio_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("portfolios.id", ondelete="SET NULL"), index=True
    )
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Goal {self.id} {self.title!r}>"


class Contribution(db.Model):
    """Money put into (positive) or taken out of (negative) a goal's savings on a day."""

    __tablename__ = "goal_contributions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    goal_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    amount: so.Mapped[decimal.Decimal] = so.mapped_column(MONEY)
    date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    note: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
