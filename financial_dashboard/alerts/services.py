"""Alert logic, always scoped to one user: create (checked against the market data), change, re-arm, read."""

import datetime as dt

import sqlalchemy as sa

from ..common import clock
from ..common.ownership import first_or_404
from ..errors import AppError, BadRequest
from ..extensions import db
from ..market import quotes
from .models import Alert

MAX_CHANGE_PCT = 1000


def alerts_of(user, status: str | None = None, unseen: bool | None = None):
    select = sa.select(Alert).where(Alert.user_id == user.id)
    if status == "triggered":
        select = select.where(Alert.triggered_at.is_not(None))
    elif status == "active":
        select = select.where(Alert.triggered_at.is_(None), Alert.active.is_(True))
    elif status == "paused":
        select = select.where(Alert.triggered_at.is_(None), Alert.active.is_(False))
    if unseen:
        select = select.where(Alert.triggered_at.is_not(None), Alert.seen_at.is_(None))
    return select.order_by(Alert.id)


def get_alert(user, alert_id: int) -> Alert:
    return first_or_404(sa.select(Alert).where(Alert.id == alert_id, Alert.user_id == user.id), "Alert", alert_id)


def _baseline(alert: Alert, quote: dict | None) -> None:
    """From now on only closes newer than the newest bar known now count (none known: the first check sets it).

    A quote can be up to 20 seconds old (cached) while the alert has already seen a newer bar: the newer wins.
    """
    if quote and quote.get("as_of") and quote.get("price") is not None:
        as_of = dt.datetime.fromisoformat(quote["as_of"].replace("Z", "+00:00"))
        if alert.last_seen_at is None or as_of > alert.last_seen_at:
            alert.last_seen_at, alert.last_close = as_of, quote["price"]


def _check_target(alert: Alert) -> None:
    if alert.condition == "change_pct_above" and alert.target > MAX_CHANGE_PCT:
        raise BadRequest(
            "A daily change target is a percentage of at most 1000.",
            fields={"target": [f"At most {MAX_CHANGE_PCT} for change_pct_above."]},
        )


def create_alert(user, data: dict) -> Alert:
    kind, symbol, quote = quotes.checked_symbol(data["symbol"])
    alert = Alert(
        user_id=user.id,
        symbol=symbol,
        kind=kind,
        condition=data["condition"],
        target=data["target"],
        note=data.get("note") or None,
    )
    _check_target(alert)
    _baseline(alert, quote)
    db.session.add(alert)
    db.session.commit()
    return alert


def rearm(alert: Alert) -> None:
    """Arm again from the newest bar known now; the last trigger is forgotten."""
    try:
        quote = quotes.get_quote(alert.symbol)
    except AppError:
        quote = None
    alert.active = True
    alert.triggered_at = alert.triggered_price = alert.triggered_bar_at = None
    alert.seen_at = alert.emailed_at = None
    _baseline(alert, quote)


def update_alert(alert: Alert, changes: dict) -> Alert:
    """Change the condition, target or note (which re-arms it), re-arm (active true), pause, or mark as read."""
    for field in ("condition", "target"):
        if field in changes:
            setattr(alert, field, changes[field])
    if "note" in changes:
        alert.note = changes["note"] or None
    _check_target(alert)
    moved = "condition" in changes or "target" in changes
    if changes.get("active") is False:
        alert.active = False
    elif changes.get("active") is True or moved:
        rearm(alert)
    if changes.get("seen") and alert.triggered_at is not None and alert.seen_at is None:
        alert.seen_at = clock.utcnow()
    db.session.commit()
    return alert


def delete_alert(alert: Alert) -> None:
    db.session.delete(alert)
    db.session.commit()


def unseen_count(user) -> int:
    select = sa.select(sa.func.count()).select_from(alerts_of(user, unseen=True).order_by(None).subquery())
    return db.session.scalar(select)


def mark_seen(user) -> int:
    """Mark every triggered, unread alert of ``user`` as read (the alerts page does, once it has shown them)."""
    result = db.session.execute(
        sa.update(Alert)
        .where(Alert.user_id == user.id, Alert.triggered_at.is_not(None), Alert.seen_at.is_(None))
        .values(seen_at=clock.utcnow())
    )
    db.session.commit()
    return result.rowcount


def as_dict(alert: Alert) -> dict:
    """The alert as the API shows it."""
    row = {column.key: getattr(alert, column.key) for column in alert.__table__.columns}
    return {**row, "status": alert.status, "description": alert.describe(), "seen": alert.seen_at is not None}
