"""The cache is optional: with Redis killed or frozen every route still answers 200 (from the provider
and the store), within the Redis timeout; /health says the cache is degraded; the outage is logged once;
when Redis is back, /health says ok and answers are cached again. The production-mode counterpart,
under load against gunicorn, is tests/deploy/test_faults.py.
"""

import logging
import time

import pytest
import sqlalchemy as sa

from financial_dashboard import create_app
from financial_dashboard.common.cache_backend import FaultTolerantRedisCache
from financial_dashboard.extensions import cache, db
from tests.conftest import PASSWORD
from tests.fault_tools import redis_server

TIMEOUT_S = 0.3
RETRY_S = 1.0
BACKEND_LOG = "financial_dashboard.common.cache_backend"


@pytest.fixture
def own_redis():
    with redis_server() as server:
        yield server


@pytest.fixture
def app(session_app, database_url, own_redis):
    """The app of tests/conftest.py, but caching in a Redis of this test's own."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": own_redis.url,
            "REDIS_TIMEOUT_S": TIMEOUT_S,
            "REDIS_RETRY_S": RETRY_S,
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def signed_in(client, api, seed, user):
    """Alice with a goal and a portfolio holding AAPL, signed in through the login form."""
    ids = seed(api)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return ids


def every_route(client, api, ids):
    """Each route that went through the cache and answered 500 without it: status and seconds taken."""
    calls = [
        ("GET /api/stock/AAPL", lambda: client.get("/api/stock/AAPL?period=1y")),
        ("GET /api/stock/MSFT ma", lambda: client.get("/api/stock/MSFT?period=180d&indicators=rsi")),
        ("GET /api/dashboard", lambda: api.get("/api/dashboard")),
        ("GET performance", lambda: api.get(f"/api/portfolios/{ids['portfolio']}/performance")),
        ("POST price sync", lambda: api.post(f"/api/assets/{ids['asset']}/prices/sync")),
        ("GET /", lambda: client.get("/")),
        ("GET /portfolios", lambda: client.get("/portfolios")),
        ("GET portfolio page", lambda: client.get(f"/portfolios/{ids['portfolio']}")),
        ("GET asset page", lambda: client.get(f"/assets/{ids['asset']}")),
        ("GET /market", lambda: client.get("/market?symbol=AAPL")),
    ]
    results = {}
    for name, call in calls:
        start = time.perf_counter()
        response = call()
        results[name] = (response.status_code, time.perf_counter() - start)
    return results


def statuses(results):
    return {name: status for name, (status, _) in results.items()}


def cached_keys(server):
    return [key.decode() for key in server.client().keys("*")]


def test_with_redis_killed_every_route_answers_200_and_health_says_degraded(
    app, client, api, signed_in, own_redis, caplog
):
    assert set(statuses(every_route(client, api, signed_in)).values()) == {200}
    assert any("ohlc:" in key for key in cached_keys(own_redis))

    own_redis.kill()
    with caplog.at_level(logging.INFO, logger=BACKEND_LOG):
        during = [every_route(client, api, signed_in) for _ in range(3)]
        health = client.get("/health")

    for results in during:
        assert set(statuses(results).values()) == {200}, statuses(results)
    assert (health.status_code, health.json) == (200, {"status": "degraded", "database": "ok", "cache": "degraded"})
    # Logged once when the outage began, not once per request (30 of them here).
    warnings = [r for r in caplog.records if r.name == BACKEND_LOG and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Cache unavailable" in warnings[0].getMessage()

    own_redis.start()  # a new, empty Redis on the same port
    assert client.get("/health").json == {"status": "ok", "database": "ok", "cache": "ok"}
    assert client.get("/api/stock/AAPL?period=1y").status_code == 200
    assert any(key.startswith("flask_cache_answer:json:stock") for key in cached_keys(own_redis))


def test_with_redis_frozen_a_request_waits_at_most_one_short_timeout(app, client, api, signed_in, own_redis):
    baseline = every_route(client, api, signed_in)

    own_redis.freeze()
    try:
        first = every_route(client, api, signed_in)
        again = every_route(client, api, signed_in)
        start = time.perf_counter()
        health = client.get("/health")
        health_s = time.perf_counter() - start
    finally:
        own_redis.thaw()

    for results in (first, again):
        assert set(statuses(results).values()) == {200}, statuses(results)
    # redis-py waits 5 s per call by default; here the first failure costs one timeout, and meanwhile the
    # others skip Redis altogether. (1 s of slack for the routes' own work on a busy test machine.)
    assert sum(s for _, s in first.values()) < sum(s for _, s in baseline.values()) + TIMEOUT_S + 1
    assert all(seconds < TIMEOUT_S + 1 for _, seconds in again.values()), again
    assert health.json["cache"] == "degraded" and health.status_code == 200 and health_s < TIMEOUT_S + 0.5

    assert client.get("/health").json["cache"] == "ok"
    own_redis.client().flushall()
    assert client.get("/api/stock/AAPL?period=1y").status_code == 200
    assert any(key.startswith("flask_cache_ohlc:") for key in cached_keys(own_redis))


# --- the backend on its own ---


@pytest.fixture
def backend(app):
    assert isinstance(cache.cache, FaultTolerantRedisCache)
    return cache.cache


def test_every_cache_operation_is_a_miss_or_a_no_op_while_redis_is_down(backend, own_redis, monkeypatch):
    monkeypatch.setattr(backend, "retry_s", 0)  # no pause between attempts: each call really meets the error
    own_redis.kill()

    assert cache.get("k") is None and cache.get_many("a", "b") == [None, None] and cache.has("k") is False
    assert cache.set("k", 1) is False and cache.add("k", 1) is False and cache.set_many({"a": 1}) == []
    assert cache.delete("k") is False and cache.delete_many("a", "b") == [] and cache.clear() is False
    assert backend.inc("n") is None and backend.dec("n") is None and cache.unlink("k") is None
    assert backend.available is False


def test_after_a_failure_redis_is_left_alone_then_probed_again(backend, own_redis, monkeypatch):
    own_redis.freeze()
    try:
        start = time.perf_counter()
        for _ in range(20):
            assert cache.get("k") is None
        twenty_gets = time.perf_counter() - start
    finally:
        own_redis.thaw()

    assert twenty_gets < 2 * TIMEOUT_S  # one timeout, not twenty
    assert cache.set("k", "v") is False  # still within REDIS_RETRY_S: not even tried
    time.sleep(RETRY_S)
    assert cache.set("k", "v") is True and cache.get("k") == "v" and backend.available


def outage(own_redis, *calls):
    """Open the breaker with one failed read, then make ``calls`` while it is open (never reaching Redis)."""
    own_redis.freeze()
    try:
        assert cache.get("anything") is None
    finally:
        own_redis.thaw()
    return [call() for call in calls]


def test_an_invalidation_lost_in_an_outage_clears_the_cache_when_redis_is_back(backend, own_redis, monkeypatch):
    monkeypatch.setattr(backend, "retry_s", 60)
    cache.set("figures:1", "old")

    # The data changed, but Redis never heard of it.
    assert outage(own_redis, lambda: cache.delete("figures:1")) == [False]
    assert backend.ping() is True  # /health, or the next try after REDIS_RETRY_S

    assert cache.get("figures:1") is None  # not the stale "old"


def test_an_outage_that_lost_only_reads_and_sets_keeps_the_cache(backend, own_redis, monkeypatch):
    monkeypatch.setattr(backend, "retry_s", 60)
    cache.set("bars", "kept")

    assert outage(own_redis, lambda: cache.get("bars"), lambda: cache.set("other", 1)) == [None, False]
    assert backend.ping() is True

    assert cache.get("bars") == "kept"


def test_redis_timeouts_come_from_the_config(backend):
    options = backend._read_client.connection_pool.connection_kwargs
    assert (options["socket_timeout"], options["socket_connect_timeout"]) == (TIMEOUT_S, TIMEOUT_S)
    assert backend.retry_s == RETRY_S


def test_a_database_statement_is_unaffected_by_a_dead_cache(app, own_redis):
    own_redis.kill()
    assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
