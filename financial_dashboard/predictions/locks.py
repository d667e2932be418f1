"""A training lock that holds across processes and machines, so that two workers never train the same model.

On PostgreSQL it is an advisory lock (every machine shares the database); on SQLite, which only one
machine can use, a lock file in the instance folder. Waiting polls every 0.2 s with ``time.sleep``, which
a gevent worker turns into a cooperative pause.
"""

import contextlib
import hashlib
import os
import re
import time

import sqlalchemy as sa
from flask import current_app

from ..extensions import db

POLL_S = 0.2


class LockTimeout(Exception):
    """Another process held the lock for longer than the caller was willing to wait."""


def _advisory_key(name: str) -> int:
    # pg advisory locks take a signed 64-bit key: the first 8 bytes of a hash of the name.
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def training_lock(name: str, timeout: float):
    """Hold the lock called ``name`` for the block; LockTimeout after ``timeout`` seconds of waiting."""
    if db.engine.dialect.name == "postgresql":
        with _advisory_lock(_advisory_key(name), timeout):
            yield
    else:
        with _file_lock(name, timeout):
            yield


@contextlib.contextmanager
def _advisory_lock(key: int, timeout: float):
    # A connection of its own: the lock lives as long as this session, whatever the request's session does.
    with db.engine.connect() as conn:
        deadline = time.monotonic() + timeout
        while not conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar():
            conn.rollback()
            if time.monotonic() >= deadline:
                raise LockTimeout(key)
            time.sleep(POLL_S)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
            conn.commit()


@contextlib.contextmanager
def _file_lock(name: str, timeout: float):
    import filelock

    folder = os.path.join(current_app.instance_path, "locks")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock")
    # thread_local=False: the lock belongs to whoever holds the object, even in a greenlet or another thread.
    lock = filelock.FileLock(path, timeout=timeout, thread_local=False, poll_interval=POLL_S)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise LockTimeout(name) from None
    try:
        yield
    finally:
        lock.release()
