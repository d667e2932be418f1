"""JSON routes for price alerts under /api/alerts."""

from flask import g

from ..auth.tokens import api_login_required
from ..common.api import created, json_body, query_args
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..extensions import db
from . import bp, services
from .schemas import AlertQuerySchema, AlertSchema, AlertUpdateSchema

alert_schema = AlertSchema()
RULES = """An alert triggers once, when a daily close newer than the newest bar known at creation (or at the
last re-arm) meets its condition: `above` a close at or over the target after a close under it, `below` the
mirror image, `change_pct_above` a close at least `target` percent over the previous close. A level already
passed when the alert is made does not trigger it. It is checked by `flask alerts check` and whenever fresh
bars of the symbol are fetched; it then records `triggered_at` and `triggered_price`, pauses, counts as unread
in the app until seen, and is e-mailed when mail is configured. PATCH `{"active": true}` re-arms it."""


def dump(alert):
    return alert_schema.dump(services.as_dict(alert))


@bp.get("/api/alerts")
@api_doc("alerts", query=AlertQuerySchema, response=page_schema(AlertSchema), description=RULES)
@api_login_required
def list_alerts():
    """List my alerts, oldest first; filter by status or unread."""
    args = query_args(AlertQuerySchema)
    page = db.paginate(
        services.alerts_of(g.user, args.get("status"), args.get("unseen")),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
        count=True,
    )
    return {"items": [dump(a) for a in page.items], "page": page.page, "per_page": page.per_page, "total": page.total}


@bp.post("/api/alerts")
@api_doc("alerts", body=AlertSchema, response=AlertSchema, status=201, errors=(503,), description=RULES)
@api_login_required
def create_alert():
    """Create a price alert; the symbol is checked against the market data (unknown: 400)."""
    alert = services.create_alert(g.user, json_body(AlertSchema))
    return created(dump(alert), "alerts.get_alert", alert_id=alert.id)


@bp.get("/api/alerts/<int:alert_id>")
@api_doc("alerts", response=AlertSchema, errors=(404,))
@api_login_required
def get_alert(alert_id):
    """Read one alert."""
    return dump(services.get_alert(g.user, alert_id))


@bp.patch("/api/alerts/<int:alert_id>")
@api_doc(
    "alerts",
    body=AlertUpdateSchema,
    response=AlertSchema,
    errors=(404,),
    description="""Change `condition`,
`target` or `note` (a new condition or target re-arms it from the newest bar), `active` true to re-arm or false
to pause, `seen` true to mark a triggered alert as read. The symbol cannot change.""",
)
@api_login_required
def update_alert(alert_id):
    """Change, re-arm, pause or mark an alert as read."""
    alert = services.get_alert(g.user, alert_id)
    changes = json_body(AlertUpdateSchema, partial=True)
    return dump(services.update_alert(alert, changes))


@bp.delete("/api/alerts/<int:alert_id>")
@api_doc("alerts", status=204, errors=(404,))
@api_login_required
def delete_alert(alert_id):
    """Delete an alert."""
    services.delete_alert(services.get_alert(g.user, alert_id))
    return "", 204
