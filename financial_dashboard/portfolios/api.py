"""JSON routes for portfolios under /api/portfolios."""

from flask import current_app, g

from ..analytics.holdings import total
from ..auth.tokens import api_login_required
from ..common.api import created, json_body, paginate, query_args
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from . import bp, services
from .figures_cache import cached_figures
from .performance import portfolio_performance
from .positions import Holdings
from .schemas import (
    PerformanceQuerySchema,
    PerformanceSchema,
    PortfolioSchema,
    SummarySchema,
)

portfolio_schema = PortfolioSchema()


@bp.get("/api/portfolios")
@api_doc("portfolios", query=PageQuerySchema, response=page_schema(PortfolioSchema))
@api_login_required
def list_portfolios():
    """List my portfolios, oldest first."""
    return paginate(services.portfolios_of(g.user), portfolio_schema.dump)


@bp.post("/api/portfolios")
@api_doc("portfolios", body=PortfolioSchema, response=PortfolioSchema, status=201, errors=(409,))
@api_login_required
def create_portfolio():
    """Create a portfolio (names are unique per user: 409 otherwise)."""
    portfolio = services.create_portfolio(g.user, json_body(PortfolioSchema))
    return created(portfolio_schema.dump(portfolio), "portfolios.get_portfolio", portfolio_id=portfolio.id)


@bp.get("/api/portfolios/<int:portfolio_id>")
@api_doc("portfolios", response=PortfolioSchema, errors=(404,))
@api_login_required
def get_portfolio(portfolio_id):
    """Read one portfolio."""
    return portfolio_schema.dump(services.get_portfolio(g.user, portfolio_id))


@bp.patch("/api/portfolios/<int:portfolio_id>")
@api_doc("portfolios", body=PortfolioSchema, response=PortfolioSchema, errors=(404, 409))
@api_login_required
def update_portfolio(portfolio_id):
    """Rename a portfolio."""
    portfolio = services.get_portfolio(g.user, portfolio_id)
    return portfolio_schema.dump(services.rename_portfolio(portfolio, json_body(PortfolioSchema, partial=True)))


@bp.delete("/api/portfolios/<int:portfolio_id>")
@api_doc("portfolios", status=204, errors=(404,))
@api_login_required
def delete_portfolio(portfolio_id):
    """Delete a portfolio with all its assets and their price history."""
    services.delete_portfolio(services.get_portfolio(g.user, portfolio_id))
    return "", 204


@bp.get("/api/portfolios/<int:portfolio_id>/performance")
@api_doc("portfolios", query=PerformanceQuerySchema, response=PerformanceSchema, errors=(404, 503))
@api_login_required
def performance(portfolio_id):
    """Value, returns (simple, time-weighted, money-weighted), risk and allocation of a portfolio.

    Each figure comes with its definition in `definitions`; a figure that cannot be computed is null
    with the reason in `reasons`, never a made-up zero. `?benchmark=SPY` adds the benchmark's return
    over the same period, beta and alpha. Long periods give a thinned `series` (see `series_step`); the
    figures always use every day. See README "Portfolio figures".
    """
    args = query_args(PerformanceQuerySchema)

    def compute(inputs):
        portfolio = services.get_portfolio(g.user, portfolio_id)  # a hit needs no check: keys are per user
        report = portfolio_performance(portfolio, args.get("from_"), args.get("to"), args.get("benchmark"), inputs)
        # Cached as JSON text: encoding thousands of series points again would cost more than the rest of a hit.
        return current_app.json.response(PerformanceSchema().dump(report)).get_data()

    question = {"portfolio": portfolio_id, "risk_free_pct": current_app.config["RISK_FREE_RATE_PCT"], **args}
    body = cached_figures(g.user, "performance", question, compute)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/api/portfolios/summary")
@api_doc("portfolios", response=SummarySchema)
@api_login_required
def summary():
    """Each of my portfolios' invested amount, value and return today, and the total."""
    items = list(Holdings(g.user).summaries.values())
    return SummarySchema().dump({"items": items, "total": total(items)})
