"""The Redis cache backend (CACHE_TYPE when REDIS_URL is set): a Redis that fails is a cache miss, never an error.

The cache only holds copies (market bars, answers, outage markers), so the app works without it, only
slower. Every Redis error therefore reads as a miss and a write is dropped. Short socket timeouts bound
what a frozen Redis costs, and after a failure Redis is left alone for ``retry_s`` seconds (one caller
per process then probes it) so that a request pays at most one timeout during an outage, not one per
cache call. The outage is logged once per process: a warning when it starts, a line at INFO when it ends.

A dropped read or ``set`` only costs speed. A dropped invalidation (a delete, or a counter step that
versions keys) would let stale entries outlive the outage, so a process that lost one clears the
cache as soon as Redis answers it again.
"""

import functools
import logging
import time

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 0.5
DEFAULT_RETRY_S = 5.0


def _guarded(name, miss, invalidates=False):
    """Wrap RedisCache.<name> so that a Redis error (or an open breaker) answers what ``miss`` returns."""
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if self._may_try():
            try:
                result = method(self, *args, **kwargs)
            except RedisError as error:
                self._failed(error)
            else:
                self._succeeded()
                return result
        if invalidates:
            self._lost_invalidation = True
        return miss(*args, **kwargs)

    return guarded


class FaultTolerantRedisCache(RedisCache):
    """RedisCache with short timeouts whose failures are misses; ``ping()`` tells /health how it is."""

    retry_s = DEFAULT_RETRY_S
    _down_since = None  # monotonic time the current outage began; None while Redis answers
    _next_try = 0.0
    _lost_invalidation = False

    @classmethod
    def factory(cls, app, config, args, kwargs):
        # Flask-Caching hands CACHE_OPTIONS to redis.from_url. redis-py waits 5 s by default, which is
        # what every request paid while Redis was frozen.
        timeout = float(config.get("REDIS_TIMEOUT_S", DEFAULT_TIMEOUT_S))
        config["CACHE_OPTIONS"] = {
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            **(config.get("CACHE_OPTIONS") or {}),
        }
        backend = super().factory(app, config, args, kwargs)
        backend.retry_s = float(config.get("REDIS_RETRY_S", DEFAULT_RETRY_S))
        return backend

    @property
    def available(self) -> bool:
        return self._down_since is None

    def ping(self) -> bool:
        """Ask Redis directly (past the breaker), so that a health probe notices a recovery at once."""
        try:
            self._read_client.ping()
        except RedisError as error:
            self._failed(error)
            return False
        self._succeeded()
        return True

    def _may_try(self) -> bool:
        if self._down_since is None:
            return True
        now = time.monotonic()
        if now < self._next_try:
            return False
        self._next_try = now + self.retry_s  # this caller probes; the others keep skipping meanwhile
        return True

    def _failed(self, error):
        self._next_try = time.monotonic() + self.retry_s
        if self._down_since is None:
            self._down_since = time.monotonic()
            log.warning(
                "Cache unavailable, serving without it (retrying every %.0f s): %s: %s",
                self.retry_s,
                type(error).__name__,
                error,
            )

    def _succeeded(self):
        if self._down_since is None:
            return
        log.info("Cache available again after %.1f s", time.monotonic() - self._down_since)
        self._down_since = None
        if self._lost_invalidation and self._get_prefix():  # without a prefix, clear() would flush the db
            try:
                RedisCache.clear(self)
            except RedisError as error:
                self._failed(error)
                return
            self._lost_invalidation = False
            log.info("Cache cleared: an invalidation was lost during the outage")

    get = _guarded("get", lambda *a, **k: None)
    get_many = _guarded("get_many", lambda *keys, **k: [None] * len(keys))
    has = _guarded("has", lambda *a, **k: False)
    set = _guarded("set", lambda *a, **k: False)
    add = _guarded("add", lambda *a, **k: False)
    set_many = _guarded("set_many", lambda *a, **k: [])
    delete = _guarded("delete", lambda *a, **k: False, invalidates=True)
    delete_many = _guarded("delete_many", lambda *a, **k: [], invalidates=True)
    unlink = _guarded("unlink", lambda *a, **k: None, invalidates=True)
    clear = _guarded("clear", lambda *a, **k: False, invalidates=True)
    inc = _guarded("inc", lambda *a, **k: None, invalidates=True)
    dec = _guarded("dec", lambda *a, **k: None, invalidates=True)
