"""Figures of a set of holdings on a day: summary, totals, biggest movers, allocation and the value series for charts."""

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .numbers import ONE_DAY, cents, ratio
from .performance import portfolio_series
from .valuation import AssetPosition, value_on


def summarize(positions: Sequence[AssetPosition], as_of: dt.date) -> dict[str, Any]:
    """Invested, value, profit and return of holdings on ``as_of``, and their profit change since the day before.

    Holdings without prices count at cost (and ``unpriced`` says how many); when none of the holdings
    has a price, profit and returns would be a made-up zero, so they are None.
    """
    now = [value_on(p, as_of) for p in positions]
    before = [value_on(p, as_of - ONE_DAY) for p in positions]
    invested = sum(s["invested"] for s in now)
    value = sum(s["value"] for s in now)
    unpriced = sum(1 for s in now if not s["priced"])
    known = not positions or unpriced < len(positions)
    profit = value - invested if known else None
    # Money put in today raises the value but is not a gain: compare profits, not values.
    previous = sum(s["value"] for s in before)
    previous_profit = previous - sum(s["invested"] for s in before)
    return {
        "invested": round(invested, 2),
        "value": round(value, 2),
        "profit": cents(profit),
        "return_pct": cents(ratio(profit * 100, invested)) if profit is not None else None,
        "change_today": cents(profit - previous_profit) if profit is not None and previous else None,
        "holdings": len(positions),
        "unpriced": unpriced,
    }


def total(summaries: list[dict]) -> dict[str, Any]:
    """The sum of several ``summarize`` results, with the return recomputed on the totals."""
    invested = round(sum(s["invested"] for s in summaries), 2)
    profits = [s["profit"] for s in summaries if s["profit"] is not None]
    # Portfolios without any price add their cost to the value but nothing to the profit.
    profit = round(sum(profits), 2) if profits or not summaries else None
    priced_invested = sum(s["invested"] for s in summaries if s["profit"] is not None)
    changes = [s["change_today"] for s in summaries if s["change_today"] is not None]
    return {
        "invested": invested,
        "value": round(sum(s["value"] for s in summaries), 2),
        "profit": profit,
        "return_pct": cents(ratio(profit * 100, priced_invested)) if profit is not None else None,
        "change_today": round(sum(changes), 2) if changes else None,
        "holdings": sum(s["holdings"] for s in summaries),
        "unpriced": sum(s["unpriced"] for s in summaries),
    }


def movers(positions: Sequence[AssetPosition], limit: int = 5) -> list[dict[str, Any]]:
    """Holdings whose last price moved most against the price before it (by absolute %)."""
    moved = []
    for p in positions:
        if len(p.prices) < 2 or p.prices.iloc[-2] <= 0:
            continue
        last, previous = float(p.prices.iloc[-1]), float(p.prices.iloc[-2])
        moved.append(
            {
                "asset_id": p.id,
                "name": p.name,
                "type": p.type,
                "price": last,
                "date": p.prices.index[-1].date(),
                "change_pct": round((last / previous - 1) * 100, 2),
            }
        )
    return sorted(moved, key=lambda m: -abs(m["change_pct"]))[:limit]


def _type_values(states: list[tuple[AssetPosition, dict]]) -> dict[str, float]:
    values: dict[str, float] = {}
    for position, state in states:
        values[position.type] = values.get(position.type, 0.0) + state["value"]
    return values


def _by_type(values: dict[str, float], whole: float) -> list[dict[str, Any]]:
    return [
        {"type": kind, "value": cents(value), "pct": _share(value, whole)}
        for kind, value in sorted(values.items(), key=lambda item: -item[1])
    ]


def _share(value: float, whole: float) -> float | None:
    return round(value * 100 / whole, 2) if whole > 0 else None


def allocation(states: list[tuple[AssetPosition, dict]], whole: float) -> dict[str, list]:
    """Each holding's and each asset type's value and share (%) of ``whole``, largest first.

    ``states`` pairs each holding with its ``value_on`` result; shares are None when ``whole`` is not positive.
    """
    by_asset = [
        {
            "id": p.id,
            "name": p.name,
            "type": p.type,
            "value": cents(s["value"]),
            "pct": _share(s["value"], whole),
            "priced": s["priced"],
        }
        for p, s in sorted(states, key=lambda item: -item[1]["value"])
    ]
    return {"by_asset": by_asset, "by_type": _by_type(_type_values(states), whole)}


def allocation_by_type(positions: Sequence[AssetPosition], as_of: dt.date) -> list[dict[str, Any]]:
    """Each asset type's value on ``as_of`` and share (%) of all the holdings' value, largest first."""
    values = _type_values([(p, value_on(p, as_of)) for p in positions])
    return _by_type(values, sum(values.values()))


# A chart needs no more points than it has pixels: a longer daily series is thinned to one point per week,
# month, quarter or year (the coarsest step a 1900 purchase needs is monthly: 1,524 points to 2026).
MAX_SERIES_POINTS = 2000
SERIES_STEPS = (("1d", None), ("1w", "W-SUN"), ("1mo", "M"), ("3mo", "Q"), ("1y", "Y"))


def thin(frame: pd.DataFrame, max_points: int | None = MAX_SERIES_POINTS) -> tuple[pd.DataFrame, str]:
    """At most ``max_points`` rows of a daily frame for charts, and the step kept ("1d", "1w", "1mo", ...).

    Daily when it fits; otherwise the last day of each week (or month, quarter, year: the first step that
    fits), plus the first day and the days of the highest and lowest ``value``, so that the chart starts,
    ends and peaks where the data does. Figures are computed on the full frame, never on this one.
    """
    if max_points is None or len(frame) <= max_points:
        return frame, "1d"
    for step, freq in SERIES_STEPS[1:]:  # noqa: B007 (used after the loop: the step that fits)
        keep = ~frame.index.to_period(freq).duplicated(keep="last")  # the last day of each period
        keep[0] = True
        values = frame["value"].to_numpy(dtype="float64")
        if np.isfinite(values).any():
            keep[np.nanargmax(values)] = keep[np.nanargmin(values)] = True
        if keep.sum() <= max_points:
            break
    return frame[keep], step


def series_points(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a ``portfolio_series`` frame as {date, value, invested}, money in cents."""
    # Plain floats and round() rather than cents() per value: the checks cost more than the series itself.
    value, invested = (frame[name].to_numpy(dtype="float64").tolist() for name in ("value", "invested"))
    return [
        {"date": day, "value": _cents(v), "invested": _cents(i)}
        for day, v, i in zip(frame.index.date, value, invested, strict=True)
    ]


def _cents(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None


def value_series(
    positions: Sequence[AssetPosition], as_of: dt.date, max_points: int | None = MAX_SERIES_POINTS
) -> tuple[list[dict[str, Any]], str]:
    """Value and invested capital of all holdings together, from the first purchase to ``as_of``, thinned
    for charts (see ``thin``); returns (points, step)."""
    if not positions:
        return [], "1d"
    frame, step = thin(portfolio_series(positions, min(p.purchase_date for p in positions), as_of), max_points)
    return series_points(frame), step
