"""Column types shared by the models: exact money and prices, UTC timestamps."""

import datetime as dt

import sqlalchemy as sa

from .clock import utcnow  # noqa: F401  (the models' default for created_at)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC that always reads back as an aware UTC datetime (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        # PostgreSQL answers in the session's time zone, which depends on the server's settings.
        return value.astimezone(dt.UTC)


# SQL NUMERIC everywhere money or prices are stored: exact on PostgreSQL; SQLite keeps 15 significant digits.
MONEY = sa.Numeric(14, 2)
PRICE = sa.Numeric(20, 8)
QUANTITY = sa.Numeric(20, 8)
