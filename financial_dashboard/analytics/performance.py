"""Portfolio performance as plain math: value series, simple, time- and money-weighted returns, risk.

Conventions (the README repeats them):

* Days are calendar days; a day's value is at its close with forward-filled prices.
* A purchase is a cash flow at the close of its purchase date (units are bought at that
  day's price), so it earns nothing that day: r_t = (V_t - F_t) / V_{t-1} - 1. When the
  portfolio was empty the day before, the flow itself is the base: r_t = V_t / F_t - 1.
* A period [start, end] runs from the close of the day before ``start`` to the close of
  ``end``; what was held then is the opening value.
* Risk figures use these flow-adjusted daily returns (buying more is not a gain) over
  calendar days, hence 365 periods a year: weekend zeros and a 365 scale give the same
  annual volatility as trading days and a 252 scale, and fit crypto and stocks alike.
* Rates (``risk_free_annual``) are fractions: 0.03 is 3 %. Report figures ending in
  ``_pct`` are percentages.
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .numbers import as_day, finite
from .valuation import AssetPosition, calendar_days, price_series, values_on_days

CALENDAR_DAYS = 365


def portfolio_series(positions: Sequence[AssetPosition], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per calendar day in [start, end]: ``value`` at the close, ``invested`` (cumulative cost of
    holdings bought on or before the day) and ``flow`` (cost of the holdings bought that day)."""
    start, end = as_day(start), as_day(end)
    if end < start:
        raise ValueError("The end date must not be before the start date.")
    day_numbers = calendar_days(start, end)
    days = pd.DatetimeIndex(day_numbers.astype("datetime64[ns]"))
    value = np.zeros(len(days))
    for position in positions:
        value += values_on_days(position, day_numbers)
    bought_on = np.array([p.purchase_date for p in positions], dtype="datetime64[D]")
    order = np.argsort(bought_on, kind="stable")
    bought_on = bought_on[order]
    running = np.concatenate([[0.0], np.cumsum([positions[i].amount_invested for i in order])])
    # Cost of everything bought on or before each day, and of what was bought that very day;
    # holdings bought before the window count as invested from its first day.
    invested = running[np.searchsorted(bought_on, day_numbers, side="right")]
    flow = invested - running[np.searchsorted(bought_on, day_numbers, side="left")]
    return pd.DataFrame({"value": value, "invested": invested, "flow": flow}, index=days)


def simple_return(value: float, invested: float) -> float | None:
    """(value - invested) / invested, as a fraction; None when nothing was invested."""
    if not invested:
        return None
    return finite((float(value) - float(invested)) / float(invested))


def daily_returns(values: pd.Series, flows: pd.Series | None = None) -> pd.Series:
    """Flow-adjusted daily returns as fractions, one per row after the first (the opening row).

    r_t = (V_t - F_t) / V_{t-1} - 1 when V_{t-1} > 0; r_t = V_t / F_t - 1 when the portfolio
    was empty and money came in; days with nothing held and nothing bought are left out.
    """
    values = values.astype("float64")
    flows = pd.Series(0.0, index=values.index) if flows is None else flows.astype("float64")
    previous = values.shift(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        held = (values - flows) / previous - 1
        entered = values / flows - 1
    returns = held.where(previous > 0, entered.where((previous <= 0) & (flows > 0)))
    returns = returns.iloc[1:]
    return returns[np.isfinite(returns)]


def time_weighted_return(frame: pd.DataFrame) -> float | None:
    """Π(1 + r_t) - 1 over the flow-adjusted daily returns of a ``portfolio_series`` frame.

    The first row is the opening position: the chain starts from its value and its flow
    is not a return. None when no day had capital to earn a return.
    """
    returns = daily_returns(frame["value"], frame["flow"])
    if returns.empty:
        return None
    return finite(np.prod(1 + returns.to_numpy()) - 1)


def _scaled_npv(span_growth: np.ndarray, shares: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    # Scaling a row's terms by one positive factor keeps its sign and root while avoiding
    # overflow for extreme rates.
    exponents = -np.outer(np.atleast_1d(span_growth), shares)
    exponents -= exponents.max(axis=1, keepdims=True)
    return (amounts * np.exp(exponents)).sum(axis=1)


def xirr_log_growth(cashflows: Iterable[tuple[dt.date, float]]) -> float | None:
    """ln(1 + r) of the XIRR rate r (see ``xirr``), kept in log form so that the rate over
    any other span, (1 + r)^(days / 365) - 1 = expm1(x · days / 365), stays exact even when
    a few days' loss makes the yearly rate round to -100 %."""
    # scipy.optimize takes a third of a second to import: load it only when a rate is solved for.
    from scipy.optimize import brentq

    flows = sorted((as_day(day), float(amount)) for day, amount in cashflows if amount)
    if not (any(a < 0 for _, a in flows) and any(a > 0 for _, a in flows)):
        return None
    first = flows[0][0]
    span = (flows[-1][0] - first).days
    if not span:
        return None
    # Solved for y = ln(growth over the whole span) with times as shares of the span, so
    # the search range does not depend on the period's length: e^±30 covers any growth.
    shares = np.array([(day - first).days / span for day, _ in flows])
    amounts = np.array([amount for _, amount in flows])

    def npv(span_growth: float) -> float:
        return float(_scaled_npv(span_growth, shares, amounts)[0])

    # Steps of 0.05 in y bracket every root unless two lie within one step, which takes
    # flows that change sign more than once and nearly cancel.
    grid = np.linspace(-30.0, 30.0, 1201)
    signs = np.sign(_scaled_npv(grid, shares, amounts))
    candidates = [float(grid[i]) for i in np.flatnonzero(signs == 0)]
    for i in np.flatnonzero(signs[:-1] * signs[1:] < 0):
        candidates.append(brentq(npv, grid[i], grid[i + 1], xtol=1e-15, rtol=1e-15, maxiter=200))
    if not candidates:
        return None
    return min(candidates, key=abs) * CALENDAR_DAYS / span


def xirr(cashflows: Iterable[tuple[dt.date, float]]) -> float | None:
    """The yearly rate r with Σ cf_i / (1 + r)^(days_i / 365) = 0 (actual/365 from the first flow).

    Negative amounts are money in (purchases), positive ones money out (the end value).
    None without both signs, with all flows on one day, or when no growth between e^-30
    and e^30 over the whole span solves it. With several roots (flows changing sign more
    than once) the one closest to 0 % is returned. Found with ``scipy.optimize.brentq``.
    """
    log_growth = xirr_log_growth(cashflows)
    return None if log_growth is None else finite(np.expm1(log_growth))


def annualize(total_return: float | None, days: float | None) -> float | None:
    """(1 + r)^(365 / days) - 1 for periods longer than a year; None otherwise, since
    stretching a shorter period to a year would extrapolate rather than measure."""
    if total_return is None or days is None or days <= CALENDAR_DAYS or total_return <= -1:
        return None
    return finite((1 + total_return) ** (CALENDAR_DAYS / days) - 1)


def volatility(returns: pd.Series, periods_per_year: int = 252) -> float | None:
    """Sample standard deviation of the returns × √periods_per_year, as a fraction."""
    returns = returns.dropna()
    if len(returns) < 2:
        return None
    return finite(returns.std(ddof=1) * math.sqrt(periods_per_year))


def max_drawdown(values: pd.Series) -> float | None:
    """The lowest value / running peak - 1 (a fraction, zero or below); None when empty."""
    values = values.dropna().astype("float64")
    # Leading zeros are days before anything was bought, not a loss.
    positive = np.flatnonzero(values.to_numpy() > 0)
    if not len(positive):
        return None
    values = values.iloc[positive[0] :]
    return finite((values / values.cummax() - 1).min())


def _per_period(rate_annual: float, periods_per_year: int) -> float:
    return (1 + rate_annual) ** (1 / periods_per_year) - 1


def sharpe(returns: pd.Series, risk_free_annual: float = 0.0, periods_per_year: int = 252) -> float | None:
    """mean(r - rf) / std(r - rf) × √periods_per_year; rf is the per-period compound equivalent."""
    excess = returns.dropna() - _per_period(risk_free_annual, periods_per_year)
    if len(excess) < 2:
        return None
    spread = excess.std(ddof=1)
    # Flat returns have no risk to divide by; a huge ratio from float noise would mislead.
    if not spread > 1e-15:
        return None
    return finite(excess.mean() / spread * math.sqrt(periods_per_year))


def sortino(returns: pd.Series, risk_free_annual: float = 0.0, periods_per_year: int = 252) -> float | None:
    """mean(r - rf) / downside deviation × √periods_per_year, where the downside deviation is
    √(mean over all periods of min(0, r - rf)²); None without any period below rf."""
    excess = returns.dropna() - _per_period(risk_free_annual, periods_per_year)
    if len(excess) < 2:
        return None
    downside = math.sqrt((np.minimum(excess.to_numpy(), 0.0) ** 2).mean())
    if not downside > 1e-15:
        return None
    return finite(excess.mean() / downside * math.sqrt(periods_per_year))


def beta_alpha(
    portfolio_returns: pd.Series,
    benchmark_returns: pd.Series,
    risk_free_annual: float = 0.0,
    periods_per_year: int = 252,
) -> tuple[float | None, float | None]:
    """(beta, Jensen's alpha per year) on the dates both series share.

    beta = cov(p, b) / var(b); alpha = [mean(p - rf) - beta × mean(b - rf)] × periods_per_year
    (arithmetic annualisation, the usual one for a regression intercept).
    """
    both = pd.concat([portfolio_returns, benchmark_returns], axis=1, join="inner").dropna()
    if len(both) < 2:
        return None, None
    p, b = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    variance = b.var(ddof=1)
    if not variance > 1e-18:
        return None, None
    beta = float(np.cov(p, b, ddof=1)[0, 1] / variance)
    rf = _per_period(risk_free_annual, periods_per_year)
    alpha = ((p - rf).mean() - beta * (b - rf).mean()) * periods_per_year
    return finite(beta), finite(alpha)


def benchmark_return(prices: pd.Series, start: dt.date, end: dt.date) -> float | None:
    """Last close on or before ``end`` / last close on or before ``start`` - 1, as a fraction.

    None when the benchmark has no close on or before ``start``: a later first close would
    compare a shorter period than the portfolio's.
    """
    prices = price_series(prices)
    if prices.empty:
        return None
    at_start = int(prices.index.searchsorted(pd.Timestamp(as_day(start)), side="right")) - 1
    at_end = int(prices.index.searchsorted(pd.Timestamp(as_day(end)), side="right")) - 1
    if at_start < 0 or at_end < 0:
        return None
    base = float(prices.iloc[at_start])
    return finite(float(prices.iloc[at_end]) / base - 1) if base > 0 else None
