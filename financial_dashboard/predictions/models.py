"""The model store: trained forecast models with their backtest and forecast, shared by every worker and machine.

Models learn from public market data, so the store belongs to no user: AAPL's LSTM is the same for everyone.
"""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import UTCDateTime
from ..extensions import db


class ForecastModelRecord(db.Model):
    """One training of one model on one symbol's bars, up to ``last_bar``."""

    __tablename__ = "forecast_models"
    __table_args__ = (sa.UniqueConstraint("source", "symbol", "interval", "model", "last_bar"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(20))
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32))
    interval: so.Mapped[str] = so.mapped_column(sa.String(8))
    model: so.Mapped[str] = so.mapped_column(sa.String(20))
    last_bar: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    trained_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    seconds: so.Mapped[float] = so.mapped_column(sa.Double)
    # The backtest per horizon, the forecast path and the model's description of itself (JSON-safe).
    result: so.Mapped[dict] = so.mapped_column(sa.JSON)
    # The fitted model (ForecastModel.to_bytes); deferred: answers never need it.
    payload: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)

    def __repr__(self):
        return (
            f"<ForecastModelRecord {self.model} {self.source}:{self.symbol} {self.interval} {self.last_bar:%Y-%m-%d}>"
        )
