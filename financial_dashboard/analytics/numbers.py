"""Small conversions every analytics module shares: finite floats, cents, percentages, ratios, calendar days."""

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pandas as pd

ONE_DAY = dt.timedelta(days=1)


def finite(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite."""
    # JSON has no NaN or inf, and None tells the reader "not computable" plainly.
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def optional_float(value: float | Decimal | None) -> float | None:
    """``value`` as a float, None staying None (money may arrive as Decimal)."""
    return None if value is None else float(value)


def cents(value: Any) -> float | None:
    """Money rounded to the cent; None when not finite."""
    value = finite(value)
    return None if value is None else round(value, 2)


def pct(fraction: Any) -> float | None:
    """A fraction as a percentage rounded to 2 decimals (0.0512 is 5.12); None when not finite."""
    fraction = finite(fraction)
    return None if fraction is None else round(fraction * 100, 2)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator; None when either is missing, the denominator is zero or the result not finite."""
    if numerator is None or not denominator:
        return None
    return finite(numerator / denominator)


def as_day(value: Any) -> dt.date:
    """The calendar day of a date, datetime or pandas Timestamp."""
    # Datetimes (and Timestamps) are also dates but do not compare with them; analytics works by calendar day.
    return value.date() if isinstance(value, dt.datetime) else value
