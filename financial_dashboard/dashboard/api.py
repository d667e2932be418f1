"""GET /api/dashboard: everything the start page shows, in one answer."""

from flask import current_app, g
from marshmallow import fields

from ..auth.tokens import api_login_required
from ..common.openapi import api_doc
from ..common.schemas import BaseSchema
from ..goals.schemas import STATUSES
from ..portfolios.figures_cache import cached_figures
from ..portfolios.positions import Holdings
from ..portfolios.schemas import SERIES_STEP, DailySeries, PortfolioSummarySchema
from . import bp, services


class MoverSchema(BaseSchema):
    asset_id = fields.Integer()
    name = fields.String()
    type = fields.String()
    price = fields.Float()
    date = fields.Date()
    change_pct = fields.Float(metadata={"description": "Last price against the one before it, in %."})


class DashboardSchema(BaseSchema):
    as_of = fields.Date()
    net_worth = fields.Float(
        metadata={"description": "Portfolio values plus savings of goals not funded by a portfolio."}
    )
    portfolio_value = fields.Float()
    goal_savings = fields.Float()
    invested = fields.Float()
    profit = fields.Float(allow_none=True)
    return_pct = fields.Float(allow_none=True)
    profit_today = fields.Float(
        allow_none=True,
        metadata={"description": "Change of profit since yesterday: the change of value minus money put in today."},
    )
    portfolios = fields.List(fields.Nested(PortfolioSummarySchema))
    goals = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Number of goals per status: " + ", ".join(STATUSES) + "."},
    )
    movers = fields.List(fields.Nested(MoverSchema))
    allocation = fields.List(fields.Dict(), metadata={"description": "Value and % of the total by asset type."})
    series = DailySeries(
        metadata={
            "description": "Value and invested capital of all portfolios at each day's close, "
            "thinned to at most 2,000 points (see series_step)."
        }
    )
    series_step = fields.String(metadata={"description": SERIES_STEP})
    notes = fields.List(fields.String())


@bp.get("/api/dashboard")
@api_doc("dashboard", response=DashboardSchema)
@api_login_required
def dashboard():
    """Net worth, invested, profit today and overall, goals by status, and the holdings that moved most.

    Long histories give a thinned `series` (see `series_step`).
    """

    def compute(inputs):
        holdings = Holdings(g.user, inputs)  # loaded once, shared by the goal plans and the figures
        data = services.dashboard(holdings, services.goal_plans(g.user, holdings))
        return current_app.json.response(DashboardSchema().dump(data)).get_data()  # cached as JSON text

    body = cached_figures(g.user, "dashboard", {}, compute)
    return current_app.response_class(body, mimetype="application/json")
