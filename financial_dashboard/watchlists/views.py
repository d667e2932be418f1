"""Watchlist pages: every list as a table of quotes with sparklines; create, rename, delete, add and remove in place."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..alerts.views import suggested_target
from ..common.forms import EmptyForm, submit_form
from ..extensions import db
from . import bp, services
from .forms import ItemForm, WatchlistForm
from .schemas import NewItemSchema, WatchlistSchema


def sparkline_points(values, width=120, height=28) -> str:
    """An SVG polyline's points for ``values`` scaled into the box (a flat line when they do not move)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(f"{i * step:.1f},{height - 1 - (v - low) / span * (height - 2):.1f}" for i, v in enumerate(values))


def forecast_url(symbol: str) -> str | None:
    """The forecasts page for ``symbol`` when the app has one (the predictions feature adds it)."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/predictions" and "GET" in rule.methods:
            return url_for(rule.endpoint, symbol=symbol)
    return None


def _page(form=None, failed=None, status=200):
    """The watchlists page; ``failed`` is (watchlist id, form) of a refused add or rename, shown in place."""
    watchlists = services.with_items(list(db.session.scalars(services.watchlists_of(current_user))))
    return render_template(
        "watchlists/list.html",
        watchlists=watchlists,
        form=form or WatchlistForm(),
        failed=failed or (None, None),
        button=EmptyForm(),
        points=sparkline_points,
        forecast_url=forecast_url,
        alert_target=suggested_target,
    ), status


@bp.route("/watchlists", methods=["GET", "POST"])
@login_required
def watchlists_page():
    form = WatchlistForm()
    ok, watchlist = submit_form(form, WatchlistSchema, lambda data: services.create_watchlist(current_user, data))
    if ok:
        flash(f"Watchlist “{watchlist.name}” created.", "success")
        return redirect(url_for("watchlists.watchlists_page", _anchor=f"watchlist-{watchlist.id}"))
    return _page(form, status=400 if form.errors or form.form_errors else 200)


@bp.post("/watchlists/<int:watchlist_id>/items")
@login_required
def add_item_page(watchlist_id):
    watchlist = services.get_watchlist(current_user, watchlist_id)
    form = ItemForm()
    ok, item = submit_form(form, NewItemSchema, lambda data: services.add_item(watchlist, data))
    if ok:
        flash(f"{item.symbol} added to “{watchlist.name}”.", "success")
        return redirect(url_for("watchlists.watchlists_page", _anchor=f"watchlist-{watchlist.id}"))
    return _page(failed=(watchlist.id, form), status=400)


@bp.post("/watchlists/<int:watchlist_id>/items/<int:item_id>/delete")
@login_required
def remove_item_page(watchlist_id, item_id):
    watchlist = services.get_watchlist(current_user, watchlist_id)
    item = services.get_item(watchlist, item_id)
    if EmptyForm().validate_on_submit():
        services.remove_item(item)
        flash(f"{item.symbol} removed from “{watchlist.name}”.", "info")
    return redirect(url_for("watchlists.watchlists_page", _anchor=f"watchlist-{watchlist.id}"))


@bp.post("/watchlists/<int:watchlist_id>/rename")
@login_required
def rename_watchlist_page(watchlist_id):
    watchlist = services.get_watchlist(current_user, watchlist_id)
    form = WatchlistForm()
    ok, _ = submit_form(form, WatchlistSchema, lambda data: services.update_watchlist(watchlist, data))
    if ok:
        flash("Watchlist renamed.", "success")
        return redirect(url_for("watchlists.watchlists_page", _anchor=f"watchlist-{watchlist.id}"))
    return _page(failed=(watchlist.id, form), status=400)


@bp.post("/watchlists/<int:watchlist_id>/delete")
@login_required
def delete_watchlist_page(watchlist_id):
    watchlist = services.get_watchlist(current_user, watchlist_id)
    if EmptyForm().validate_on_submit():
        services.delete_watchlist(watchlist)
        flash(f"Watchlist “{watchlist.name}” deleted.", "info")
    return redirect(url_for("watchlists.watchlists_page"))
