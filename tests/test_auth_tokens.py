"""API tokens do not pile up: expired ones are deleted, a user holds at most API_TOKENS_PER_USER live
ones (one more revokes the oldest), and `flask users purge-tokens` clears everyone's expired ones."""

import datetime as dt

import sqlalchemy as sa

from financial_dashboard.auth import services
from financial_dashboard.auth.models import ApiToken, UserSession
from financial_dashboard.extensions import db

from .conftest import PASSWORD


def now():
    return dt.datetime.now(dt.UTC)


def token_request(anon, name="api"):
    return anon.post("/api/auth/token", json={"email": "alice@example.com", "password": PASSWORD, "name": name})


def expire(*tokens):
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id.in_([t.id for t in tokens]))
        .values(expires_at=now() - dt.timedelta(seconds=1))
    )
    db.session.commit()


def tokens_of(user):
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()


def test_issuing_a_token_deletes_the_users_expired_ones(anon, user, other_user, app, count_rows):
    old, _ = services.issue_token(user, app.config["API_TOKEN_TTL"], name="old")
    others, _ = services.issue_token(other_user, app.config["API_TOKEN_TTL"])
    expire(old, others)

    assert token_request(anon, name="new").status_code == 200

    assert [t.name for t in tokens_of(user)] == ["new"]
    assert count_rows("api_tokens") == 2  # bob's expired token waits for the purge command


def test_a_user_keeps_at_most_the_configured_number_of_live_tokens_and_the_oldest_goes(
    anon, client, user, app, monkeypatch
):
    monkeypatch.setitem(app.config, "API_TOKENS_PER_USER", 3)
    plains = [token_request(anon, name=f"t{i}").json["access_token"] for i in range(5)]

    assert [t.name for t in tokens_of(user)] == ["t2", "t3", "t4"]
    statuses = [client.get("/api/auth/me", headers={"Authorization": f"Bearer {p}"}).status_code for p in plains]
    assert statuses == [401, 401, 200, 200, 200]


def test_the_cap_defaults_to_50(app):
    assert app.config["API_TOKENS_PER_USER"] == 50


def test_fifty_one_sign_ins_leave_fifty_rows(anon, user, count_rows):
    for _ in range(51):
        assert token_request(anon).status_code == 200

    assert count_rows("api_tokens") == 50


def test_purge_command_deletes_every_expired_token_and_ended_session(runner, user, other_user, app, count_rows):
    live, _ = services.issue_token(user, app.config["API_TOKEN_TTL"])
    dead = [services.issue_token(u, app.config["API_TOKEN_TTL"])[0] for u in (user, other_user)]
    expire(*dead)
    db.session.add_all(
        [
            UserSession(user_id=user.id, key_hash="a" * 64, expires_at=now() - dt.timedelta(seconds=1)),
            UserSession(
                user_id=user.id,
                key_hash="b" * 64,
                expires_at=now() + dt.timedelta(hours=1),
                last_seen_at=now() - app.config["SESSION_IDLE_TIMEOUT"] - dt.timedelta(seconds=1),
            ),
            UserSession(user_id=user.id, key_hash="c" * 64, expires_at=now() + dt.timedelta(hours=1)),
        ]
    )
    db.session.commit()

    result = runner.invoke(args=["users", "purge-tokens"])

    assert result.exit_code == 0, result.output
    assert "Deleted 2 expired token(s) and 2 ended browser session(s)." in result.output
    assert [t.id for t in tokens_of(user) + tokens_of(other_user)] == [live.id]
    assert db.session.scalars(sa.select(UserSession.key_hash)).all() == ["c" * 64]
