"""Alert pages: the list (new triggers first, marked read once shown), create, re-arm, delete; and the
"Alert me" panel on the market explorer and the watchlists."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..common.forms import EmptyForm, submit_form
from ..extensions import db
from . import bp, services
from .forms import AlertForm
from .schemas import AlertSchema


def _safe_next(target: str | None) -> str | None:
    """A local path to go back to (the page the one-click form was on), never another site."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/alerts", methods=["GET", "POST"])
@login_required
def alerts_page():
    form = AlertForm()
    ok, alert = submit_form(form, AlertSchema, lambda data: services.create_alert(current_user, data))
    if ok:
        flash(f"Alert set: {alert.describe()}.", "success")
        return redirect(_safe_next(form.next.data) or url_for("alerts.alerts_page"))
    if not form.is_submitted():
        form.symbol.data = form.symbol.data or request.args.get("symbol", "")
    alerts = list(db.session.scalars(services.alerts_of(current_user)))
    unread = {a.id for a in alerts if a.triggered_at is not None and a.seen_at is None}
    page = render_template("alerts/list.html", alerts=alerts, unread=unread, form=form, button=EmptyForm())
    if unread:
        services.mark_seen(current_user)  # shown now: read from here on
    return page, 400 if form.errors or form.form_errors else 200


@bp.post("/alerts/<int:alert_id>/rearm")
@login_required
def rearm_alert_page(alert_id):
    alert = services.get_alert(current_user, alert_id)
    if EmptyForm().validate_on_submit():
        services.update_alert(alert, {"active": True})
        flash(f"Alert re-armed: {alert.describe()}.", "success")
    return redirect(url_for("alerts.alerts_page"))


@bp.post("/alerts/<int:alert_id>/delete")
@login_required
def delete_alert_page(alert_id):
    alert = services.get_alert(current_user, alert_id)
    if EmptyForm().validate_on_submit():
        services.delete_alert(alert)
        flash(f"Alert deleted: {alert.describe()}.", "info")
    return redirect(url_for("alerts.alerts_page"))


def suggested_target(price) -> str:
    """A round level 5 % above the price, for the one-click form."""
    if price is None:
        return ""
    level = price * 1.05
    return f"{level:.2f}" if level >= 1 else f"{level:.8f}"


def alert_panel(bars) -> dict:
    """The explorer's "Alert me when … is above …" form for the symbol shown."""
    price = float(bars.frame["close"].iloc[-1]) if not bars.frame.empty else None
    return {
        "template": "alerts/_panel.html",
        "symbol": bars.symbol,
        "target": suggested_target(price),
        "signed_in": current_user.is_authenticated,
        "next": request.full_path.rstrip("?"),
    }


alert_panel.title = "Price alert"


def unread_badge() -> int:
    """The menu's count of triggered alerts not yet seen."""
    return services.unseen_count(current_user) if current_user.is_authenticated else 0
