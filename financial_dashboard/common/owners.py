"""Whose data each database write changes: the owners of the rows that flushes and bulk statements touch.

A table is tracked with the path from one of its rows to its owner's user id (``track``). Session event
listeners collect the owners of every tracked row written in a transaction, whether the ORM flushed it
(new, changed or deleted objects) or a bulk INSERT, UPDATE or DELETE ran through ``Session.execute``; after
the commit, ``on_commit`` callbacks receive them, and a rollback forgets them. When the owners of a statement
cannot be worked out (INSERT … SELECT, UPDATE or DELETE without WHERE, raw SQL text naming a tracked table)
the owner is ``EVERYONE``. Writes made on a bare connection or engine, outside any session, are not seen.
"""

import logging
import re
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

log = logging.getLogger(__name__)

EVERYONE = "*"
PENDING = "owners.pending"  # session.info key: owners written in the current transaction, not yet committed

# table -> the (foreign key column, parent table) hops from one of its rows to the users table; the users
# table itself has no hop (a user owns their own row).
_paths: dict[str, tuple[tuple[str, str], ...]] = {}
_callbacks: list[Callable[[set], None]] = []


def track(table: str, *path: tuple[str, str]) -> None:
    """Report writes to ``table``; ``path`` leads from its rows to the owning user and ends at "users"."""
    _paths[table] = tuple(path)


def on_commit(callback: Callable[[set], None]) -> None:
    """Call ``callback(owners)`` after each commit that wrote tracked rows (owners may hold ``EVERYONE``)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


def pending(session: so.Session) -> set:
    """Owners whose tracked rows the session has written, or holds changes of, since its last commit."""
    owners = set(session.info.get(PENDING, ()))
    for obj in (*session.new, *session.deleted, *session.dirty):
        if _table_of(obj) in _paths and (obj not in session.dirty or session.is_modified(obj)):
            # Before the flush a new child may not know its parent yet: count it as anyone's change.
            owners |= _direct_owners(obj) or {EVERYONE}
    return owners


# --- owners of ORM objects ---


def _table_of(obj) -> str | None:
    return getattr(sa.inspect(obj).mapper.local_table, "name", None)


def _values(obj, column: str) -> set:
    """The column's value now and, if it changed in this transaction, before (a row moved to another parent)."""
    state = sa.inspect(obj)
    key = state.mapper.get_property_by_column(state.mapper.local_table.c[column]).key
    history = state.attrs[key].history
    return {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}


def _direct_owners(obj) -> set:
    """Owners read from the object itself (a user, or a row with the user's id), else an empty set."""
    path = _paths[_table_of(obj)]
    column, parent = path[0] if path else ("id", "users")
    return _values(obj, column) if parent == "users" else set()


def _owners_of_objects(session: so.Session, objects) -> set:
    """Owners of flushed objects: read from the objects and the parents in the session, else in one query
    per parent table."""
    registry = sa.inspect(objects[0]).mapper.registry
    mappers = {m.local_table.name: m for m in registry.mappers}
    owners, queue, unknown = set(), list(objects), {}
    while queue:
        obj = queue.pop()
        direct = _direct_owners(obj)
        if direct or not _paths[_table_of(obj)]:
            owners |= direct
            continue
        column, parent = _paths[_table_of(obj)][0]
        for parent_id in _values(obj, column):
            mapper = mappers.get(parent)
            found = mapper and session.identity_map.get(mapper.identity_key_from_primary_key((parent_id,)))
            if found is not None and found is not obj:
                queue.append(found)
            else:
                unknown.setdefault(parent, set()).add(parent_id)
    for parent, ids in unknown.items():
        table = registry.metadata.tables[parent]
        rows = session.connection().execute(_owner_select(table, table.c.id.in_(sorted(ids)), with_id=True)).all()
        owners |= {owner for _, owner in rows}
        if len(rows) < len(ids):
            owners.add(EVERYONE)  # a parent gone before we could ask: cannot tell whose it was
    return owners


def _owner_select(table: sa.Table, where, with_id=False) -> sa.Select:
    """SELECT DISTINCT the owner of ``table``'s rows matching ``where`` (and their id), along the table's path."""
    source, current, owner = table, table, table.c.id
    for column, parent in _paths[table.name]:
        if parent == "users":
            owner = current.c[column]
            break
        parent_table = table.metadata.tables[parent]
        source = source.join(parent_table, current.c[column] == parent_table.c.id)
        current = parent_table
    columns = (table.c.id, owner) if with_id else (owner,)
    return sa.select(*columns).select_from(source).where(where).distinct()


# --- owners of bulk statements ---

_DML_TEXT = re.compile(r"^\s*(insert|update|delete|merge|truncate)\b", re.IGNORECASE)


def _statement_values(statement, parameters, column: str) -> set | None:
    """Every value a DML statement writes to ``column`` (VALUES, SET or executemany parameters); None when
    some are not plain values (a SQL expression, positional rows), an empty set when it writes none."""
    rows = [dict(statement._values or {})] if getattr(statement, "_values", None) else []
    rows += [row for group in getattr(statement, "_multi_values", ()) or () for row in group]
    if isinstance(parameters, dict):
        rows.append(parameters)
    elif parameters:
        rows += list(parameters)
    found = set()
    for row in rows:
        if not isinstance(row, dict):
            return None
        for key, value in row.items():
            if getattr(key, "key", key) != column and getattr(key, "name", key) != column:
                continue
            value = getattr(value, "value", value) if isinstance(value, sa.BindParameter) else value
            if isinstance(value, sa.ClauseElement):
                return None
            found.add(value)
    return found


def _owners_of_statement(state: so.ORMExecuteState) -> set:
    """Owners of the rows a bulk statement is about to write; run before it, so that deleted rows still exist."""
    statement, session = state.statement, state.session
    table = getattr(statement, "table", None)
    if table is None or getattr(table, "name", None) not in _paths:
        return set()
    table = table.metadata.tables[table.name]  # the plain Table behind an ORM entity's annotated one
    path, owners = _paths[table.name], set()
    if state.is_insert:
        if getattr(statement, "select", None) is not None:
            return {EVERYONE}
        column, parent = path[0] if path else ("id", None)
        values = _statement_values(statement, state.parameters, column)
        if not values:
            return {EVERYONE}
        if parent in (None, "users"):
            return values
        parent_table = table.metadata.tables[parent]
        rows = (
            session.connection()
            .execute(_owner_select(parent_table, parent_table.c.id.in_(sorted(values)), with_id=True))
            .all()
        )
        return {owner for _, owner in rows} | ({EVERYONE} if len(rows) < len(values) else set())
    where = statement.whereclause
    if where is None and isinstance(state.parameters, list) and all("id" in p for p in state.parameters):
        where = table.c.id.in_([p["id"] for p in state.parameters])  # ORM bulk UPDATE by primary key
    if where is None:
        return {EVERYONE}
    owners |= set(session.connection().scalars(_owner_select(table, where)))
    if state.is_update and path:
        moved_to = _statement_values(statement, state.parameters, path[0][0])
        if moved_to is None:
            return {EVERYONE}
        if moved_to:  # rows given another parent (or owner): the new one's figures change too
            if path[0][1] == "users":
                owners |= moved_to
            else:
                parent_table = table.metadata.tables[path[0][1]]
                owners |= set(
                    session.connection().scalars(_owner_select(parent_table, parent_table.c.id.in_(sorted(moved_to))))
                )
    return owners


def _text_owners(statement) -> set:
    """Raw SQL that writes and names a tracked table changes an unknown set of users."""
    text = getattr(statement, "text", "")
    if _DML_TEXT.match(text) and any(re.search(rf"\b{name}\b", text, re.IGNORECASE) for name in _paths):
        return {EVERYONE}
    return set()


# --- the listeners ---


def _note(session: so.Session, owners: set) -> None:
    if owners:
        session.info.setdefault(PENDING, set()).update(owners)


@sa.event.listens_for(so.Session, "do_orm_execute")
def _bulk_statement(state: so.ORMExecuteState) -> None:
    if state.is_select:
        return
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, _owners_of_statement(state))
    elif isinstance(state.statement, sa.TextClause):
        _note(state.session, _text_owners(state.statement))


@sa.event.listens_for(so.Session, "after_flush")
def _flushed(session: so.Session, flush_context) -> None:
    written = [obj for obj in (*session.new, *session.deleted) if _table_of(obj) in _paths]
    written += [obj for obj in session.dirty if _table_of(obj) in _paths and session.is_modified(obj)]
    if written:
        _note(session, _owners_of_objects(session, written))


@sa.event.listens_for(so.Session, "after_commit")
def _committed(session: so.Session) -> None:
    owners = session.info.pop(PENDING, None)
    if not owners:
        return
    for callback in _callbacks:
        try:
            callback(owners)
        except Exception:  # the data is committed: a failed notification must not turn it into an error
            log.exception("Callback %r failed after a commit", callback)


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _rolled_back(session: so.Session, previous_transaction) -> None:
    # Only the whole transaction's rollback undoes its writes: a savepoint's leaves the earlier ones
    # (and a few owners noted for nothing cost only a recomputation).
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)
