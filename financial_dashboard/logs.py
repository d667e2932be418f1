"""Logging: one line per request with its id, JSON in production, and no secret ever written.

Every record carries ``request_id`` (from a sane incoming ``X-Request-ID`` or a new one), which is also
sent back in the ``X-Request-ID`` answer header, so a user's report can be matched to the server's lines.
Request bodies, headers and query strings are never logged: passwords and tokens travel only there.
"""

import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
request_log = logging.getLogger("financial_dashboard.requests")


def _stamp_request_id(factory):
    """A log record factory that stamps each record with the current request's id ("-" outside one).

    Stamped when the record is made, so every handler (a log drain, pytest's capture) sees the same id.
    """

    def make(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        return record

    make.stamps_request_id = True
    return make


def _formatter(json_logs: bool) -> logging.Formatter:
    if not json_logs:
        return logging.Formatter(TEXT_FORMAT)
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
    )


def configure_logging(app: Flask):
    level = app.config.get("LOG_LEVEL", "INFO")
    handler = logging.StreamHandler()
    handler.setFormatter(_formatter(app.config.get("LOG_FORMAT") == "json"))
    root = logging.getLogger()
    # One handler of ours, replaced (not added) when another app is created in the same process.
    for old in [h for h in root.handlers if getattr(h, "financial_dashboard", False)]:
        root.removeHandler(old)
    handler.financial_dashboard = True
    root.addHandler(handler)
    root.setLevel(level)
    if not getattr(logging.getLogRecordFactory(), "stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(logging.getLogRecordFactory()))
    app.logger.setLevel(level)
    # Alembic announces each of its plug-ins at INFO on every start; only migrations are worth reading.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    app.before_request(_start)
    app.after_request(_finish)


def _start():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    if "request_id" not in g:  # a hook before ours failed; the answer still gets an id
        _start()
    response.headers["X-Request-ID"] = g.request_id
    if not request.path.startswith(("/static/", "/vendor/")):
        # The path only: query strings and bodies may carry what must not be logged.
        request_log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - g.request_started) * 1000,
        )
    return response
