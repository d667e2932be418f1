"""Checking alerts whenever fresh bars of their symbol are fetched, without market/ knowing about alerts.

The bar store writes through the session (``store.store_bars``); a session event notes which live-source
symbols got daily bars, and once the request or command is over (its work committed) the alerts of those
symbols are checked against the bars just stored, read back from the store rather than fetched again.
Imports and the bundled sample set are not fetches: ``flask alerts check`` sees them.
"""

import logging

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g

from ..extensions import db

log = logging.getLogger(__name__)

OFFLINE_SOURCES = ("import", "sample")
PENDING = "fresh_daily_bars"


def _record(state):
    statement = state.statement
    if not state.is_insert or getattr(getattr(statement, "table", None), "name", None) != "market_bars":
        return
    params = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    fresh = {
        (row.get("source"), row.get("symbol"))
        for row in params
        if row.get("interval") == "1d" and row.get("source") not in OFFLINE_SOURCES
    }
    if fresh:
        state.session.info.setdefault(PENDING, set()).update(fresh)


def _committed(session):
    fresh = session.info.pop(PENDING, None)
    if fresh:
        try:
            g.setdefault(PENDING, set()).update(fresh)
        except RuntimeError:  # no app context: nothing to run the check in
            pass


def _rolled_back(session):
    session.info.pop(PENDING, None)


def run_pending(error=None):
    """Check the alerts of the symbols that got fresh bars during this request or command."""
    fresh = g.pop(PENDING, None)
    if not fresh or error is not None:
        return
    from .checks import check_alerts, stored_bars

    try:
        for source in sorted({source for source, _ in fresh}):
            check_alerts(symbols={symbol for s, symbol in fresh if s == source}, bars_for=stored_bars(source))
    except Exception:  # the answer is already made; a failed check must not turn it into an error
        db.session.rollback()
        log.exception("Checking alerts after a fetch failed")


def install(app) -> None:
    if not sa.event.contains(so.Session, "do_orm_execute", _record):
        sa.event.listen(so.Session, "do_orm_execute", _record)
        sa.event.listen(so.Session, "after_commit", _committed)
        sa.event.listen(so.Session, "after_rollback", _rolled_back)
    app.teardown_request(run_pending)
    app.teardown_appcontext(run_pending)
