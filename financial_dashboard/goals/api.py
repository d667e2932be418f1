"""JSON routes for goals under /api/goals."""
from flask import g

from ..auth.tokens import api_login_required
from ..common.api import created, json_body, paginate
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from . import bp, services
from .schemas import GoalSchema, GoalUpdateSchema

goal_schema = GoalSchema()


@bp.get("/api/goals")
@api_doc("goals", query=PageQuerySchema, response=page_schema(GoalSchema))
@api_login_required
def list_goals():
    """List my goals, oldest first."""
    return paginate(services.goals_of(g.user), goal_schema.dump)


@bp.post("/api/goals")
@api_doc("goals", body=GoalSchema, response=GoalSchema, status=201)
@api_login_required
def create_goal():
    """Create a goal."""
    goal = services.create_goal(g.user, json_body(GoalSchema))
    return created(goal_schema.dump(goal), "goals.get_goal", goal_id=goal.id)


@bp.get("/api/goals/<int:goal_id>")
@api_doc("goals", response=GoalSchema, errors=(404,))
@api_login_required
def get_goal(goal_id):
    """Read one goal."""
    return goal_schema.dump(services.get_goal(g.user, goal_id))


@bp.patch("/api/goals/<int:goal_id>")
@api_doc("goals", body=GoalUpdateSchema, response=GoalSchema, errors=(404,))
@api_login_required
def update_goal(goal_id):
    """Change some fields of a goal."""
    goal = services.get_goal(g.user, goal_id)
    return goal_schema.dump(services.update_goal(goal, json_body(GoalUpdateSchema, partial=True)))


@bp.delete("/api/goals/<int:goal_id>")
@api_doc("goals", status=204, errors=(404,))
@api_login_required
def delete_goal(goal_id):
    """Delete a goal."""
    services.delete_goal(services.get_goal(g.user, goal_id))
    return "", 204
