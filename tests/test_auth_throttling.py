"""Sign-in throttling: a brute force stops at the limit on the token API and on the login form (429,
Retry-After), per account and per address, without locking out the owner's known browser; successes
never count; registrations are limited per address; with its Redis unreachable the limiter counts in
memory instead of failing. (Two app instances sharing one real Redis: tests/deploy/test_throttling.py.)
"""

import re
import socket
import uuid

import pytest

from financial_dashboard import create_app
from financial_dashboard.extensions import db

from .conftest import PASSWORD

ATTACKER = "203.0.113.66"


@pytest.fixture
def settings():
    return {}


@pytest.fixture
def throttled(app, database_url, settings):
    """An app with throttling on (the suite's app has it off), on the suite's database, fresh counters."""
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            **settings,
        }
    )
    with limited.app_context():
        yield limited
        db.session.remove()
        db.engine.dispose()


def client_from(app, address=ATTACKER):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def token(client, password="wrong password", email="alice@example.com"):
    return client.post("/api/auth/token", json={"email": email, "password": password})


def form_login(client, password="wrong password", email="alice@example.com"):
    return client.post("/login", data={"email": email, "password": password})


def assert_throttled(response, page=False):
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    if page:
        assert response.mimetype == "text/html"
        assert re.search(
            r"Too many failed sign-in attempts for this account\. Try again in \d+ seconds\.",
            response.get_data(as_text=True),
        )
    else:
        error = response.json["error"]
        assert error["code"] == 429 and "Try again in" in error["description"]


def test_a_brute_force_on_the_token_api_stops_at_ten_failures(throttled, user):
    attacker = client_from(throttled)

    statuses = [token(attacker).status_code for _ in range(10)]

    assert statuses == [401] * 10
    assert_throttled(token(attacker))
    assert_throttled(token(attacker, password=PASSWORD))  # no more guesses, right or wrong


def test_a_brute_force_on_the_login_form_stops_at_ten_failures(throttled, user):
    attacker = client_from(throttled)

    statuses = [form_login(attacker).status_code for _ in range(10)]

    assert statuses == [400] * 10
    assert_throttled(form_login(attacker), page=True)
    assert form_login(attacker).status_code == 429


def test_the_form_and_the_api_share_one_count_per_account(throttled, user):
    attacker = client_from(throttled)
    for _ in range(5):
        assert token(attacker).status_code == 401
        assert form_login(attacker).status_code == 400

    assert_throttled(token(attacker))


def test_spreading_guesses_over_accounts_stops_at_the_address_limit(throttled, user):
    attacker = client_from(throttled)

    statuses = [token(attacker, email=f"victim{i}@example.com").status_code for i in range(31)]

    assert statuses == [401] * 30 + [429]
    assert token(client_from(throttled, "198.51.100.7"), email="victim0@example.com").status_code == 401


def test_successful_sign_ins_never_count(throttled, user):
    owner = client_from(throttled, "198.51.100.7")

    assert {token(owner, password=PASSWORD).status_code for _ in range(15)} == {200}


def test_the_owners_known_browser_still_signs_in_while_another_address_hammers_the_account(throttled, user):
    owner = client_from(throttled, "198.51.100.7")
    assert form_login(owner, password=PASSWORD).status_code == 302  # a browser that signed in before
    owner.post("/logout")
    attacker = client_from(throttled)
    for _ in range(10):
        token(attacker)
    assert_throttled(token(attacker))
    assert form_login(client_from(throttled, "198.51.100.8"), password=PASSWORD).status_code == 429

    response = form_login(owner, password=PASSWORD)

    assert response.status_code == 302 and response.headers["Location"].endswith("/")


@pytest.mark.parametrize("settings", [{"LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"}])
def test_the_figures_come_from_the_settings(throttled, user):
    attacker = client_from(throttled)

    assert [token(attacker).status_code for _ in range(4)] == [401, 401, 401, 429]


def test_registrations_are_limited_per_address(throttled):
    visitor = client_from(throttled)

    statuses = [
        visitor.post(
            "/api/auth/register", json={"email": f"new{i}@example.com", "password": PASSWORD, "name": "New"}
        ).status_code
        for i in range(11)
    ]

    assert statuses == [201] * 10 + [429]
    assert (
        client_from(throttled, "198.51.100.7")
        .post("/register", data={"email": "page@example.com", "password": PASSWORD, "name": "Page"})
        .status_code
        == 302
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.mark.parametrize("settings", [{"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0"}])
def test_an_unreachable_redis_falls_back_to_counting_in_memory(throttled, user, caplog):
    attacker = client_from(throttled)

    statuses = [token(attacker).status_code for _ in range(10)]

    assert statuses == [401] * 10  # no 500
    assert_throttled(token(attacker))
    assert token(client_from(throttled, "198.51.100.7"), password=PASSWORD).status_code == 429
    assert "falling back to in-memory storage" in caplog.text
