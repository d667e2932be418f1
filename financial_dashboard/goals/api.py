"""JSON routes for goals under /api/goals: CRUD with the plan, contributions, projection."""

from flask import g

from ..auth.tokens import api_login_required
from ..common.api import created, json_body, paginate
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from . import bp, services
from .schemas import ContributionSchema, GoalSchema, GoalUpdateSchema, ProjectionSchema

goal_schema = GoalSchema()
contribution_schema = ContributionSchema()
PLAN_TEXT = """Every goal read includes its plan: `progress_pct`, `remaining`, `months_left`,
`required_monthly` (to reach the target by the date without growth) and `required_monthly_with_return`
(with the expected return), `required_share_of_income_pct`, `months_to_target` at the current monthly
contribution, `projected_at_target_date` and `status`: `achieved`, `on_track`, `at_risk` (projected
90–100 % of the target by the date), `behind` (below 90 %) or `overdue`. Figures that do not apply are
null with a sentence in `reasons`."""


def _columns(obj):
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def goal_dump(planner):
    """The goal's stored fields and its plan, serialised together in one pass."""
    return lambda goal: goal_schema.dump({**_columns(goal), **planner.plan(goal)})


@bp.get("/api/goals")
@api_doc("goals", query=PageQuerySchema, response=page_schema(GoalSchema), description=PLAN_TEXT)
@api_login_required
def list_goals():
    """List my goals with their plans, oldest first."""
    return paginate(services.goals_of(g.user), goal_dump(services.Planner(g.user)))


@bp.post("/api/goals")
@api_doc("goals", body=GoalSchema, response=GoalSchema, status=201, description=PLAN_TEXT)
@api_login_required
def create_goal():
    """Create a goal."""
    goal = services.create_goal(g.user, json_body(GoalSchema))
    return created(goal_dump(services.Planner(g.user))(goal), "goals.get_goal", goal_id=goal.id)


@bp.get("/api/goals/<int:goal_id>")
@api_doc("goals", response=GoalSchema, errors=(404,), description=PLAN_TEXT)
@api_login_required
def get_goal(goal_id):
    """Read one goal with its plan."""
    return goal_dump(services.Planner(g.user))(services.get_goal(g.user, goal_id))


@bp.patch("/api/goals/<int:goal_id>")
@api_doc("goals", body=GoalUpdateSchema, response=GoalSchema, errors=(404,))
@api_login_required
def update_goal(goal_id):
    """Change some fields of a goal."""
    goal = services.get_goal(g.user, goal_id)
    goal = services.update_goal(g.user, goal, json_body(GoalUpdateSchema, partial=True))
    return goal_dump(services.Planner(g.user))(goal)


@bp.delete("/api/goals/<int:goal_id>")
@api_doc("goals", status=204, errors=(404,))
@api_login_required
def delete_goal(goal_id):
    """Delete a goal with its contributions."""
    services.delete_goal(services.get_goal(g.user, goal_id))
    return "", 204


@bp.get("/api/goals/<int:goal_id>/contributions")
@api_doc("goals", query=PageQuerySchema, response=page_schema(ContributionSchema), errors=(404,))
@api_login_required
def list_contributions(goal_id):
    """List a goal's contributions and withdrawals by date."""
    goal = services.get_goal(g.user, goal_id)
    return paginate(services.contributions_of(goal), contribution_schema.dump)


@bp.post("/api/goals/<int:goal_id>/contributions")
@api_doc("goals", body=ContributionSchema, response=ContributionSchema, status=201, errors=(404,))
@api_login_required
def add_contribution(goal_id):
    """Add money to a goal (positive amount) or withdraw from it (negative; never below zero)."""
    goal = services.get_goal(g.user, goal_id)
    contribution, savings = services.add_contribution(goal, json_body(ContributionSchema))
    body = contribution_schema.dump({**contribution, "current_savings": savings})
    return created(body, "goals.list_contributions", goal_id=goal_id)


@bp.delete("/api/goals/<int:goal_id>/contributions/<int:contribution_id>")
@api_doc("goals", status=204, errors=(404,))
@api_login_required
def delete_contribution(goal_id, contribution_id):
    """Delete a contribution; its amount is taken back out of (or put back into) the savings."""
    goal = services.get_goal(g.user, goal_id)
    services.delete_contribution(goal, services.get_contribution(goal, contribution_id))
    return "", 204


@bp.get("/api/goals/<int:goal_id>/projection")
@api_doc("goals", response=ProjectionSchema, errors=(404,))
@api_login_required
def projection(goal_id):
    """Month-by-month projected balance up to the target date, beside the contributions so far."""
    goal = services.get_goal(g.user, goal_id)
    return ProjectionSchema().dump(services.projection(goal, services.Planner(g.user)))
