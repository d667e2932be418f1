"""The per-user cache under a real gunicorn (2 gevent workers, PostgreSQL, Redis): after each write, every
worker answers with the new figures at once, while repeated questions are served from the shared cache."""

import concurrent.futures
import json
import os
import urllib.request
import uuid

import pytest
import redis

from financial_dashboard import create_app
from financial_dashboard.auth import services as auth
from financial_dashboard.extensions import db
from tests.live_server import gunicorn

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable at {REDIS_URL} under CI: {error}")
        pytest.skip(f"Redis is unreachable at {REDIS_URL}")
    prefix = f"fd-live-{uuid.uuid4().hex}:"
    yield client, prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def request(base, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with urllib.request.urlopen(
        urllib.request.Request(base + path, data=data, headers=headers, method=method), timeout=30
    ) as response:
        return response.status, json.loads(response.read() or b"null")


def test_every_worker_shows_each_write_at_once(tmp_path, live_database, redis_prefix):
    client, prefix = redis_prefix
    app = create_app({"SQLALCHEMY_DATABASE_URI": live_database, "SECRET_KEY": "t"})
    with app.app_context():
        user = auth.register_user({"email": f"{prefix[:20]}@example.com", "password": "live test pw", "name": "L"})
        _, token = auth.issue_token(user, app.config["API_TOKEN_TTL"])
        db.engine.dispose()
    env = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    with (
        gunicorn(tmp_path, live_database, workers=2, extra_env=env) as base,
        concurrent.futures.ThreadPoolExecutor(16) as pool,
    ):
        _, portfolio = request(base, token, "POST", "/api/portfolios", {"name": "Live"})
        _, asset = request(
            base,
            token,
            "POST",
            f"/api/portfolios/{portfolio['id']}/assets",
            {"name": "X", "type": "stock", "quantity": "10", "amount_invested": "1000", "purchase_date": "2024-01-02"},
        )
        urls = [f"/api/portfolios/{portfolio['id']}/performance", "/api/dashboard"]
        for price in range(100, 110):
            status, _ = request(
                base, token, "POST", f"/api/assets/{asset['id']}/prices", {"date": "2024-01-02", "price": str(price)}
            )
            assert status in (200, 201)  # created, then updated
            answers = list(pool.map(lambda path: request(base, token, "GET", path), urls * 16))

            assert {status for status, _ in answers} == {200}
            values = {body.get("value", body.get("portfolio_value")) for _, body in answers}
            assert values == {10 * price}, (price, values)
        keys = {key.decode()[len(prefix) :].split(":")[1] for key in client.scan_iter(match=prefix + "userdata:*")}
        assert {"performance", "dashboard", "v"} <= keys  # answers were stored in the shared cache
