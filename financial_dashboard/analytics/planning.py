"""Savings-goal planning as plain math: months left, required payment, time to target, projection.

Conventions (the README repeats them):

* Months between two dates = whole calendar months (the same day of a later month,
  clamped to that month's last day: 31 Jan + 1 month = 29 Feb 2024) plus the remaining
  days / 30.4375 (the mean month length, 365.25 / 12).
* The monthly rate is the effective equivalent of the yearly one: i = (1 + r)^(1/12) - 1,
  so twelve months of growth compound to exactly r. Percentages are given as 5 for 5 %.
* Contributions are paid at the end of each month (an ordinary annuity):
  FV(n) = S(1 + i)^n + P((1 + i)^n - 1) / i, and FV(n) = S + P·n when i = 0. A fractional
  month counts as that fraction of a period, so FV is continuous in n.
* Money is rounded to the cent and percentages to 2 decimals; a required payment is
  rounded up, so paying exactly that amount reaches the target.
* Withdrawals are not modelled here: the caller passes the savings left after them.
"""

import calendar
import datetime as dt
import math
from decimal import Decimal
from typing import Any

from .numbers import cents, optional_float

MEAN_MONTH_DAYS = 365.25 / 12  # 30.4375
AT_RISK_SHARE = 0.9  # projected 90 % or more of the target (but short of it) is "at risk"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> float:
    """Whole calendar months from ``start`` to ``end`` plus leftover days / 30.4375;
    0 when the dates are equal and negative when ``end`` is earlier."""
    if end < start:
        return -months_between(end, start)
    whole = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, whole) > end:
        whole -= 1
    return whole + (end - _add_months(start, whole)).days / MEAN_MONTH_DAYS


def monthly_rate(annual_return_pct: float | Decimal | None) -> float:
    """The effective monthly rate (1 + r)^(1/12) - 1 of a yearly percentage; 0 when None."""
    if annual_return_pct is None:
        return 0.0
    annual = float(annual_return_pct) / 100
    if annual <= -1:
        raise ValueError("An expected yearly return must be above -100 %.")
    return (1 + annual) ** (1 / 12) - 1


def _no_growth(rate: float) -> bool:
    # Below this the annuity factor ((1 + i)^n - 1) / i loses its digits to cancellation.
    return abs(rate) < 1e-12


def future_value(current: float, monthly: float, rate: float, months: float) -> float:
    """S(1 + i)^n + P((1 + i)^n - 1) / i, or S + P·n without growth (unrounded)."""
    if _no_growth(rate):
        return current + monthly * months
    growth = (1 + rate) ** months
    return current * growth + monthly * (growth - 1) / rate


def required_monthly(
    target: float | Decimal,
    current: float | Decimal,
    months: float,
    annual_return_pct: float | Decimal | None = None,
) -> float | None:
    """The monthly payment P with FV(months) = target, rounded up to the cent; 0 when the
    savings (with growth) already get there; None when no months are left."""
    target, current, months = float(target), float(current), float(months)
    if months <= 0:
        return None
    rate = monthly_rate(annual_return_pct)
    if _no_growth(rate):
        payment = (target - current) / months
    else:
        growth = (1 + rate) ** months
        payment = (target - current * growth) * rate / (growth - 1)
    # Up to the next cent (minus float noise), so that paying it is never a cent short.
    return max(0.0, math.ceil(payment * 100 - 1e-6) / 100)


def months_to_target(
    target: float | Decimal,
    current: float | Decimal,
    monthly: float | Decimal | None,
    annual_return_pct: float | Decimal | None = None,
) -> float | None:
    """Months until FV reaches the target: n = ln((T + P/i) / (S + P/i)) / ln(1 + i), or
    (T - S) / P without growth; 0 when already there; None when it is never reached."""
    target, current, monthly = float(target), float(current), float(monthly or 0)
    if current >= target:
        return 0.0
    rate = monthly_rate(annual_return_pct)
    if _no_growth(rate):
        return round((target - current) / monthly, 2) if monthly > 0 else None
    numerator, denominator = target + monthly / rate, current + monthly / rate
    # A ratio at or below zero, or a negative n, means the balance heads away from the
    # target (or only approaches a ceiling below it), so the target is never reached.
    if denominator == 0 or not numerator / denominator > 0:
        return None
    months = math.log(numerator / denominator) / math.log1p(rate)
    return round(months, 2) if math.isfinite(months) and months >= 0 else None


def project(
    current: float | Decimal,
    monthly: float | Decimal | None,
    annual_return_pct: float | Decimal | None,
    start: dt.date,
    end: dt.date,
) -> list[dict[str, Any]]:
    """Projected balance on ``start``, on the same day of each later month (clamped to the
    month's end) up to ``end``, and on ``end`` itself when it falls between two of them
    (only ``start`` when ``end`` is not later). Balances use ``future_value``."""
    current, monthly = float(current), float(monthly or 0)
    rate = monthly_rate(annual_return_pct)
    points = [{"date": start, "balance": cents(current)}]
    step = 1
    while (day := _add_months(start, step)) <= end:
        points.append({"date": day, "balance": cents(future_value(current, monthly, rate, step))})
        step += 1
    if points[-1]["date"] < end:
        months = months_between(start, end)
        points.append({"date": end, "balance": cents(future_value(current, monthly, rate, months))})
    return points


def _status(current: float, target: float, projected: float | None, overdue: bool) -> str:
    if current >= target:
        return "achieved"
    if overdue:
        return "overdue"
    # Compared to the cent, so paying the (rounded) required amount counts as on track.
    projected = round(projected, 2)
    if projected >= target:
        return "on_track"
    return "at_risk" if projected >= AT_RISK_SHARE * target - 0.005 else "behind"


def goal_plan(
    target: float | Decimal,
    current: float | Decimal,
    target_date: dt.date,
    today: dt.date,
    monthly_contribution: float | Decimal | None = None,
    expected_annual_return_pct: float | Decimal | None = None,
    monthly_income: float | Decimal | None = None,
) -> dict[str, Any]:
    """Where a savings goal stands and what it takes to reach it; see the module conventions.

    ``status``: ``achieved`` (savings ≥ target), ``overdue`` (date passed, not achieved),
    else by the projection at the target date: ``on_track`` (≥ 100 % of the target),
    ``at_risk`` (90-100 %), ``behind`` (< 90 %). The projection grows the savings at the
    expected return (none when not given) with the monthly contribution (none when not
    given). Figures that do not apply are None, with a sentence in ``reasons``.
    """
    target, current = float(target), float(current)
    monthly, income = optional_float(monthly_contribution), optional_float(monthly_income)
    if not target > 0:
        raise ValueError("A goal's target must be positive.")
    rate = monthly_rate(expected_annual_return_pct)
    months = months_between(today, target_date)
    overdue = target_date < today
    reasons: dict[str, str] = {}

    no_time = "the target date has passed" if overdue else "no time is left before the target date"
    achieved = current >= target
    # Once reached, nothing more is needed, whatever the date.
    without_return = 0.0 if achieved else required_monthly(target, current, months)
    with_return = None
    if expected_annual_return_pct is None:
        reasons["required_monthly_with_return"] = "no expected return is set"
    else:
        with_return = 0.0 if achieved else required_monthly(target, current, months, expected_annual_return_pct)
    for key, figure in (("required_monthly", without_return), ("required_monthly_with_return", with_return)):
        if figure is None and key not in reasons:
            reasons[key] = no_time

    needed = with_return if with_return is not None else without_return
    share = None
    if needed is None:
        reasons["required_share_of_income_pct"] = "there is no required monthly amount"
    elif not income or income <= 0:
        reasons["required_share_of_income_pct"] = "the monthly income is not known"
    else:
        share = round(needed * 100 / income, 2)

    to_target = months_to_target(target, current, monthly, expected_annual_return_pct)
    if to_target is None:
        reasons["months_to_target"] = "the target is never reached at the current contribution and return"
    projected = None if overdue else future_value(current, monthly or 0.0, rate, max(months, 0.0))
    if projected is None:
        reasons["projected_at_target_date"] = reasons["projected_pct"] = no_time

    return {
        "progress_pct": round(current * 100 / target, 2),
        "remaining": cents(max(target - current, 0.0)),
        "months_left": round(max(months, 0.0), 2),
        "required_monthly": without_return,
        "required_monthly_with_return": with_return,
        "required_share_of_income_pct": share,
        "months_to_target": to_target,
        "projected_at_target_date": cents(projected),
        "projected_pct": None if projected is None else round(projected * 100 / target, 2),
        "status": _status(current, target, projected, overdue),
        "reasons": reasons,
    }
