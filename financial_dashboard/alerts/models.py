"""Price alerts: a condition on a symbol's daily close, armed until a newly seen close meets it."""

import datetime as dt
import decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import PRICE, UTCDateTime, utcnow
from ..extensions import db

CONDITIONS = ("above", "below", "change_pct_above")


class Alert(db.Model):
    __tablename__ = "alerts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(8))
    condition: so.Mapped[str] = so.mapped_column(sa.String(20))
    # A price for above/below, a percentage for change_pct_above.
    target: so.Mapped[decimal.Decimal] = so.mapped_column(PRICE)
    note: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    active: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=True, server_default=sa.true())
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The newest bar the alert has seen: only closes after it can trigger, so a level already passed when
    # the alert was made (or re-armed) does not.
    last_seen_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    last_close: so.Mapped[float | None] = so.mapped_column(sa.Double)
    triggered_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    triggered_price: so.Mapped[decimal.Decimal | None] = so.mapped_column(PRICE)
    triggered_bar_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    seen_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    emailed_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def status(self) -> str:
        return "triggered" if self.triggered_at is not None else ("active" if self.active else "paused")

    def describe(self) -> str:
        if self.condition == "change_pct_above":
            return f"{self.symbol} rises {plain(self.target)} % or more in a day"
        return f"{self.symbol} closes {self.condition} {plain(self.target)}"


def plain(value) -> str:
    """A decimal without trailing zeros: 441.25, not 441.25000000."""
    text = format(decimal.Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
