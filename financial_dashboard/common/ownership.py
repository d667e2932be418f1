"""The one way to load a user's object by id: anything not theirs is reported exactly like a missing id."""

from ..errors import NotFound
from ..extensions import db
from .schemas import MAX_INT


def first_or_404(select, what: str, object_id):
    """Run ``select`` (already filtered by owner) and return its row, or raise 404 naming the id."""
    row = db.session.scalar(select) if 0 < object_id <= MAX_INT else None
    if row is None:
        raise NotFound(f"{what} {object_id} does not exist.")
    return row


def apply_changes(obj, changes: dict, fields):
    """Copy the validated ``changes`` for ``fields`` onto ``obj`` (partial update)."""
    for field in fields:
        if field in changes:
            setattr(obj, field, changes[field])
