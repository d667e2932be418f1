"""Goal logic, always scoped to one user: CRUD, contributions, and the plan of every goal."""
import decimal

import sqlalchemy as sa

from ..analytics.planning import goal_plan, project
from ..common import clock
from ..common.ownership import apply_changes, first_or_404
from ..errors import BadRequest
from ..extensions import db
from ..portfolios.positions import Holdings
from ..portfolios.services import check_portfolio_id
from .models import Contribution, Goal

MAX_SAVINGS = decimal.Decimal(10**12)  # the NUMERIC(14, 2) column's limit
EDITABLE = ("title", "target_amount", "current_savings", "target_date", "monthly_contribution",
            "expected_annual_return_pct", "portfolio_id")


def goals_of(user):
    return sa.select(Goal).where(Goal.user_id == user.id).order_by(Goal.id)


def get_goal(user, goal_id: int) -> Goal:
    return first_or_404(sa.select(Goal).where(Goal.id == goal_id, Goal.user_id == user.id), "Goal", goal_id)


def create_goal(user, data: dict) -> Goal:
    check_portfolio_id(user, data.get("portfolio_id"))
    goal = Goal(user_id=user.id, **data)
    db.session.add(goal)
    db.session.commit()
    return goal


def update_goal(user, goal: Goal, changes: dict) -> Goal:
    check_portfolio_id(user, changes.get("portfolio_id"))
    apply_changes(goal, changes, EDITABLE)
    db.session.commit()
    return goal


def delete_goal(goal: Goal) -> None:
    db.session.delete(goal)
    db.session.commit()


class Planner:
    """Computes goal plans for one user, valuing their portfolios at most once.

    Pass the request's ``Holdings`` when the caller values the same portfolios too, so they are loaded once;
    without it the planner makes its own, which loads them only if a goal follows a portfolio.
    """

    def __init__(self, user, holdings: Holdings | None = None):
        self.user = user
        self.holdings = Holdings(user) if holdings is None else holdings

    def savings(self, goal: Goal) -> decimal.Decimal:
        if goal.portfolio_id is None:
            return goal.current_savings
        value = self.holdings.summaries.get(goal.portfolio_id, {}).get("value", 0)
        return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))

    def plan(self, goal: Goal) -> dict:
        current = self.savings(goal)
        plan = goal_plan(goal.target_amount, current, goal.target_date, clock.today_utc(), goal.monthly_contribution,
                         goal.expected_annual_return_pct, self.user.monthly_income)
        return {"current_savings": current, **plan}


def contributions_of(goal: Goal):
    return sa.select(Contribution).where(Contribution.goal_id == goal.id).order_by(Contribution.date, Contribution.id)


def get_contribution(goal: Goal, contribution_id: int) -> Contribution:
    select = sa.select(Contribution).where(Contribution.id == contribution_id, Contribution.goal_id == goal.id)
    return first_or_404(select, "Contribution", contribution_id)


def _move_savings(goal: Goal, amount: decimal.Decimal, field="amount"):
    if goal.portfolio_id is not None:
        raise BadRequest("This goal follows its portfolio's value; add money to the portfolio instead.")
    new = goal.current_savings + amount
    if new < 0:
        raise BadRequest("Savings cannot go below zero.", fields={
            field: [f"Only {goal.current_savings} is saved; this would leave {new}."]})
    if new >= MAX_SAVINGS:
        raise BadRequest("Savings would be too large.", fields={field: [f"Savings must stay below {MAX_SAVINGS}."]})
    goal.current_savings = new


def add_contribution(goal: Goal, data: dict) -> Contribution:
    """Record money in (positive) or out (negative) and move the goal's savings with it, atomically."""
    if data["amount"] == 0:
        raise BadRequest("A contribution of zero changes nothing.", fields={"amount": ["Must not be zero."]})
    _move_savings(goal, data["amount"])
    contribution = Contribution(goal_id=goal.id, **data)
    db.session.add(contribution)
    db.session.commit()
    return contribution


def delete_contribution(goal: Goal, contribution: Contribution) -> None:
    """Undo a contribution: its amount leaves the savings again (refused if that would go below zero).

    On a goal that now follows a portfolio the savings are that portfolio's value, so only the record goes.
    """
    if goal.portfolio_id is None:
        _move_savings(goal, -contribution.amount)
    db.session.delete(contribution)
    db.session.commit()


def projection(goal: Goal, planner: Planner) -> dict:
    """Month-by-month projected balance to the target date, beside the contributions made so far."""
    current = planner.savings(goal)
    start = clock.today_utc()
    projected = project(current, goal.monthly_contribution or 0, goal.expected_annual_return_pct, start,
                        max(goal.target_date, start))
    contributions = db.session.scalars(contributions_of(goal)).all()
    # Savings before the first recorded contribution, then after each one, in date order.
    balance = current - sum((c.amount for c in contributions), decimal.Decimal(0))
    actual = []
    for c in contributions:
        balance += c.amount
        actual.append({"date": c.date, "balance": float(balance)})
    return {"goal_id": goal.id, "target_amount": float(goal.target_amount), "target_date": goal.target_date,
            "projected": projected, "contributions": contributions, "actual": actual}
