"""A portfolio's performance report: every figure over a period (see performance.py), with definitions and reasons."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import holdings
from .numbers import ONE_DAY, as_day, cents, finite, pct
from .performance import (
    CALENDAR_DAYS,
    annualize,
    benchmark_return,
    beta_alpha,
    daily_returns,
    max_drawdown,
    portfolio_series,
    sharpe,
    simple_return,
    sortino,
    time_weighted_return,
    volatility,
    xirr_log_growth,
)
from .valuation import AssetPosition, price_series, value_on

DEFINITIONS: dict[str, str] = {
    "days": "Days from the opening of the period (or its first purchase) to the end date, used to annualise.",
    "invested": "The total amount paid for the holdings bought on or before the end date.",
    "value": "What the holdings are worth at the end date's close: units times the last known price.",
    "profit": "Value minus invested.",
    "simple_return_pct": "Profit as a percentage of the amount invested, ignoring when the money went in.",
    "twr_pct": (
        "Time-weighted return: the daily returns of the period chained together, with purchases removed, "
        "so it measures the investments and not the timing of deposits."
    ),
    "twr_annualized_pct": "The time-weighted return expressed per year; only given for periods longer than a year.",
    "irr_pct": (
        "Money-weighted return (XIRR): the yearly rate at which the purchases and the opening value grow "
        "into the end value, so it rewards or punishes the timing of deposits."
    ),
    "irr_period_pct": "The money-weighted yearly rate compounded over the length of the period.",
    "volatility_pct": "The sample standard deviation of the daily returns, scaled to a year by the square root of 365.",
    "max_drawdown_pct": "The largest fall of the time-weighted value index from an earlier peak, zero or below.",
    "sharpe": "Mean daily return above the risk-free rate divided by its standard deviation, scaled to a year.",
    "sortino": (
        "Mean daily return above the risk-free rate divided by the downside deviation (days below the "
        "risk-free rate only), scaled to a year."
    ),
    "allocation": "Each holding's and each asset type's share of the end value.",
    "series": (
        "The portfolio value and the cumulative amount invested at each day's close: every day when the period "
        "has at most 2,000 days, else the last day of each week (or month, quarter, year: see series_step) plus "
        "the first day and the days of the highest and lowest value. Figures always use every day."
    ),
    "series_step": "The spacing of the series: 1d (every day), 1w, 1mo, 3mo or 1y.",
    "unpriced": "Holdings without a usable price, carried at the amount invested.",
    "benchmark.return_pct": "The benchmark's price change over the same period.",
    "benchmark.beta": "How much the portfolio's daily return moves per unit of the benchmark's daily return.",
    "benchmark.alpha_pct": (
        "Jensen's alpha: the portfolio's yearly return above what its beta to the benchmark predicts, "
        "both in excess of the risk-free rate."
    ),
}

TOO_FEW_RETURNS = "needs at least 2 days of returns"


def _ratio(value: float | None) -> float | None:
    # Sharpe, Sortino and beta are small numbers: 4 decimals, where money and percentages keep 2.
    value = finite(value)
    return None if value is None else round(value, 4)


def _benchmark(prices, returns, base, end, risk_free_annual, reasons) -> dict[str, Any]:
    prices = price_series(prices)
    block = {"return_pct": None, "beta": None, "alpha_pct": None}
    if prices.empty:
        for key in block:
            reasons[f"benchmark.{key}"] = "no benchmark prices"
        return block
    block["return_pct"] = pct(benchmark_return(prices, base, end))
    if block["return_pct"] is None:
        reasons["benchmark.return_pct"] = "the benchmark has no price on or before the start of the period"
    # The benchmark's closes, forward-filled onto the portfolio's calendar days, so both
    # return series describe the same days.
    days = pd.date_range(pd.Timestamp(base), pd.Timestamp(end), freq="D")
    at = prices.index.searchsorted(days, side="right") - 1
    closes = pd.Series(np.where(at >= 0, prices.to_numpy()[np.maximum(at, 0)], np.nan), index=days)
    beta, alpha = beta_alpha(returns, closes.pct_change(), risk_free_annual, CALENDAR_DAYS)
    block["beta"], block["alpha_pct"] = _ratio(beta), pct(alpha)
    if beta is None:
        why = "needs at least 2 days of returns shared with a moving benchmark"
        reasons["benchmark.beta"] = reasons["benchmark.alpha_pct"] = why
    return block


def performance_report(
    positions: Sequence[AssetPosition],
    start: dt.date,
    end: dt.date,
    risk_free_annual: float = 0.0,
    benchmark_prices: pd.Series | None = None,
    max_points: int | None = holdings.MAX_SERIES_POINTS,
) -> dict[str, Any]:
    """Every performance figure of a portfolio over [start, end], with ``definitions`` and,
    for each figure that cannot be computed, None plus an entry in ``reasons``.

    ``invested``, ``value``, ``profit`` and ``simple_return_pct`` are totals at the end date
    (all holdings bought by then); TWR, IRR and the risk figures cover the period only.
    Money is rounded to 2 decimals, percentages to 2, ratios (Sharpe, Sortino, beta) to 4.
    Every figure uses the whole daily series; only ``series`` is thinned to ``max_points`` for charts.
    """
    start, end = as_day(start), as_day(end)
    if end < start:
        raise ValueError("The end date must not be before the start date.")
    opening_day = start - ONE_DAY
    frame = portfolio_series(positions, opening_day, end)
    reasons: dict[str, str] = {}
    held = [(p, value_on(p, end)) for p in positions if p.purchase_date <= end]
    value = float(frame["value"].iloc[-1])
    invested = float(frame["invested"].iloc[-1])
    unpriced = [{"id": p.id, "name": p.name, "reason": s["reason"]} for p, s in held if not s["priced"]]

    opening_value = float(frame["value"].iloc[0])
    window = frame.iloc[1:]
    bought_in_window = window.index[window["flow"] > 0]
    if opening_value > 0:
        base = opening_day
    elif len(bought_in_window):
        base = bought_in_window[0].date()
    else:
        base = None
    days = (end - base).days if base is not None else None

    returns = daily_returns(frame["value"], frame["flow"])
    twr = time_weighted_return(frame)
    cashflows = [(opening_day, -opening_value)] if opening_value > 0 else []
    cashflows += [(p.purchase_date, -p.amount_invested) for p in positions if start <= p.purchase_date <= end]
    irr_log = xirr_log_growth(cashflows + [(end, value)])
    irr = None if irr_log is None else finite(np.expm1(irr_log))
    # Drawdown of the time-weighted index, not of the value: a deposit is not a recovery.
    growth = np.cumprod(1 + returns.to_numpy())
    index = pd.Series(np.concatenate([[1.0], growth]) if len(growth) else [], dtype="float64")

    figures: dict[str, Any] = {
        "profit": cents(value - invested),
        "simple_return_pct": pct(simple_return(value, invested)),
        "twr_pct": pct(twr),
        "twr_annualized_pct": pct(annualize(twr, days)),
        "irr_pct": pct(irr),
        "irr_period_pct": pct(np.expm1(irr_log * days / CALENDAR_DAYS)) if irr_log is not None and days else None,
        "volatility_pct": pct(volatility(returns, CALENDAR_DAYS)),
        "max_drawdown_pct": pct(max_drawdown(index)),
        "sharpe": _ratio(sharpe(returns, risk_free_annual, CALENDAR_DAYS)),
        "sortino": _ratio(sortino(returns, risk_free_annual, CALENDAR_DAYS)),
    }
    why_missing = {
        "profit": "no holding has a price",
        "simple_return_pct": "nothing was invested by the end date",
        "twr_pct": "no capital was invested during the period",
        "twr_annualized_pct": "only periods longer than a year are annualised",
        "irr_pct": "no rate equates the purchases and opening value with the end value",
        "irr_period_pct": "there is no money-weighted rate to compound",
        "volatility_pct": TOO_FEW_RETURNS,
        "max_drawdown_pct": "needs at least 1 day of returns",
        "sharpe": TOO_FEW_RETURNS if len(returns) < 2 else "the returns do not vary",
        "sortino": TOO_FEW_RETURNS if len(returns) < 2 else "no day returned less than the risk-free rate",
    }
    if twr is None:
        why_missing["twr_annualized_pct"] = why_missing["twr_pct"]
    if held and len(unpriced) == len(held):
        # Every holding carried at cost: any return computed would be a made-up zero.
        for key in figures:
            figures[key] = None
            why_missing[key] = "no holding has a price"
    for key, figure in figures.items():
        if figure is None:
            reasons[key] = why_missing[key]
    if days is None:
        reasons["days"] = "no capital was invested during the period"

    allocation = holdings.allocation(held, value)
    if not value > 0:
        reasons["allocation"] = "the portfolio is worth nothing at the end date"
    benchmark = None
    if benchmark_prices is not None:
        benchmark = _benchmark(benchmark_prices, returns, base or start, end, risk_free_annual, reasons)

    chart, step = holdings.thin(window, max_points)
    return {
        "start": start,
        "end": end,
        "days": days,
        "invested": cents(invested),
        "value": cents(value),
        **figures,
        "allocation": allocation,
        "series": holdings.series_points(chart),
        "series_step": step,
        "benchmark": benchmark,
        "unpriced": unpriced,
        "definitions": dict(DEFINITIONS),
        "reasons": reasons,
    }
