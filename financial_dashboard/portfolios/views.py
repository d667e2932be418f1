"""Portfolio pages: list with values, create, rename, delete, and a portfolio page with its performance."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..analytics.holdings import total
from ..assets.forms import AssetForm
from ..assets.services import assets_in
from ..auth.forms import EmptyForm
from ..common.forms import submit_form
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
    return render_template("portfolios/list.html", form=form, items=items, total=total(items)), \
        400 if form.errors or form.form_errors else 200


@bp.get("/portfolios/<int:portfolio_id>")
@login_required
def portfolio_page(portfolio_id):
    portfolio = services.get_portfolio(current_user, portfolio_id)
    # Prefixed: the page's asset form has a "name" field too, and ids and posted fields must not clash.
    return _portfolio_page(portfolio, AssetForm(), PortfolioForm(obj=portfolio, prefix="rename"))


def _portfolio_page(portfolio, asset_form, rename_form, status=200):
    args, error = {}, None
    try:
        args = PerformanceQuerySchema().load(request.args)
    except Exception as exc:  # a bad query string shows a message, not an error page
        error = str(getattr(exc, "messages", exc))
    benchmark = args.get("benchmark")
    try:
        report = portfolio_performance(portfolio, args.get("from_"), args.get("to"), benchmark)
    except AppError as exc:
        # Show the message above the portfolio's default view rather than an error page.
        error, report = exc.description, portfolio_performance(portfolio)
    assets = db.session.scalars(assets_in(portfolio)).all()
    figures = {"value": value_figure(report["series"]),
               "allocation": allocation_figure(report["allocation"]["by_asset"], "name")}
    return render_template("portfolios/detail.html", portfolio=portfolio, report=report, assets=assets,
                           figures=figures, benchmark=benchmark or "", error=error, asset_form=asset_form,
                           rename_form=rename_form, delete_form=EmptyForm()), status


@bp.post("/portfolios/<int:portfolio_id>/rename")
@login_required
def rename_portfolio_page(portfolio_id):
    portfolio = services.get_portfolio(current_user, portfolio_id)
    form = PortfolioForm(prefix="rename")
    ok, _ = submit_form(form, PortfolioSchema, lambda data: services.rename_portfolio(portfolio, data))
    if ok:
        flash("Portfolio renamed.", "success")
        return redirect(url_for("portfolios.portfolio_page", portfolio_id=portfolio.id))
    return _portfolio_page(portfolio, AssetForm(), form, status=400)


@bp.post("/portfolios/<int:portfolio_id>/delete")
@login_required
def delete_portfolio_page(portfolio_id):
    portfolio = services.get_portfolio(current_user, portfolio_id)
    if EmptyForm().validate_on_submit():
        services.delete_portfolio(portfolio)
        flash(f"Portfolio “{portfolio.name}” deleted with its assets and prices.", "info")
    return redirect(url_for("portfolios.portfolios_page"))
