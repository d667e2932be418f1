"""Sign-in throttling as production runs it: gunicorn processes counting in Redis together, and carrying on
(in memory) when their Redis dies.

The shared Redis on 127.0.0.1:6379 is only used under a key prefix of this test's own, deleted after;
the Redis that dies is a redis-server this test starts and stops itself.
"""

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
import redis

from tests.conftest import PASSWORD
from tests.live_server import free_port, gunicorn

SHARED_REDIS = "redis://127.0.0.1:6379/0"


def post(base, path, body):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def register(base) -> str:
    """A new account (the module's database is shared by its tests); returns its email."""
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    assert post(base, "/api/auth/register", {"email": email, "password": PASSWORD, "name": "O"})[0] == 201
    return email


def wrong_password(base, email):
    return post(base, "/api/auth/token", {"email": email, "password": "not the password"})


@contextlib.contextmanager
def key_prefix():
    """A RATELIMIT_KEY_PREFIX of this test's own on the shared Redis; its keys are deleted afterwards."""
    client = redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"fd-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        assert not list(client.scan_iter(match=f"*{prefix}*"))
        client.close()


def test_two_app_instances_on_one_redis_share_the_count(tmp_path, live_database):
    with key_prefix() as prefix:
        env = {"REDIS_URL": SHARED_REDIS, "RATELIMIT_KEY_PREFIX": prefix}
        with (
            gunicorn(tmp_path, live_database, workers=1, extra_env=env) as first,
            gunicorn(tmp_path, live_database, workers=1, extra_env=env) as second,
        ):
            email = register(first)

            statuses = [wrong_password(first if i % 2 else second, email)[0] for i in range(10)]
            status, headers = wrong_password(first, email)
            other_status, _ = wrong_password(second, email)

            assert statuses == [401] * 10
            assert (status, other_status) == (429, 429)  # counted per process, each would allow 10
            assert int(headers["Retry-After"]) > 0
            assert redis.Redis.from_url(SHARED_REDIS).keys(f"*{prefix}*")


@contextlib.contextmanager
def own_redis():
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(50):
        with contextlib.suppress(redis.ConnectionError):
            client.ping()
            break
        time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_a_dead_redis_leaves_the_limit_in_force_and_never_a_500(tmp_path, live_database):
    with (
        own_redis() as (url, redis_process),
        gunicorn(tmp_path, live_database, workers=1, extra_env={"REDIS_URL": url}) as base,
    ):
        email = register(base)
        before = [wrong_password(base, email)[0] for _ in range(5)]

        redis_process.terminate()
        redis_process.wait(timeout=10)
        started = time.monotonic()
        after = [wrong_password(base, email)[0] for _ in range(11)]
        elapsed = time.monotonic() - started

        assert before == [401] * 5
        assert after == [401] * 10 + [429]  # counted in memory from the moment Redis died
        assert elapsed < 10, elapsed  # short socket timeouts: no request waits long for the dead Redis
