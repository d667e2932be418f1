"""Stored market bars and dividends: every successful fetch is kept, so the product can answer during outages."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..common.models import UTCDateTime
from ..extensions import db


class MarketBar(db.Model):
    __tablename__ = "market_bars"
    __table_args__ = (sa.UniqueConstraint("source", "symbol", "interval", "ts"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # yfinance, ccxt:<exchange id>, sample or import.
    source: so.Mapped[str] = so.mapped_column(sa.String(40))
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32))
    interval: so.Mapped[str] = so.mapped_column(sa.String(8))
    ts: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)
    # Provider prices are binary floats already; storing them as doubles keeps them as the provider sent them.
    open: so.Mapped[float] = so.mapped_column(sa.Double)
    high: so.Mapped[float] = so.mapped_column(sa.Double)
    low: so.Mapped[float] = so.mapped_column(sa.Double)
    close: so.Mapped[float] = so.mapped_column(sa.Double)
    volume: so.Mapped[float] = so.mapped_column(sa.Double)
    # The prices' currency in its major unit (GBP, not GBp): ISO 4217, or a crypto pair's quote asset (USDT).
    # NULL when the source did not say (an import without --currency, bars stored before it was recorded).
    currency: so.Mapped[str | None] = so.mapped_column(sa.String(12))

    def __repr__(self):
        return f"<MarketBar {self.source} {self.symbol} {self.interval} {self.ts:%Y-%m-%d %H:%M}>"


class MarketDividend(db.Model):
    """A cash dividend per share, by ex-date, as the provider reported it beside the bars (kept for income)."""

    __tablename__ = "market_dividends"
    __table_args__ = (sa.UniqueConstraint("source", "symbol", "ex_date"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    source: so.Mapped[str] = so.mapped_column(sa.String(40))
    symbol: so.Mapped[str] = so.mapped_column(sa.String(32))
    ex_date: so.Mapped[dt.date] = so.mapped_column(sa.Date)
    amount: so.Mapped[float] = so.mapped_column(sa.Double)
    currency: so.Mapped[str | None] = so.mapped_column(sa.String(12))

    def __repr__(self):
        return f"<MarketDividend {self.source} {self.symbol} {self.ex_date} {self.amount}>"
