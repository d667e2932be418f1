"""GET /health: up, able to reach the database, and whether the cache answers, each reported on its own.

503 only when the database is unreachable; a cache outage is "degraded" with 200 (the app works without it).
"""

import time

import pytest

from financial_dashboard import create_app
from tests.fault_tools import redis_server


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {"status": "ok", "database": "ok", "cache": "none"}


def test_health_needs_no_credentials_and_ignores_a_bad_token(client):
    assert client.get("/health", headers={"Authorization": "Bearer nonsense"}).status_code == 200


@pytest.mark.parametrize(
    "settings",
    [
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nope"},
        {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-directory/for/sure/app.db"},
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_health_answers_503_naming_the_database_when_it_is_unreachable(settings):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", **settings})

    response = app.test_client().get("/health")

    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.headers["Retry-After"] == "5"
    assert response.json == {"status": "error", "database": "unreachable", "cache": "none"}
    assert b"127.0.0.1" not in response.data and b"nonexistent" not in response.data


def test_health_recovers_once_the_database_is_back(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'later' / 'app.db'}"}
    )
    client = app.test_client()
    assert client.get("/health").status_code == 503

    (tmp_path / "later").mkdir()

    assert client.get("/health").json == {"status": "ok", "database": "ok", "cache": "none"}


@pytest.fixture
def redis_app(tmp_path):
    with redis_server() as server:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "t",
                "REDIS_URL": server.url,
                "REDIS_TIMEOUT_S": 0.3,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.db'}",
            }
        )
        yield server, app.test_client()


def test_health_reports_a_dead_or_frozen_cache_as_degraded_with_200_and_its_return_as_ok(redis_app):
    server, client = redis_app
    assert client.get("/health").json == {"status": "ok", "database": "ok", "cache": "ok"}

    server.freeze()
    start = time.perf_counter()
    frozen = client.get("/health")
    seconds = time.perf_counter() - start
    server.thaw()
    assert client.get("/health").json["cache"] == "ok"  # checked at once, not after the cache's retry pause

    server.kill()
    killed = client.get("/health")
    server.start()

    for response in (frozen, killed):
        assert response.status_code == 200
        assert response.json == {"status": "degraded", "database": "ok", "cache": "degraded"}
    assert seconds < 0.3 + 0.5
    assert client.get("/health").json == {"status": "ok", "database": "ok", "cache": "ok"}
