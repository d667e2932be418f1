"""Answers computed for one user, kept in the app's cache until that user's data changes.

Each user has a data version in the cache: a random token, replaced after every commit that wrote one of
the user's tracked rows (``common/owners.py`` sees the writes, so no service has to remember to invalidate).
A cached answer is stored under the user, today's UTC date and the question asked, together with the user's
version and the version shared by everyone (replaced when a write's owners are unknown) read before it was
computed; it is served only while both are still current, which one round trip to the cache tells. A new
version thus retires all of the user's answers at once, in every worker sharing the cache (Redis). Random
tokens, not counters: a version lost from the cache (evicted, expired, Redis restarted) is replaced by a new
one, never by an old value that older answers were stored with.

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


def _read(user_id, key: str) -> tuple[tuple[str, str], dict | None] | None:
    """(the user's and everyone's data versions, the entry at ``key``) in one round trip; versions that are
    missing are drawn anew (no entry can match them). None when the cache cannot say."""
    if _unsent:
        replace_versions(set(_unsent))
        if _unsent & {user_id, owners.EVERYONE}:
            return None
    keys = (_version_key(user_id), _version_key(owners.EVERYONE))
    try:
        *versions, entry = cache.get_many(*keys, key)
        if None in versions:
            for version_key, value in zip(keys, versions, strict=False):
                if value is None:
                    cache.add(version_key, uuid.uuid4().hex, timeout=VERSION_TTL_S)  # a racing worker's may win
            versions, entry = cache.get_many(*keys), None
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
        return None
    if None in versions:
        return None
    _failing[0] = False
    return tuple(versions), entry


def _key(name: str, user_id, params: dict) -> str:
    question = json.dumps([clock.today_utc().isoformat(), params], sort_keys=True, default=str)
    return f"userdata:{name}:{user_id}:{hashlib.blake2b(question.encode(), digest_size=16).hexdigest()}"


def cached(
    user_id,
    name: str,
    params: dict,
    compute: Callable[[], tuple[Any, Any]],
    still_valid: Callable[[Any], bool] | None = None,
) -> Any:
    """The answer ``name`` to ``params`` for the user: cached, or ``compute()`` and cached.

    ``compute()`` returns (answer, inputs): ``inputs`` describes what it read from outside the database, and
    ``still_valid(inputs)`` must be true for a cached answer to be served. An entry is kept with the data
    versions read before computing it and served only while both are still current. Errors raised by
    ``compute`` are never cached. With ``USER_CACHE_TTL_S`` = 0, or while the session holds uncommitted
    changes of the user's data (the answer must show them), every call computes.
    """
    ttl = current_app.config.get("USER_CACHE_TTL_S")
    if not ttl or owners.pending(db.session()) & {user_id, owners.EVERYONE}:
        return compute()[0]
    key = _key(name, user_id, params)
    found = _read(user_id, key)
    if found is None:
        return compute()[0]
    versions, entry = found
    if entry is not None and entry["versions"] == versions and (still_valid is None or still_valid(entry["inputs"])):
        return entry["answer"]
    answer, inputs = compute()
    try:
        cache.set(key, {"versions": versions, "inputs": inputs, "answer": answer}, timeout=ttl)
    except Exception as error:  # noqa: BLE001
        _cache_failed(error)
    return answer
