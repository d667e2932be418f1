"""Writing under concurrency: one transaction per change, row locks, and the database's refusals as domain errors.

Parallel requests (several gunicorn workers, and many greenlets in each) must never lose each other's
changes nor answer 500 because a row they read a moment ago was changed or deleted meanwhile. The rules:

- A value computed from the stored one (a balance) is changed in one ``UPDATE … SET x = x + :a WHERE …``
  whose condition holds the rule, never read into Python and written back.
- Writers that must take turns (every write to one asset's prices) lock a parent row first with
  ``lock_row``; every writer takes its locks in the same order (parent, then children), so none deadlock.
- A row that vanished before our write is a 404, a unique key taken meanwhile is the caller's 409/400,
  and nothing is ever half-written: ``writing()`` commits the whole block or rolls all of it back.

SQLite has no row locks (``FOR UPDATE`` is left out there): its writers take turns on the whole database.
"""

import contextlib

import sqlalchemy as sa
import sqlalchemy.orm.exc as orm_exc

from ..errors import AppError, NotFound
from ..extensions import db


def _violated(error: sa.exc.IntegrityError) -> str | None:
    """Which constraint refused: "unique", "foreign key", or None for another one."""
    code = getattr(error.orig, "sqlstate", None)  # psycopg; sqlite3 says it only in words
    if code:
        return {"23505": "unique", "23503": "foreign key"}.get(code)
    message = str(error.orig)
    return (
        "unique" if "UNIQUE constraint" in message else "foreign key" if "FOREIGN KEY constraint" in message else None
    )


@contextlib.contextmanager
def writing(*, gone: AppError | None = None, duplicate: AppError | None = None, orphan: AppError | None = None):
    """Run the block's writes as one transaction and commit it; on any failure roll it all back.

    ``gone``: raised when a row the block updates through the ORM was deleted meanwhile (default: a
    plain 404). ``duplicate``: raised when a unique constraint refuses a value that a parallel request
    took first. ``orphan``: raised when a foreign key refuses a reference to a row deleted after it was
    checked (SQLite, which cannot lock it). Without them such refusals stay errors of the server.
    """
    try:
        yield
        db.session.commit()
    except (orm_exc.StaleDataError, orm_exc.ObjectDeletedError):
        db.session.rollback()
        raise (gone or NotFound("It was deleted meanwhile.")) from None
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        translated = {"unique": duplicate, "foreign key": orphan}.get(_violated(error))
        if translated is not None:
            raise translated from None
        raise
    except BaseException:
        db.session.rollback()
        raise


def lock_row(column, value, *, share: bool = False) -> bool:
    """Lock the row whose ``column`` equals ``value`` until the transaction ends; False when there is none.

    ``share``: ``FOR KEY SHARE``, enough to keep a parent from being deleted while children are added
    (others may hold it too); otherwise ``FOR UPDATE``, so that writers of the row's children take turns.
    """
    select = sa.select(column).where(column == value).with_for_update(read=share, key_share=share)
    return db.session.scalar(select) is not None


def upsert(table: sa.Table, key: list[str], update: list[str]):
    """``INSERT … ON CONFLICT (key) DO UPDATE`` setting the ``update`` columns to the new row's values, for
    SQLite and PostgreSQL: a parallel insert of the same key becomes an update instead of a unique violation."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"Unsupported database {dialect}")
    statement = insert(table)
    return statement.on_conflict_do_update(index_elements=key, set_={c: statement.excluded[c] for c in update})


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
