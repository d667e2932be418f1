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
from typing import Any

import numpy as np
import pandas as pd

from financial_dashboard.analytics.valuation import (
    AssetPosition,
    calendar_days,
    price_series,
    value_on,
    values_on_days,
)

CALENDAR_DAYS = 365
ONE_DAY = dt.timedelta(days=1)

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
    "series": "The portfolio value and the cumulative amount invested at every day's close.",
    "unpriced": "Holdings without a usable price, carried at the amount invested.",
    "benchmark.return_pct": "The benchmark's price change over the same period.",
    "benchmark.beta": "How much the portfolio's daily return moves per unit of the benchmark's daily return.",
    "benchmark.alpha_pct": (
        "Jensen's alpha: the portfolio's yearly return above what its beta to the benchmark predicts, "
        "both in excess of the risk-free rate."
    ),
}

TOO_FEW_RETURNS = "needs at least 2 days of returns"


def _finite(value: Any) -> float | None:
    # JSON has no NaN or inf, and None says "not computable" plainly.
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def portfolio_series(positions: Sequence[AssetPosition], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per calendar day in [start, end]: ``value`` at the close, ``invested`` (cumulative cost of
    holdings bought on or before the day) and ``flow`` (cost of the holdings bought that day)."""
    start, end = _day(start), _day(end)
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
    return _finite((float(value) - float(invested)) / float(invested))


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
    return _finite(np.prod(1 + returns.to_numpy()) - 1)


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

    flows = sorted((_day(day), float(amount)) for day, amount in cashflows if amount)
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
    return None if log_growth is None else _finite(np.expm1(log_growth))


def annualize(total_return: float | None, days: float | None) -> float | None:
    """(1 + r)^(365 / days) - 1 for periods longer than a year; None otherwise, since
    stretching a shorter period to a year would extrapolate rather than measure."""
    if total_return is None or days is None or days <= CALENDAR_DAYS or total_return <= -1:
        return None
    return _finite((1 + total_return) ** (CALENDAR_DAYS / days) - 1)


def volatility(returns: pd.Series, periods_per_year: int = 252) -> float | None:
    """Sample standard deviation of the returns × √periods_per_year, as a fraction."""
    returns = returns.dropna()
    if len(returns) < 2:
        return None
    return _finite(returns.std(ddof=1) * math.sqrt(periods_per_year))


def max_drawdown(values: pd.Series) -> float | None:
    """The lowest value / running peak - 1 (a fraction, zero or below); None when empty."""
    values = values.dropna().astype("float64")
    # Leading zeros are days before anything was bought, not a loss.
    positive = np.flatnonzero(values.to_numpy() > 0)
    if not len(positive):
        return None
    values = values.iloc[positive[0]:]
    return _finite((values / values.cummax() - 1).min())


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
    return _finite(excess.mean() / spread * math.sqrt(periods_per_year))


def sortino(returns: pd.Series, risk_free_annual: float = 0.0, periods_per_year: int = 252) -> float | None:
    """mean(r - rf) / downside deviation × √periods_per_year, where the downside deviation is
    √(mean over all periods of min(0, r - rf)²); None without any period below rf."""
    excess = returns.dropna() - _per_period(risk_free_annual, periods_per_year)
    if len(excess) < 2:
        return None
    downside = math.sqrt((np.minimum(excess.to_numpy(), 0.0) ** 2).mean())
    if not downside > 1e-15:
        return None
    return _finite(excess.mean() / downside * math.sqrt(periods_per_year))


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
    return _finite(beta), _finite(alpha)


def benchmark_return(prices: pd.Series, start: dt.date, end: dt.date) -> float | None:
    """Last close on or before ``end`` / last close on or before ``start`` - 1, as a fraction.

    None when the benchmark has no close on or before ``start``: a later first close would
    compare a shorter period than the portfolio's.
    """
    prices = price_series(prices)
    if prices.empty:
        return None
    at_start = int(prices.index.searchsorted(pd.Timestamp(_day(start)), side="right")) - 1
    at_end = int(prices.index.searchsorted(pd.Timestamp(_day(end)), side="right")) - 1
    if at_start < 0 or at_end < 0:
        return None
    base = float(prices.iloc[at_start])
    return _finite(float(prices.iloc[at_end]) / base - 1) if base > 0 else None

def _money(value: float | None) -> float | None:
    value = _finite(value)
    return None if value is None else round(value, 2)


def _pct(fraction: float | None) -> float | None:
    fraction = _finite(fraction)
    return None if fraction is None else round(fraction * 100, 2)


def _ratio(value: float | None) -> float | None:
    value = _finite(value)
    return None if value is None else round(value, 4)


def _allocation(states: list[tuple[AssetPosition, dict]], total: float) -> dict[str, list]:
    def share(value: float) -> float | None:
        return round(value * 100 / total, 2) if total > 0 else None

    by_asset = [
        {"id": p.id, "name": p.name, "type": p.type, "value": _money(s["value"]),
         "pct": share(s["value"]), "priced": s["priced"]}
        for p, s in sorted(states, key=lambda item: -item[1]["value"])
    ]
    totals: dict[str, float] = {}
    for position, state in states:
        totals[position.type] = totals.get(position.type, 0.0) + state["value"]
    by_type = [
        {"type": kind, "value": _money(value), "pct": share(value)}
        for kind, value in sorted(totals.items(), key=lambda item: -item[1])
    ]
    return {"by_asset": by_asset, "by_type": by_type}


def _benchmark(prices, returns, base, end, risk_free_annual, reasons) -> dict[str, Any]:
    prices = price_series(prices)
    block = {"return_pct": None, "beta": None, "alpha_pct": None}
    if prices.empty:
        for key in block:
            reasons[f"benchmark.{key}"] = "no benchmark prices"
        return block
    block["return_pct"] = _pct(benchmark_return(prices, base, end))
    if block["return_pct"] is None:
        reasons["benchmark.return_pct"] = "the benchmark has no price on or before the start of the period"
    # The benchmark's closes, forward-filled onto the portfolio's calendar days, so both
    # return series describe the same days.
    days = pd.date_range(pd.Timestamp(base), pd.Timestamp(end), freq="D")
    at = prices.index.searchsorted(days, side="right") - 1
    closes = pd.Series(np.where(at >= 0, prices.to_numpy()[np.maximum(at, 0)], np.nan), index=days)
    beta, alpha = beta_alpha(returns, closes.pct_change(), risk_free_annual, CALENDAR_DAYS)
    block["beta"], block["alpha_pct"] = _ratio(beta), _pct(alpha)
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
) -> dict[str, Any]:
    """Every performance figure of a portfolio over [start, end], with ``definitions`` and,
    for each figure that cannot be computed, None plus an entry in ``reasons``.

    ``invested``, ``value``, ``profit`` and ``simple_return_pct`` are totals at the end date
    (all holdings bought by then); TWR, IRR and the risk figures cover the period only.
    Money is rounded to 2 decimals, percentages to 2, ratios (Sharpe, Sortino, beta) to 4.
    """
    start, end = _day(start), _day(end)
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
    irr = None if irr_log is None else _finite(np.expm1(irr_log))
    # Drawdown of the time-weighted index, not of the value: a deposit is not a recovery.
    growth = np.cumprod(1 + returns.to_numpy())
    index = pd.Series(np.concatenate([[1.0], growth]) if len(growth) else [], dtype="float64")

    figures: dict[str, Any] = {
        "profit": _money(value - invested),
        "simple_return_pct": _pct(simple_return(value, invested)),
        "twr_pct": _pct(twr),
        "twr_annualized_pct": _pct(annualize(twr, days)),
        "irr_pct": _pct(irr),
        "irr_period_pct": _pct(np.expm1(irr_log * days / CALENDAR_DAYS)) if irr_log is not None and days else None,
        "volatility_pct": _pct(volatility(returns, CALENDAR_DAYS)),
        "max_drawdown_pct": _pct(max_drawdown(index)),
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

    allocation = _allocation(held, value)
    if not value > 0:
        reasons["allocation"] = "the portfolio is worth nothing at the end date"
    benchmark = None
    if benchmark_prices is not None:
        benchmark = _benchmark(benchmark_prices, returns, base or start, end, risk_free_annual, reasons)

    return {
        "start": start,
        "end": end,
        "days": days,
        "invested": _money(invested),
        "value": _money(value),
        **figures,
        "allocation": allocation,
        "series": [
            {"date": day.date(), "value": _money(row.value), "invested": _money(row.invested)}
            for day, row in zip(window.index, window.itertuples(index=False))
        ],
        "benchmark": benchmark,
        "unpriced": unpriced,
        "definitions": dict(DEFINITIONS),
        "reasons": reasons,
    }
