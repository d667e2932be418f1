"""Answers computed for one user, kept in the app's cache until that user's data changes.

Each user has a data version in the cache: a random token, replaced after every commit that wrote one of
the user's tracked rows (``common/owners.py`` sees the writes, so no service has to remember to invalidate).
A cached answer's key holds the user's version, the version shared by everyone (replaced when a write's
owners are unknown), today's UTC date and the question asked; a new version makes all of the user's answers
unreachable at once, in every worker sharing the cache (Redis). Random tokens, not counters: a version lost
from the cache (evicted, expired, Redis restarted) is replaced by a new one, never by an old value that
older answers were stored under.

Data read from outside the database (market data) is checked on every hit by the caller's ``still_valid``.
Every cache failure counts as a miss: the answer is computed as if there were no cache.
"""
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import current_app, has_app_context

from ..extensions import cache, db
from . import clock, owners

log = logging.getLogger(__name__)

VERSION_TTL_S = 7 * 86400  # a version outlives the answers stored under it; when lost, a new one is drawn
_unsent: set = set()  # owners whose new version could not be stored (cache down): retried, never trusted
_failing = [False]  # a cache outage is logged once, not on every request


def _version_key(owner) -> str:
    return f"userdata:v:{owner}"


def _cache_failed(error: Exception) -> None:
    if not _failing[0]:
        log.warning("The cache failed (%s); per-user answers are computed afresh until it is back", error)
    _failing[0] = True


def replace_versions(changed: set) -> None:
    """Give each owner in ``changed`` (a user id, or owners.EVERYONE) a new data version."""
    # Also with the cache switched off (USER_CACHE_TTL_S=0): workers that have it on may share the cache.
    if not changed or not has_app_context():
        return
    tokens = {_version_key(owner): uuid.uuid4().hex for owner in changed}
    try:
        stored = cache.set_many(tokens, timeout=VERSION_TTL_S)  # the keys it could set
        if len(stored or ()) < len(tokens):
            raise ConnectionError("the cache did not store every new version")
    except Exception as error:  # noqa: BLE001 - any cache failure: keep it to retry, answer without the cache
        _unsent.update(changed)
        _cache_failed(error)
        return
    _unsent.difference_update(changed)


owners.on_commit(replace_versions)


def _versions(user_id) -> tuple[str, str] | None:
    """The user's data version and everyone's, created when missing; None when the cache cannot say."""
    if _unsent:
        replace_versions(set(_unsent))
        if _unsent & {user_id, owners.EVERYONE}:
            return None
    keys = (_version_key(user_id), _version_key(owners.EVERYONE))
    try:
        found = cache.get_many(*keys)
        if None in found:
            for key, value in zip(keys, found):
                if value is None:
                    cache.add(key, uuid.uuid4().hex, timeout=VERSION_TTL_S)  # a racing worker's token may win
            found = cache.get_many(*keys)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        return None
    if None in found:
        return None
    _failing[0] = False
    return tuple(found)


def _key(name: str, user_id, versions: tuple[str, str], params: dict) -> str:
    question = json.dumps([versions, clock.today_utc().isoformat(), params], sort_keys=True, default=str)
    return f"userdata:{name}:{user_id}:{hashlib.blake2b(question.encode(), digest_size=16).hexdigest()}"


def cached(user_id, name: str, params: dict, compute: Callable[[], tuple[Any, Any]],
           still_valid: Callable[[Any], bool] | None = None) -> Any:
    """The answer ``name`` to ``params`` for the user: cached, or ``compute()`` and cached.

    ``compute()`` returns (answer, inputs): ``inputs`` describes what it read from outside the database, and
    ``still_valid(inputs)`` must be true for a cached answer to be served. Errors raised by ``compute`` are
    never cached. With ``USER_CACHE_TTL_S`` = 0, or while the session holds uncommitted changes of the user's
    data (the answer must show them), every call computes.
    """
    ttl = current_app.config.get("USER_CACHE_TTL_S")
    if not ttl or owners.pending(db.session()) & {user_id, owners.EVERYONE}:
        return compute()[0]
    versions = _versions(user_id)
    if versions is None:
        return compute()[0]
    key = _key(name, user_id, versions, params)
    try:
        entry = cache.get(key)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        entry = None
    if entry is not None and (still_valid is None or still_valid(entry["inputs"])):
        return entry["answer"]
    answer, inputs = compute()
    try:
        cache.set(key, {"answer": answer, "inputs": inputs}, timeout=ttl)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
    return answer
