"""GET /health: is the app up, can it reach its database, and is its cache answering."""

import logging

import sqlalchemy as sa
from flask import Blueprint
from marshmallow import Schema, fields
from marshmallow.validate import OneOf

from .common.cache_backend import FaultTolerantRedisCache
from .common.openapi import api_doc
from .errors import DATABASE_RETRY_AFTER_S
from .extensions import cache, db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


class HealthSchema(Schema):
    status = fields.String(
        required=True,
        validate=OneOf(["ok", "degraded", "error"]),
        metadata={
            "description": "error: the database is unreachable (503); degraded: the "
            "cache is, and the app answers without it (200)."
        },
    )
    database = fields.String(required=True, validate=OneOf(["ok", "unreachable"]))
    cache = fields.String(
        required=True,
        validate=OneOf(["ok", "degraded", "none"]),
        metadata={"description": "none: no Redis configured (each process caches for itself)."},
    )


@bp.get("/health")
@api_doc(
    "health",
    auth=False,
    response=HealthSchema,
    responses={
        503: {"description": "The database is unreachable (status error).", "schema": {"$ref": "#/definitions/Health"}}
    },
)
def health():
    """Liveness, database and cache check for load balancers and uptime monitors.

    Answers 503 only when the database is unreachable: without its cache the app still works, slower,
    so a cache outage is "degraded" with 200 and a load balancer keeps sending traffic.
    """
    database = database_status()
    body = {"status": "ok", "database": database, "cache": cache_status()}
    if database != "ok":
        return {**body, "status": "error"}, 503, {"Retry-After": str(DATABASE_RETRY_AFTER_S)}
    if body["cache"] == "degraded":
        body["status"] = "degraded"
    return body


def database_status() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:  # pool timeouts included
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            pass
        log.warning("Health check: database unreachable: %s", getattr(error, "orig", None) or error)
        return "unreachable"
    return "ok"


def cache_status() -> str:
    backend = cache.cache
    if not isinstance(backend, FaultTolerantRedisCache):
        return "none"
    return "ok" if backend.ping() else "degraded"
