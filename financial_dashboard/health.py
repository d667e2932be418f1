"""GET /health: is the app up and can it reach its database."""
import logging

import sqlalchemy as sa
from flask import Blueprint

from .common.openapi import api_doc
from .extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/health")
@api_doc("health", auth=False, responses={503: {"description": "A dependency is unreachable."}})
def health():
    """Liveness and database check for load balancers and uptime monitors."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("Health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
