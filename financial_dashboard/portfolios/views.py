"""Portfolio pages: list with values, create, rename, delete, and a portfolio page with its performance."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..analytics.holdings import total
from ..assets import services as asset_services
from ..assets.forms import AssetForm
from ..assets.schemas import AssetSchema
from ..common.forms import EmptyForm, load_form, submit_form
from ..errors import AppError
from ..extensions import db
from . import bp, services
from .charts import allocation_figure, value_figure
from .forms import PortfolioForm
from .performance import portfolio_performance
from .positions import Holdings
from .schemas import PerformanceQuerySchema, PortfolioSchema


@bp.route("/portfolios", methods=["GET", "POST"])
@login_required
def portfolios_page():
    form = PortfolioForm()
    ok, portfolio = submit_form(form, PortfolioSchema, lambda data: services.create_portfolio(current_user, data))
    if ok:
        flash(f"Portfolio “{portfolio.name}” created.", "success")
        return redirect(url_for("portfolios.portfolio_page", portfolio_id=portfolio.id))
    items = list(Holdings(current_user).summaries.values())
    return render_template(
        "portfolios/list.html", form=form, items=items, total=total(items)
    ), 400 if form.errors or form.form_errors else 200


@bp.get("/portfolios/<int:portfolio_id>")
@login_required
def portfolio_page(portfolio_id):
    return render_portfolio_page(services.get_portfolio(current_user, portfolio_id))


def render_portfolio_page(portfolio, asset_form=None, rename_form=None, status=200):
    """The portfolio page, also shown again by a failed rename here or a failed "add asset" (assets/views.py)."""
    if asset_form is None:
        asset_form = AssetForm()
    if rename_form is None:
        # Prefixed: the page's asset form has a "name" field too, and ids and posted fields must not clash.
        rename_form = PortfolioForm(obj=portfolio, prefix="rename")
    args, error = {}, None
    try:
        args = PerformanceQuerySchema().load(request.args)
    except ValidationError as invalid:  # a bad query string shows a message, not an error page
        error = str(invalid.messages)
    benchmark = args.get("benchmark")
    try:
        report = portfolio_performance(portfolio, args.get("from_"), args.get("to"), benchmark)
    except AppError as exc:
        # Show the message above the portfolio's default view rather than an error page.
        error, report = exc.description, portfolio_performance(portfolio)
    assets = db.session.scalars(asset_services.assets_in(portfolio)).all()
    figures = {
        "value": value_figure(report["series"]),
        "allocation": allocation_figure(report["allocation"]["by_asset"], "name"),
    }
    return render_template(
        "portfolios/detail.html",
        portfolio=portfolio,
        report=report,
        assets=assets,
        figures=figures,
        benchmark=benchmark or "",
        error=error,
        asset_form=asset_form,
        rename_form=rename_form,
        delete_form=EmptyForm(),
    ), status


@bp.post("/portfolios/<int:portfolio_id>/rename")
@login_required
def rename_portfolio_page(portfolio_id):
    portfolio = services.get_portfolio(current_user, portfolio_id)
    form = PortfolioForm(prefix="rename")
    ok, _ = submit_form(form, PortfolioSchema, lambda data: services.rename_portfolio(portfolio, data))
    if ok:
        flash("Portfolio renamed.", "success")
        return redirect(url_for("portfolios.portfolio_page", portfolio_id=portfolio.id))
    return render_portfolio_page(portfolio, rename_form=form, status=400)


@bp.post("/portfolios/<int:portfolio_id>/delete")
@login_required
def delete_portfolio_page(portfolio_id):
    portfolio = services.get_portfolio(current_user, portfolio_id)
    if EmptyForm().validate_on_submit():
        services.delete_portfolio(portfolio)
        flash(f"Portfolio “{portfolio.name}” deleted with its assets and prices.", "info")
    return redirect(url_for("portfolios.portfolios_page"))


@bp.post("/portfolios/<int:portfolio_id>/assets/new")
@login_required
def new_asset(portfolio_id):
    """The add-asset form of the portfolio page: on errors the page comes back with them."""
    portfolio = services.get_portfolio(current_user, portfolio_id)
    form = AssetForm()
    data = load_form(form, AssetSchema)
    if data is None:
        return render_portfolio_page(portfolio, asset_form=form, status=400)
    asset = asset_services.create_asset(portfolio, data)
    flash(f"Asset “{asset.name}” added.", "success")
    return redirect(url_for("assets.asset_page", asset_id=asset.id))
