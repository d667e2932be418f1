"""Goal logic, always scoped to one user: CRUD, contributions, and the plan of every goal.

Savings move only through one conditional ``UPDATE`` (see ``_move_savings``), so parallel contributions
cannot lose each other nor overdraw; each write locks the goal's row before anything else it touches
(common/transactions.py).
"""

import decimal

import sqlalchemy as sa

from ..analytics.planning import goal_plan, project
from ..common import clock
from ..common.ownership import apply_changes, first_or_404
from ..common.transactions import writing
from ..errors import BadRequest, Conflict, NotFound
from ..extensions import db
from ..portfolios.positions import Holdings
from ..portfolios.services import check_portfolio_id, unknown_portfolio
from .models import Contribution, Goal

MAX_SAVINGS = decimal.Decimal(10**12)  # the NUMERIC(14, 2) column's limit
EDITABLE = (
    "title",
    "target_amount",
    "current_savings",
    "target_date",
    "monthly_contribution",
    "expected_annual_return_pct",
    "portfolio_id",
)


def goals_of(user):
    return sa.select(Goal).where(Goal.user_id == user.id).order_by(Goal.id)


def get_goal(user, goal_id: int) -> Goal:
    return first_or_404(sa.select(Goal).where(Goal.id == goal_id, Goal.user_id == user.id), "Goal", goal_id)


def _missing(goal_id) -> NotFound:
    return NotFound(f"Goal {goal_id} does not exist.")


def create_goal(user, data: dict) -> Goal:
    with writing(orphan=unknown_portfolio(data.get("portfolio_id"))):
        check_portfolio_id(user, data.get("portfolio_id"))  # locked: it cannot be deleted before the commit
        goal = Goal(user_id=user.id, **data)
        db.session.add(goal)
    return goal


def update_goal(user, goal: Goal, changes: dict) -> Goal:
    """Change only the given fields (the UPDATE names no others, so parallel changes of other fields,
    contributions included, are kept); a goal deleted meanwhile is a 404."""
    with writing(gone=_missing(goal.id), orphan=unknown_portfolio(changes.get("portfolio_id"))):
        check_portfolio_id(user, changes.get("portfolio_id"))
        apply_changes(goal, changes, EDITABLE)
    return goal


def delete_goal(goal: Goal) -> None:
    """Delete the goal; the database cascades to its contributions. Already gone: 404."""
    goal_id = goal.id
    with writing():
        if db.session.execute(sa.delete(Goal).where(Goal.id == goal_id)).rowcount == 0:
            raise _missing(goal_id)


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
        plan = goal_plan(
            goal.target_amount,
            current,
            goal.target_date,
            clock.today_utc(),
            goal.monthly_contribution,
            goal.expected_annual_return_pct,
            self.user.monthly_income,
        )
        return {"current_savings": current, **plan}


def contributions_of(goal: Goal):
    return sa.select(Contribution).where(Contribution.goal_id == goal.id).order_by(Contribution.date, Contribution.id)


def get_contribution(goal: Goal, contribution_id: int) -> Contribution:
    select = sa.select(Contribution).where(Contribution.id == contribution_id, Contribution.goal_id == goal.id)
    return first_or_404(select, "Contribution", contribution_id)


def _move_savings(goal_id: int, amount: decimal.Decimal, field="amount") -> decimal.Decimal:
    """Add ``amount`` to the goal's savings and return the new balance, in one statement that also holds
    the rules (not funded by a portfolio, never below zero, within the column).

    On PostgreSQL the UPDATE waits for any parallel one on the same row and then re-checks its condition
    against the balance that one left, so no change is lost and no withdrawal overdraws. ROUND keeps SQLite
    (which adds floats) on whole cents. When the condition fails, the row is read to say which rule
    refused; should it allow the change by then (a deposit landed in between), the UPDATE is tried again.
    """
    new = sa.func.round(Goal.current_savings + amount, 2)
    for _ in range(3):
        savings = db.session.scalar(
            sa.update(Goal)
            .where(Goal.id == goal_id, Goal.portfolio_id.is_(None), new >= 0, new < MAX_SAVINGS)
            .values(current_savings=new)
            .returning(Goal.current_savings)
            .execution_options(synchronize_session=False)
        )
        if savings is not None:
            return savings
        row = db.session.execute(
            sa.select(Goal.current_savings, Goal.portfolio_id).where(Goal.id == goal_id)
        ).one_or_none()
        if row is None:
            raise _missing(goal_id)
        if row.portfolio_id is not None:
            raise BadRequest("This goal follows its portfolio's value; add money to the portfolio instead.")
        after = row.current_savings + amount
        if after < 0:
            raise BadRequest(
                "Savings cannot go below zero.",
                fields={field: [f"Only {row.current_savings} is saved; this would leave {after}."]},
            )
        if after >= MAX_SAVINGS:
            raise BadRequest("Savings would be too large.", fields={field: [f"Savings must stay below {MAX_SAVINGS}."]})
    raise Conflict("The savings kept changing while this was recorded; try again.")


def add_contribution(goal: Goal, data: dict) -> tuple[dict, decimal.Decimal]:
    """Record money in (positive) or out (negative) and move the goal's savings with it, atomically.

    Returns the stored contribution (a dict of its columns) and the savings right after it.
    """
    if data["amount"] == 0:
        raise BadRequest("A contribution of zero changes nothing.", fields={"amount": ["Must not be zero."]})
    goal_id = goal.id
    with writing(orphan=_missing(goal_id)):
        savings = _move_savings(goal_id, data["amount"])  # locks the goal's row: it cannot vanish now
        contribution = (
            db.session.execute(
                sa.insert(Contribution.__table__).values(goal_id=goal_id, **data).returning(*Contribution.__table__.c)
            )
            .mappings()
            .one()
        )
    return dict(contribution), savings


def delete_contribution(goal: Goal, contribution: Contribution) -> None:
    """Undo a contribution: its amount leaves the savings again (refused if that would go below zero).

    On a goal that now follows a portfolio the savings are that portfolio's value, so only the record goes.
    The goal's row is locked first, as every other write to it does, so that undoing races neither a
    deletion of the goal (no deadlock) nor another change of its savings.
    """
    goal_id, contribution_id = goal.id, contribution.id
    with writing():
        funded = db.session.execute(
            sa.select(Goal.portfolio_id).where(Goal.id == goal_id).with_for_update()
        ).one_or_none()
        if funded is None:
            raise _missing(goal_id)
        amount = db.session.scalar(
            sa.delete(Contribution)
            .where(Contribution.id == contribution_id, Contribution.goal_id == goal_id)
            .returning(Contribution.amount)
            .execution_options(synchronize_session=False)
        )
        if amount is None:
            raise NotFound(f"Contribution {contribution_id} does not exist.")
        if funded.portfolio_id is None:
            _move_savings(goal_id, -amount)


def projection(goal: Goal, planner: Planner) -> dict:
    """Month-by-month projected balance to the target date, beside the contributions made so far."""
    current = planner.savings(goal)
    start = clock.today_utc()
    projected = project(
        current, goal.monthly_contribution or 0, goal.expected_annual_return_pct, start, max(goal.target_date, start)
    )
    contributions = db.session.scalars(contributions_of(goal)).all()
    # Savings before the first recorded contribution, then after each one, in date order.
    balance = current - sum((c.amount for c in contributions), decimal.Decimal(0))
    actual = []
    for c in contributions:
        balance += c.amount
        actual.append({"date": c.date, "balance": float(balance)})
    return {
        "goal_id": goal.id,
        "target_amount": float(goal.target_amount),
        "target_date": goal.target_date,
        "projected": projected,
        "contributions": contributions,
        "actual": actual,
    }
