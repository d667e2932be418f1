"""The start page's figures: net worth, profit today and overall, goals by status, movers, allocation, value series."""

import decimal

from ..analytics.holdings import allocation_by_type, movers, total, value_series
from ..common import clock
from ..extensions import db
from ..goals import services as goals
from ..goals.models import Goal
from ..goals.schemas import STATUSES
from ..portfolios.positions import Holdings


def goal_plans(user, holdings: Holdings) -> list[tuple[Goal, dict]]:
    """Each of the user's goals with its plan, planned once for both the statuses and the page's goal rows."""
    planner = goals.Planner(user, holdings)
    return [(goal, planner.plan(goal)) for goal in db.session.scalars(goals.goals_of(user))]


def dashboard(holdings: Holdings, plans: list[tuple[Goal, dict]]) -> dict:
    """Net worth, invested, profit today and overall, goal counts by status, the biggest movers.

    ``holdings`` and ``plans`` (from ``goal_plans``) come from the caller, which makes them once per request.
    """
    statuses = dict.fromkeys(STATUSES, 0)
    cash = decimal.Decimal(0)
    for goal, plan in plans:
        statuses[plan["status"]] += 1
        if goal.portfolio_id is None:
            cash += goal.current_savings
    today = clock.today_utc()
    items = list(holdings.summaries.values())
    totals = total(items)
    everything = holdings.all_positions()
    series, step = value_series(everything, today)
    return {
        "as_of": today,
        "net_worth": round(totals["value"] + float(cash), 2),
        "portfolio_value": totals["value"],
        "goal_savings": round(float(cash), 2),
        "invested": totals["invested"],
        "profit": totals["profit"],
        "return_pct": totals["return_pct"],
        "profit_today": totals["change_today"],
        "portfolios": items,
        "goals": statuses,
        "movers": movers(everything),
        "allocation": allocation_by_type(everything, today),
        "series": series,
        "series_step": step,
        "notes": holdings.notes,
    }
