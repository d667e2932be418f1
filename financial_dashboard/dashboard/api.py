"""GET /api/dashboard: everything the start page shows, in one answer."""
import decimal

from flask import g
from marshmallow import fields

from ..auth.tokens import api_login_required
from ..common.openapi import api_doc
from ..common.schemas import BaseSchema
from ..extensions import db
from ..goals import services as goals
from ..goals.schemas import STATUSES
from ..portfolios import valuation
from ..portfolios.schemas import PortfolioSummarySchema
from . import bp


class MoverSchema(BaseSchema):
    asset_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    price = fields.Float()
    date = fields.Date()
    change_pct = fields.Float(metadata={"description": "Last price against the one before it, in %."})


class DashboardSchema(BaseSchema):
    as_of = fields.Date()
    net_worth = fields.Float(metadata={"description": "Portfolio values plus savings of goals not funded by a portfolio."})
    portfolio_value = fields.Float()
    goal_savings = fields.Float()
    invested = fields.Float()
    profit = fields.Float(allow_none=True)
    return_pct = fields.Float(allow_none=True)
    profit_today = fields.Float(allow_none=True, metadata={
        "description": "Change of profit since yesterday: the change of value minus money put in today."})
    portfolios = fields.List(fields.Nested(PortfolioSummarySchema))
    goals = fields.Dict(keys=fields.String(), values=fields.Integer(),
                        metadata={"description": "Number of goals per status: " + ", ".join(STATUSES) + "."})
    movers = fields.List(fields.Nested(MoverSchema))
    allocation = fields.List(fields.Dict(), metadata={"description": "Value and % of the total by asset type."})
    series = fields.List(fields.Dict(), metadata={"description": "Daily value and invested capital, all portfolios."})
    notes = fields.List(fields.String())


def dashboard_data(user) -> dict:
    """Shared by the API and the start page."""
    planner = goals.Planner(user)
    statuses = dict.fromkeys(STATUSES, 0)
    cash = decimal.Decimal(0)
    for goal in db.session.scalars(goals.goals_of(user)):
        statuses[planner.plan(goal)["status"]] += 1
        if goal.portfolio_id is None:
            cash += goal.current_savings
    return valuation.dashboard(user, statuses, cash)


@bp.get("/api/dashboard")
@api_doc("dashboard", response=DashboardSchema)
@api_login_required
def dashboard():
    """Net worth, invested, profit today and overall, goals by status, and the holdings that moved most."""
    return DashboardSchema().dump(dashboard_data(g.user))
