"""Browser sessions end on the server: logout, idle timeout, absolute lifetime, password change; the
remember-me cookie lasts at most 30 days and dies with its session; the CSRF token changes at login.

Each replay test copies the exact cookies a browser held into a fresh client, as an attacker who
stole them would. Every request here runs in an app context of its own, as in production: under the
``app`` fixture's context all requests of a test would share ``g``, where Flask-Login caches the
signed-in user and Flask-WTF the CSRF token, so one browser's state would leak into the next request.
"""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.globals import app_ctx

from financial_dashboard.auth.models import UserSession
from financial_dashboard.extensions import db

from .conftest import PASSWORD

COOKIES = ("session", "remember_token")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def own_contexts(app, user, api):
    """Step out of the ``app`` fixture's app context (once the users exist), so each request pushes its own."""
    outer = app_ctx._get_current_object()
    outer.pop()
    yield
    outer.push()


@pytest.fixture
def rows(app):
    """Read and move the stored sessions, each time in a context of its own."""

    class Rows:
        def only(self) -> UserSession:
            with app.app_context():
                (row,) = db.session.scalars(sa.select(UserSession)).all()
                db.session.expunge(row)
                return row

        def count(self) -> int:
            with app.app_context():
                return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession))

        def move(self, **changes):
            with app.app_context():
                db.session.execute(sa.update(UserSession).values(**changes))
                db.session.commit()

    return Rows()


def log_in(client, remember=False, email="alice@example.com", password=PASSWORD):
    token = csrf_token(client.get("/login"))
    data = {"email": email, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True))[1]


def log_out(client):
    token = csrf_token(client.get("/profile"))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302


def stolen(client) -> dict:
    """The browser's cookies, as they are now."""
    return {name: cookie.value for name in COOKIES if (cookie := client.get_cookie(name)) is not None}


def replay(app, cookies: dict):
    """A new client holding exactly these cookie values."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def signed_in(client) -> bool:
    page = client.get("/goals")
    api = client.get("/api/goals")
    assert (page.status_code == 200) == (api.status_code == 200), (page.status_code, api.status_code)
    if page.status_code == 200:
        return True
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert api.status_code == 401 and api.json["error"]["code"] == 401
    return False


def now():
    return dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("remember", [False, True], ids=["session", "remember-me"])
def test_replayed_cookies_open_nothing_after_logout(app, client, user, remember, rows):
    log_in(client, remember=remember)
    cookies = stolen(client)
    assert set(cookies) == ({"session", "remember_token"} if remember else {"session"})
    assert signed_in(replay(app, cookies))

    log_out(client)

    assert not signed_in(client)
    assert not signed_in(replay(app, cookies))
    if remember:
        assert not signed_in(replay(app, {"remember_token": cookies["remember_token"]}))
    assert rows.count() == 0


def test_the_remember_me_cookie_alone_signs_in_until_logout(app, client, user):
    log_in(client, remember=True)
    remember_only = {"remember_token": stolen(client)["remember_token"]}

    assert signed_in(replay(app, remember_only))


def test_logout_ends_only_this_browsers_session(app, client, user):
    other_browser = app.test_client()
    log_in(client)
    log_in(other_browser)

    log_out(client)

    assert not signed_in(client)
    assert signed_in(other_browser)


def test_an_idle_session_ends_and_activity_keeps_it_alive(app, client, user, rows):
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    log_in(client)

    rows.move(last_seen_at=now() - idle + dt.timedelta(seconds=30))
    assert signed_in(client)
    assert rows.only().last_seen_at > now() - dt.timedelta(seconds=30)  # the request counted as activity

    rows.move(last_seen_at=now() - idle - dt.timedelta(seconds=1))
    assert not signed_in(client)


def test_the_idle_timeout_and_lifetime_come_from_the_configuration(app, client, user, monkeypatch, rows):
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_TIMEOUT", dt.timedelta(hours=2))
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", dt.timedelta(minutes=5))
    before = now()
    log_in(client)

    row = rows.only()
    assert before + dt.timedelta(hours=2) - dt.timedelta(seconds=5) <= row.expires_at <= now() + dt.timedelta(hours=2)
    rows.move(last_seen_at=now() - dt.timedelta(minutes=5, seconds=1))
    assert not signed_in(client)


def test_a_session_ends_at_its_absolute_lifetime_even_while_used(app, client, user, rows):
    log_in(client, remember=True)
    cookies = stolen(client)

    rows.move(expires_at=now() - dt.timedelta(seconds=1), last_seen_at=now())

    assert not signed_in(client)
    assert not signed_in(replay(app, cookies))


def test_remember_me_lasts_at_most_30_days_and_outlives_the_idle_timeout(app, client, user, rows):
    before = now()
    response = log_in(client, remember=True)

    (cookie,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    expires = dt.datetime.strptime(re.search(r"Expires=([^;]+)", cookie)[1], "%a, %d %b %Y %H:%M:%S GMT")
    assert expires.replace(tzinfo=dt.UTC) <= now() + dt.timedelta(days=30)
    assert rows.only().expires_at <= before + dt.timedelta(days=30, seconds=5)
    rows.move(last_seen_at=now() - app.config["SESSION_IDLE_TIMEOUT"] - dt.timedelta(hours=1))
    assert signed_in(client)


@pytest.mark.parametrize("days, expected", [("365", 30), ("7", 7)])
def test_remember_me_days_come_from_the_environment_capped_at_30(days, expected):
    # A fresh interpreter: the settings are read from the environment when config.py is imported.
    code = "import config; print(config.Config.REMEMBER_COOKIE_DURATION.days)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "REMEMBER_ME_DAYS": days},
        capture_output=True,
        text=True,
        check=True,
    )

    assert int(result.stdout) == expected


def test_the_csrf_token_changes_at_login_and_the_old_one_stops_working(client, user):
    before = csrf_token(client.get("/login"))
    log_in(client)

    after = csrf_token(client.get("/tokens"))
    assert after != before
    refused = client.post("/tokens", data={"name": "x", "csrf_token": before})
    assert refused.status_code == 400
    assert client.post("/tokens", data={"name": "x", "csrf_token": after}).status_code == 200


def test_a_password_change_on_the_page_ends_every_other_browser_session(app, client, user):
    other_browser = app.test_client()
    log_in(client, remember=True)
    log_in(other_browser, remember=True)
    stolen_cookies = stolen(other_browser)

    token = csrf_token(client.get("/profile"))
    response = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "new_password": "a brand new secret", "csrf_token": token},
    )

    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other_browser)
    assert not signed_in(replay(app, stolen_cookies))


def test_a_password_change_through_the_api_ends_every_browser_session(app, client, api, user):
    log_in(client)

    response = api.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "a brand new secret"})

    assert response.status_code == 204
    assert not signed_in(client)


def test_ended_sessions_of_the_user_are_deleted_at_the_next_login(app, client, user, rows):
    log_in(client)
    rows.move(expires_at=now() - dt.timedelta(seconds=1))

    log_in(app.test_client())

    assert rows.only().expires_at > now()
