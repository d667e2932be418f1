"""Asset pages: an asset's page with the price chart, price entry (one or pasted), market sync."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..common.forms import EmptyForm, load_form, submit_form
from ..errors import AppError
from ..extensions import db
from ..portfolios.services import get_portfolio, portfolios_of
from ..prices import services as prices
from ..prices.schemas import PriceLinesSchema, PriceSchema
from . import bp, services
from .forms import AssetForm, BulkPriceForm, PriceForm
from .schemas import AssetUpdateSchema


def _asset_page(asset, edit_form=None, price_form=None, bulk_form=None, status=200):
    from .charts import price_figure

    history = db.session.scalars(prices.prices_of(asset)).all()
    edit_form = edit_form or AssetForm(obj=asset)
    return render_template(
        "assets/detail.html",
        asset=asset,
        history=history,
        figure=price_figure(asset, history),
        portfolio=get_portfolio(current_user, asset.portfolio_id),
        portfolios=db.session.scalars(portfolios_of(current_user)).all(),
        edit_form=edit_form,
        price_form=price_form or PriceForm(),
        bulk_form=bulk_form or BulkPriceForm(),
        action_form=EmptyForm(),
    ), status


@bp.get("/assets/<int:asset_id>")
@login_required
def asset_page(asset_id):
    return _asset_page(services.get_asset(current_user, asset_id))


@bp.post("/assets/<int:asset_id>/edit")
@login_required
def edit_asset(asset_id):
    asset = services.get_asset(current_user, asset_id)
    form = AssetForm()
    cleared = dict.fromkeys(("symbol", "quantity", "currency"))  # an emptied optional input clears the value
    ok, _ = submit_form(
        form, AssetUpdateSchema, lambda data: services.update_asset(current_user, asset, {**cleared, **data})
    )
    if ok:
        flash("Asset saved.", "success")
        return redirect(url_for("assets.asset_page", asset_id=asset.id))
    return _asset_page(asset, edit_form=form, status=400)


@bp.post("/assets/<int:asset_id>/delete")
@login_required
def delete_asset_page(asset_id):
    asset = services.get_asset(current_user, asset_id)
    if EmptyForm().validate_on_submit():
        services.delete_asset(asset)
        flash(f"Asset “{asset.name}” deleted with its prices.", "info")
    return redirect(url_for("portfolios.portfolio_page", portfolio_id=asset.portfolio_id))


@bp.post("/assets/<int:asset_id>/prices/add")
@login_required
def add_price(asset_id):
    asset = services.get_asset(current_user, asset_id)
    form = PriceForm()
    data = load_form(form, PriceSchema)
    if data is None:
        return _asset_page(asset, price_form=form, status=400)
    _, created, _ = prices.upsert_prices(asset, [data])
    flash("Price added." if created else "Price of that day replaced.", "success")
    return redirect(url_for("assets.asset_page", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/prices/bulk")
@login_required
def bulk_prices(asset_id):
    asset = services.get_asset(current_user, asset_id)
    form = BulkPriceForm()
    ok, result = submit_form(form, PriceLinesSchema, lambda data: prices.upsert_prices(asset, data["lines"]))
    if not ok:
        return _asset_page(asset, bulk_form=form, status=400)
    _, created, updated = result
    flash(f"{created} prices added, {updated} replaced.", "success")
    return redirect(url_for("assets.asset_page", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/prices/<int:price_id>/delete")
@login_required
def delete_price_page(asset_id, price_id):
    asset = services.get_asset(current_user, asset_id)
    price = prices.get_price(asset, price_id)
    if EmptyForm().validate_on_submit():
        prices.delete_price(price)
        flash("Price deleted.", "info")
    return redirect(url_for("assets.asset_page", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/sync")
@login_required
def sync_page(asset_id):
    asset = services.get_asset(current_user, asset_id)
    if EmptyForm().validate_on_submit():
        try:
            result = prices.sync_from_market(asset)
        except AppError as error:
            db.session.rollback()
            flash(f"Sync failed: {error.description}", "danger")
        else:
            label = (
                " (sample data)" if result["sample"] else " (stale: provider unavailable)" if result["stale"] else ""
            )
            flash(
                f"Synced from {result['source']}{label}: {result['created']} prices added, "
                f"{result['updated']} updated.{_kept(result)}{_currency(result)}",
                "warning" if result["sample"] or result["stale"] else "success",
            )
    return redirect(url_for("assets.asset_page", asset_id=asset.id))


def _kept(result) -> str:
    """The sentence about the prices the user typed that the sync left alone (none: nothing)."""
    count, dates = result["kept_manual"], [d.isoformat() for d in result["kept_manual_dates"][:5]]
    if not count:
        return ""
    more = ", …" if count > len(dates) else ""
    return f" Kept {count} price{'s' if count > 1 else ''} you typed ({', '.join(dates)}{more})."


def _currency(result) -> str:
    if not result["currency_changed"]:
        return ""
    if result["previous_currency"] is None:
        return f" Currency set to {result['currency']}."
    return f" Currency changed from {result['previous_currency']} to {result['currency']}."
