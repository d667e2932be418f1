"""Domain exceptions and the one place that turns every error into an HTTP answer.

Under ``/api`` every 4xx and 5xx is JSON of one shape::

    {"error": {"code": 404, "message": "Not Found", "description": "...", "fields": {...}}}

Elsewhere errors render the HTML error page.
"""

import logging
import sqlite3

import sqlalchemy as sa
from flask import Flask, g, jsonify, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)
# When a client may try again after the database was unreachable or too slow (seconds).
DATABASE_RETRY_AFTER_S = 5
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk I/O error")


class AppError(Exception):
    """Base of the errors services raise; ``code`` is the HTTP status it maps to."""

    code = 400
    headers: dict = {}

    def __init__(self, description=None, fields=None, headers=None):
        super().__init__(description)
        self.description = description
        self.fields = fields
        if headers:
            self.headers = headers


class BadRequest(AppError):
    code = 400


class Unauthorized(AppError):
    code = 401
    headers = {"WWW-Authenticate": 'Bearer realm="api"'}


class Forbidden(AppError):
    code = 403


class NotFound(AppError):
    code = 404


class Conflict(AppError):
    code = 409


class UnsupportedMediaType(AppError):
    code = 415


class ValidationFailed(AppError):
    """Invalid fields in a request body or query string: 400 with ``fields`` (documented in README)."""

    code = 400


class ServiceUnavailable(AppError):
    code = 503


def wants_json():
    """API routes, and clients that prefer JSON over HTML, get JSON errors."""
    if request.path.startswith("/api/") or request.path == "/api":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_body(code, message, description=None, fields=None):
    error = {"code": code, "message": message}
    if description:
        error["description"] = description
    if fields:
        error["fields"] = fields
    return {"error": error}


def error_response(code, description=None, fields=None, headers=None):
    from werkzeug.http import HTTP_STATUS_CODES

    message = HTTP_STATUS_CODES.get(code, "Error")
    if wants_json():
        response = jsonify(error_body(code, message, description, fields))
    else:
        template = f"errors/{code}.html" if code in (403, 404, 500, 503) else "errors/error.html"
        try:
            response = render_template(template, code=code, message=message, description=description)
        except Exception:  # the error page itself failed: answer plainly rather than not at all
            log.exception("Error page %s failed to render", template)
            response = f"{code} {message}"
    response = (response, code, dict(headers or {}))
    return response


def handle_app_error(error: AppError):
    return error_response(error.code, error.description, error.fields, error.headers)


def handle_http_exception(error: HTTPException):
    if error.code is None:
        return error
    headers = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429 and error.response is not None:
        headers.update({k: v for k, v in error.response.headers.items() if k.lower() == "retry-after"})
    if error.code >= 500:
        db.session.rollback()
    description = None if isinstance(error, InternalServerError) else error.description
    return error_response(error.code, description, headers=headers)


def handle_schema_error(error):
    # A schema loaded outside json_body/query_args/load_form (say a page reading its query string) still
    # refused the client's input: that is a 400 naming the fields, never a 500.
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return error_response(400, "The request has invalid fields.", messages)


def handle_unexpected(error: Exception):
    # Never leak a stack trace or SQL to the client; the log keeps it.
    db.session.rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500, "An unexpected error occurred. It has been logged.")


def handle_row_gone(error: Exception):
    # A row this request had read was deleted by a parallel request before it was written or read again
    # (say, a goal deleted in another tab while its change is answered): the answer is what a retry gets.
    db.session.rollback()
    return error_response(404, "It was deleted meanwhile.")


def database_unavailable(error: Exception) -> bool:
    """Down, unreachable, too slow (connect, statement or pool timeout), or the connection dropped.

    PostgreSQL's OperationalErrors are all of that kind (connection, timeout, shutdown, resources);
    SQLite also reports a missing table or bad SQL as one, which is a bug and stays a 500.
    """
    if isinstance(error, sa.exc.TimeoutError):
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        return isinstance(error, sa.exc.OperationalError) and any(m in str(error.orig) for m in SQLITE_UNAVAILABLE)
    return isinstance(error, sa.exc.OperationalError)


def handle_database_error(error: sa.exc.SQLAlchemyError):
    if not database_unavailable(error):
        return handle_unexpected(error)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone; the session starts afresh with the next request
    # The driver's own message only: the SQL and its parameters (an e-mail, a token hash) stay out of the log.
    log.warning(
        "Database unavailable on %s %s: %s", request.method, request.path, getattr(error, "orig", None) or error
    )
    # The error page must not ask the database who is signed in (that is what just failed).
    g._login_user = login_manager.anonymous_user()
    return error_response(
        503,
        "The database is unavailable or too slow to answer. Please try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
    )


def register_errors(app: Flask):
    from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(ObjectDeletedError, handle_row_gone)
    app.register_error_handler(StaleDataError, handle_row_gone)
    app.register_error_handler(sa.exc.DBAPIError, handle_database_error)
    app.register_error_handler(sa.exc.TimeoutError, handle_database_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_schema_error)
    app.register_error_handler(Exception, handle_unexpected)
