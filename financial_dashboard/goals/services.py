"""Goal logic, always scoped to one user."""
import sqlalchemy as sa

from ..common.ownership import apply_changes, first_or_404
from ..extensions import db
from .models import Goal

EDITABLE = ("title", "target_amount", "current_savings", "target_date")


def goals_of(user):
    return sa.select(Goal).where(Goal.user_id == user.id).order_by(Goal.id)


def get_goal(user, goal_id: int) -> Goal:
    return first_or_404(sa.select(Goal).where(Goal.id == goal_id, Goal.user_id == user.id), "Goal", goal_id)


def create_goal(user, data: dict) -> Goal:
    goal = Goal(user_id=user.id, **data)
    db.session.add(goal)
    db.session.commit()
    return goal


def update_goal(goal: Goal, changes: dict) -> Goal:
    apply_changes(goal, changes, EDITABLE)
    db.session.commit()
    return goal


def delete_goal(goal: Goal) -> None:
    db.session.delete(goal)
    db.session.commit()
