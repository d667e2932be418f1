"""What one holding is worth on a day: units, split adjustment and price look-up, as plain math.

Definitions (the README repeats them):

* units = ``quantity`` × the splits after the purchase date when a quantity is given,
  otherwise ``amount_invested`` / the purchase price (the last price on or before the
  purchase date, else the first price after it);
* value on a day = units × the last price on or before that day; 0 before the purchase
  date; the amount invested when there is no usable price (``priced`` is then False).
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .numbers import as_day, optional_float, ratio

NO_PRICES = "no prices"
NOT_YET_PRICED = "no price on or before this day"
NOT_YET_BOUGHT = "before the purchase date"
BAD_PURCHASE_PRICE = "the purchase price is not positive"


_EMPTY = pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")


def price_series(series: pd.Series | None) -> pd.Series:
    """A float Series on a sorted, tz-naive, midnight DatetimeIndex with NaNs dropped."""
    if series is None or len(series) == 0:
        return _EMPTY.copy(deep=False)
    index = series.index
    if (
        isinstance(index, pd.DatetimeIndex)
        and index.tz is None
        and series.dtype == "float64"
        and index.is_monotonic_increasing
        and index.is_normalized
        and not np.isnan(series.to_numpy()).any()
    ):
        return series  # already clean: skip the copies, they dominate a 50-asset report
    # Database rows arrive as Decimals (object dtype) and dates; normalise once here so
    # every look-up below can use a fast searchsorted on an ordered index.
    try:
        closes = np.asarray(series.to_numpy(), dtype="float64")
    except (TypeError, ValueError):  # None or text among the values
        closes = pd.to_numeric(series.to_numpy(), errors="coerce").astype("float64")
    index = pd.DatetimeIndex(pd.to_datetime(series.index))
    if index.tz is not None:
        index = index.tz_localize(None)
    days = index.to_numpy().astype("datetime64[D]")  # a bar's time of day does not matter
    keep = ~np.isnan(closes)
    days, closes = days[keep], closes[keep]
    if len(days) > 1 and (np.diff(days) < np.timedelta64(0, "D")).any():
        order = np.argsort(days, kind="stable")
        days, closes = days[order], closes[order]
    return pd.Series(closes, index=pd.DatetimeIndex(days.astype("datetime64[ns]")), dtype="float64")


@dataclass
class AssetPosition:
    """One holding: what was bought, when, for how much, and its price and split history.

    Money may arrive as Decimal and the series with Decimal values or date/tz-aware indexes:
    everything is converted to floats on a tz-naive daily index on construction, so treat
    the fields as read-only afterwards.
    """

    id: Any
    name: str
    type: str
    quantity: float | None
    amount_invested: float
    purchase_date: dt.date
    prices: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    splits: pd.Series | None = None

    def __post_init__(self) -> None:
        self.quantity = optional_float(self.quantity)
        self.amount_invested = float(self.amount_invested)
        self.purchase_date = as_day(self.purchase_date)
        self.prices = price_series(self.prices)
        self.splits = price_series(self.splits)


def split_factor(splits: pd.Series | None, after: dt.date) -> float:
    """The product of the split ratios dated strictly after ``after`` (4.0 = 4-for-1)."""
    if splits is None or len(splits) == 0:
        return 1.0
    splits = price_series(splits)
    # On the sorted index, a search finds the first split after the date without building a
    # filtered Series: units() runs for every holding several times per report.
    first = int(splits.index.searchsorted(pd.Timestamp(as_day(after)), side="right"))
    ratios = splits.to_numpy()[first:]
    # yfinance's "Stock Splits" column holds 0.0 on days without a split; a ratio must be
    # positive to mean anything, so zeros and negatives are skipped rather than multiplied.
    ratios = ratios[ratios > 0]
    return float(ratios.prod()) if len(ratios) else 1.0


def _price_position(prices: pd.Series, day: dt.date) -> int:
    """Index of the last price on or before ``day``; -1 when every price is later."""
    return int(prices.index.searchsorted(pd.Timestamp(day), side="right")) - 1


def units(position: AssetPosition) -> tuple[float | None, str | None]:
    """Units held in terms of the (split-adjusted) price series, or (None, reason)."""
    if position.quantity is not None:
        # Provider prices are rescaled for every later split, so a quantity typed in before
        # a split must be scaled by the same ratios to stay on the same footing.
        return position.quantity * split_factor(position.splits, position.purchase_date), None
    prices = position.prices
    if prices.empty:
        return None, NO_PRICES
    at = _price_position(prices, position.purchase_date)
    purchase_price = float(prices.iloc[max(at, 0)])  # -1: only later prices, take the first
    if not purchase_price > 0:
        return None, BAD_PURCHASE_PRICE
    return position.amount_invested / purchase_price, None


def _result(position, held, price, price_date, value, priced, reason) -> dict[str, Any]:
    invested = 0.0 if reason == NOT_YET_BOUGHT else position.amount_invested
    # A value assumed equal to the cost says nothing about gain or loss, so profit and
    # return stay None rather than a made-up zero.
    profit = value - invested if priced else None
    return_pct = None if profit is None else ratio(profit * 100, invested)
    return {
        "units": held,
        "price": price,
        "price_date": price_date,
        "value": value,
        "invested": invested,
        "profit": profit,
        "return_pct": return_pct,
        "priced": priced,
        "reason": reason,
    }


def value_on(position: AssetPosition, day: dt.date) -> dict[str, Any]:
    """Units, price, value, invested, profit and return of a holding at the close of ``day``.

    Before the purchase date everything is 0 (``reason`` says why); with no usable price
    the value is the amount invested, ``priced`` is False and ``reason`` says why.
    """
    day = as_day(day)
    held, reason = units(position)
    if day < position.purchase_date:
        return _result(position, held, None, None, 0.0, False, NOT_YET_BOUGHT)
    if held is None:
        return _result(position, None, None, None, position.amount_invested, False, reason)
    prices = position.prices
    if prices.empty:
        return _result(position, held, None, None, position.amount_invested, False, NO_PRICES)
    at = _price_position(prices, day)
    if at < 0:
        # Bought but not quoted yet (prices start later): carry it at cost until quoted.
        return _result(position, held, None, None, position.amount_invested, False, NOT_YET_PRICED)
    price = float(prices.iloc[at])
    value = held * price
    if not math.isfinite(value):
        return _result(position, held, None, None, position.amount_invested, False, NO_PRICES)
    return _result(position, held, price, prices.index[at].date(), value, True, None)


def values_on_days(position: AssetPosition, days: np.ndarray) -> np.ndarray:
    """``daily_values`` as a bare array for ascending ``datetime64[D]`` days, so a portfolio
    sums its holdings without building a pandas object per holding."""
    held, _ = units(position)
    values = np.full(len(days), position.amount_invested, dtype="float64")
    prices = position.prices
    if held is not None and not prices.empty:
        # One vectorised "last price on or before" for all days: a portfolio of 50 assets
        # over years must stay well inside the API's time budget.
        at = np.searchsorted(prices.index.to_numpy().astype("datetime64[D]"), days, side="right") - 1
        known = at >= 0
        values[known] = held * prices.to_numpy()[at[known]]
        values[~np.isfinite(values)] = position.amount_invested
    values[days < np.datetime64(position.purchase_date, "D")] = 0.0
    return values


def calendar_days(start: dt.date, end: dt.date) -> np.ndarray:
    """Every day from ``start`` to ``end`` inclusive as ``datetime64[D]``."""
    return np.arange(np.datetime64(as_day(start), "D"), np.datetime64(as_day(end), "D") + 1)


def daily_values(position: AssetPosition, start: dt.date, end: dt.date) -> pd.Series:
    """The value at every calendar day's close in [start, end]: forward-filled prices,
    0 before the purchase date, the amount invested on days without a known price."""
    days = calendar_days(start, end)
    return pd.Series(
        values_on_days(position, days),
        index=pd.DatetimeIndex(days.astype("datetime64[ns]")),
        name=position.name,
        dtype="float64",
    )
