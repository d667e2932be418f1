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

NO_PRICES = "no prices"
NOT_YET_PRICED = "no price on or before this day"
NOT_YET_BOUGHT = "before the purchase date"
BAD_PURCHASE_PRICE = "the purchase price is not positive"


def _day(value: Any) -> dt.date:
    # Timestamps and datetimes are also dates; compare by calendar day only.
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def price_series(series: pd.Series | None) -> pd.Series:
    """A float Series on a sorted, tz-naive, midnight DatetimeIndex with NaNs dropped."""
    if series is None or len(series) == 0:
        return pd.Series([], index=pd.DatetimeIndex([]), dtype="float64")
    # Database rows arrive as Decimals (object dtype) and dates; normalise once here so
    # every look-up below can use a fast searchsorted on an ordered index.
    index = pd.DatetimeIndex(pd.to_datetime(series.index))
    if index.tz is not None:
        index = index.tz_localize(None)
    clean = pd.Series(pd.to_numeric(series.to_numpy(), errors="coerce"), index=index.normalize())
    clean = clean.astype("float64").dropna()
    if not clean.index.is_monotonic_increasing:
        clean = clean.sort_index(kind="stable")
    return clean


@dataclass
class AssetPosition:
    """One holding: what was bought, when, for how much, and its price and split history."""

    id: Any
    name: str
    type: str
    quantity: float | None
    amount_invested: float
    purchase_date: dt.date
    prices: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    splits: pd.Series | None = None

    def __post_init__(self) -> None:
        self.quantity = None if self.quantity is None else float(self.quantity)
        self.amount_invested = float(self.amount_invested)
        self.purchase_date = _day(self.purchase_date)
        self.prices = price_series(self.prices)
        self.splits = price_series(self.splits)


def split_factor(splits: pd.Series | None, after: dt.date) -> float:
    """The product of the split ratios dated strictly after ``after`` (4.0 = 4-for-1)."""
    splits = price_series(splits)
    ratios = splits[splits.index > pd.Timestamp(_day(after))]
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
    return_pct = profit * 100 / invested if profit is not None and invested else None
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
    day = _day(day)
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


def current_value(position: AssetPosition, as_of: dt.date) -> dict[str, Any]:
    """``value_on`` for the "now" of a page or API answer; ``as_of`` is passed in to keep it pure."""
    return value_on(position, as_of)


def daily_values(position: AssetPosition, start: dt.date, end: dt.date) -> pd.Series:
    """The value at every calendar day's close in [start, end]: forward-filled prices,
    0 before the purchase date, the amount invested on days without a known price."""
    days = pd.date_range(pd.Timestamp(_day(start)), pd.Timestamp(_day(end)), freq="D")
    held, _ = units(position)
    values = np.full(len(days), position.amount_invested, dtype="float64")
    prices = position.prices
    if held is not None and not prices.empty:
        # One vectorised "last price on or before" for all days: a portfolio of 50 assets
        # over years must stay well inside the API's time budget.
        at = prices.index.searchsorted(days, side="right") - 1
        known = at >= 0
        values[known] = held * prices.to_numpy()[at[known]]
        values[~np.isfinite(values)] = position.amount_invested
    values[days < pd.Timestamp(position.purchase_date)] = 0.0
    return pd.Series(values, index=days, name=position.name, dtype="float64")
