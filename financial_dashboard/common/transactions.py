"""Committing a change that a unique constraint may refuse."""
import sqlalchemy as sa

from ..errors import AppError
from ..extensions import db


def commit_or_raise(error: AppError) -> None:
    """Commit the session, or roll it back and raise ``error`` when the database refuses a duplicate.

    The constraint is the check that holds under concurrency: a query beforehand can be outrun by a
    parallel request, the constraint cannot.
    """
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise error from None
