"""Accounts over the API: register, tokens, profile, password change, account deletion, admin list."""

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from financial_dashboard.auth.models import ApiToken, User
from financial_dashboard.auth.passwords import MESSAGE
from financial_dashboard.common import clock
from financial_dashboard.extensions import db

from ..conftest import PASSWORD

NEW_USER = {"email": "carol@example.com", "password": "longenough", "name": "Carol"}


def stored_user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def login(anon, email="alice@example.com", password=PASSWORD):
    return anon.post("/api/auth/token", json={"email": email, "password": password})


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == status
    return response.json["error"]


# --- register -----------------------------------------------------------------------------------


def test_register_answers_201_with_the_user_and_never_the_password(anon):
    response = anon.post(
        "/api/auth/register",
        json={
            "email": "  Carol.Smith@Example.COM ",
            "password": "longenough",
            "name": " Carol ",
            "dob": "1990-05-17",
            "monthly_income": "4200.50",
        },
    )

    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith("/api/auth/me")
    assert set(body) == {"id", "email", "name", "dob", "monthly_income", "role", "created_at"}
    assert body["email"] == "carol.smith@example.com"
    assert body["name"] == "Carol"
    assert body["dob"] == "1990-05-17"
    assert str(body["monthly_income"]) == "4200.5"
    assert body["role"] == "user"
    assert b"longenough" not in response.data and b"pbkdf2" not in response.data
    user = stored_user("carol.smith@example.com")
    assert user.password_hash != "longenough" and user.check_password("longenough")


def test_register_hashes_with_werkzeugs_slow_default(anon, monkeypatch):
    monkeypatch.undo()  # drop the fast test hashing: this is the one place that checks the real default

    assert anon.post("/api/auth/register", json=NEW_USER).status_code == 201

    assert stored_user("carol@example.com").password_hash.startswith("scrypt:")


def test_password_of_exactly_eight_characters_is_enough(anon):
    response = anon.post("/api/auth/register", json={**NEW_USER, "password": "q7#Lm2vX"})

    assert response.status_code == 201, response.json


@pytest.mark.parametrize("password", ["12345678", "password", "PassWord", "iloveyou", "qwertyuiop", " 123456789 "])
def test_register_refuses_the_most_common_passwords(anon, count_rows, password):
    error = assert_error(anon.post("/api/auth/register", json={**NEW_USER, "password": password}), 400)

    assert error["fields"]["password"] == [MESSAGE]
    assert count_rows("users") == 0


def test_a_password_change_refuses_the_most_common_passwords(api, anon):
    error = assert_error(
        api.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "password1"}), 400
    )

    assert "common" in error["fields"]["new_password"][0]
    assert login(anon).status_code == 200


@pytest.mark.parametrize(
    "change, field",
    [
        ({"password": "1234567"}, "password"),
        ({"password": ""}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "carol@"}, "email"),
        ({"dob": (clock.today_utc() + dt.timedelta(days=1)).isoformat()}, "dob"),
        ({"dob": "1990-02-30"}, "dob"),
        ({"monthly_income": "-1"}, "monthly_income"),
        ({"monthly_income": "10.001"}, "monthly_income"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"role": "admin"}, "role"),
        ({"password_hash": "x"}, "password_hash"),
    ],
)
def test_register_rejects_invalid_fields_with_400(anon, count_rows, change, field):
    error = assert_error(anon.post("/api/auth/register", json={**NEW_USER, **change}), 400)

    assert field in error["fields"]
    assert count_rows("users") == 0


@pytest.mark.parametrize("missing", ["email", "password", "name"])
def test_register_requires_email_password_and_name(anon, missing):
    body = {k: v for k, v in NEW_USER.items() if k != missing}

    assert missing in assert_error(anon.post("/api/auth/register", json=body), 400)["fields"]


@pytest.mark.parametrize("email", ["carol@example.com", "CAROL@Example.com", " carol@example.com "])
def test_register_with_a_taken_email_in_any_case_answers_409(anon, count_rows, email):
    assert anon.post("/api/auth/register", json=NEW_USER).status_code == 201

    error = assert_error(anon.post("/api/auth/register", json={**NEW_USER, "email": email}), 409)

    # Deliberately said (README, "Accounts and security"), without echoing the address.
    assert error["description"] == "An account with this email already exists. Sign in instead."
    assert count_rows("users") == 1


# --- tokens -------------------------------------------------------------------------------------


def test_token_answers_a_bearer_token_that_expires_in_utc(anon, user, app):
    before = dt.datetime.now(dt.UTC)
    response = login(anon)

    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"access_token", "token_type", "expires_at"}
    assert body["token_type"] == "bearer"
    assert len(body["access_token"]) >= 32
    assert body["expires_at"].endswith("Z")
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    ttl = app.config["API_TOKEN_TTL"]
    assert before + ttl - dt.timedelta(seconds=5) <= expires <= dt.datetime.now(dt.UTC) + ttl


def test_token_is_stored_hashed(anon, user):
    plain = login(anon).json["access_token"]

    hashes = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert plain not in hashes
    assert hashlib.sha256(plain.encode()).hexdigest() in hashes


def test_token_works_with_the_email_in_another_case(anon, user):
    assert login(anon, email=" ALICE@example.com").status_code == 200


def test_issued_token_authenticates(anon, client, user):
    token = login(anon).json["access_token"]

    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200 and response.json["email"] == "alice@example.com"


def test_wrong_email_and_wrong_password_get_the_same_401(anon, user):
    wrong_password = login(anon, password="not the password")
    wrong_email = login(anon, email="nobody@example.com")

    assert_error(wrong_password, 401)
    assert wrong_password.data == wrong_email.data
    assert wrong_password.headers["WWW-Authenticate"] == wrong_email.headers["WWW-Authenticate"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "alice@example.com"},
        {"password": PASSWORD},
        {"email": "alice@example.com", "password": PASSWORD, "scope": "all"},
    ],
)
def test_token_rejects_incomplete_or_unknown_fields(anon, user, body):
    assert_error(anon.post("/api/auth/token", json=body), 400)


def test_delete_token_revokes_only_the_presented_token(make_api, user):
    first, second = make_api(user), make_api(user)

    response = first.delete("/api/auth/token")

    assert response.status_code == 204 and response.data == b""
    assert_error(first.get("/api/auth/me"), 401)
    assert second.get("/api/auth/me").status_code == 200


def test_expired_token_answers_401(api, user):
    db.session.execute(sa.update(ApiToken).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    db.session.commit()

    error = assert_error(api.get("/api/auth/me"), 401)

    assert "expired" in error["description"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer ", "Bearer not-a-real-token", "Basic YTpi", "token abc"])
def test_missing_or_malformed_credentials_answer_401_json(client, user, header):
    headers = {"Authorization": header} if header is not None else {}

    response = client.get("/api/auth/me", headers=headers)

    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Location" not in response.headers


# --- profile ------------------------------------------------------------------------------------


def test_me_shows_the_profile(api, user):
    response = api.get("/api/auth/me")

    assert response.status_code == 200
    assert response.json["id"] == user.id
    assert response.json["email"] == "alice@example.com"
    assert response.json["name"] == "Alice"
    assert "password_hash" not in response.json and "password" not in response.json


def test_patch_me_changes_only_what_is_sent_and_null_clears(api):
    full = api.patch("/api/auth/me", json={"name": "Alice B", "dob": "1985-03-04", "monthly_income": "3000"})
    assert full.status_code == 200, full.json

    partial = api.patch("/api/auth/me", json={"name": "Alice C"})
    assert partial.status_code == 200
    assert (partial.json["name"], partial.json["dob"], partial.json["monthly_income"]) == (
        "Alice C",
        "1985-03-04",
        3000,
    )

    cleared = api.patch("/api/auth/me", json={"dob": None, "monthly_income": None})
    assert cleared.status_code == 200
    assert cleared.json["dob"] is None and cleared.json["monthly_income"] is None
    assert api.get("/api/auth/me").json == cleared.json


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "new@example.com"}, "email"),
        ({"role": "admin"}, "role"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"dob": "2999-01-01"}, "dob"),
        ({"dob": "yesterday"}, "dob"),
        ({"monthly_income": "-5"}, "monthly_income"),
    ],
)
def test_patch_me_rejects_invalid_fields_and_changes_nothing(api, body, field):
    before = api.get("/api/auth/me").json

    assert field in assert_error(api.patch("/api/auth/me", json=body), 400)["fields"]

    assert api.get("/api/auth/me").json == before


# --- password change ----------------------------------------------------------------------------


def test_password_change_with_a_wrong_current_password_changes_nothing(make_api, anon, user):
    presenting, other = make_api(user), make_api(user)

    error = assert_error(
        presenting.post(
            "/api/auth/password", json={"current_password": "wrong password", "new_password": "brand new password"}
        ),
        400,
    )

    assert "current_password" in error["fields"]
    assert other.get("/api/auth/me").status_code == 200
    assert login(anon).status_code == 200


def test_password_change_rejects_a_short_new_password(api, anon):
    error = assert_error(
        api.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}), 400
    )

    assert "new_password" in error["fields"]
    assert login(anon).status_code == 200


def test_password_change_revokes_other_tokens_and_keeps_the_presenting_one(make_api, anon, user, other_api):
    presenting, other = make_api(user), make_api(user)

    response = presenting.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "brand new password"}
    )

    assert response.status_code == 204
    assert presenting.get("/api/auth/me").status_code == 200
    assert_error(other.get("/api/auth/me"), 401)
    assert other_api.get("/api/auth/me").status_code == 200  # another user's tokens are untouched
    assert_error(login(anon), 401)
    assert login(anon, password="brand new password").status_code == 200


# --- account deletion ---------------------------------------------------------------------------

OWNED_TABLES = ("goals", "portfolios", "assets", "price_history", "api_tokens", "users")


def test_delete_me_with_a_wrong_password_deletes_nothing(api, seed, count_rows):
    seed(api)
    before = {table: count_rows(table) for table in OWNED_TABLES}

    error = assert_error(api.delete("/api/auth/me", json={"password": "wrong password"}), 400)

    assert "password" in error["fields"]
    assert {table: count_rows(table) for table in OWNED_TABLES} == before
    assert api.get("/api/auth/me").status_code == 200


def test_delete_me_needs_the_password(api):
    assert "password" in assert_error(api.delete("/api/auth/me", json={}), 400)["fields"]
    assert api.get("/api/auth/me").status_code == 200


def test_delete_me_removes_the_user_and_everything_they_own(api, other_api, seed, count_rows):
    seed(api)
    bobs = seed(other_api)
    alone = {"goals": 1, "portfolios": 1, "assets": 1, "price_history": 3, "api_tokens": 1, "users": 1}
    assert {table: count_rows(table) for table in OWNED_TABLES} == {t: 2 * n for t, n in alone.items()}

    response = api.delete("/api/auth/me", json={"password": PASSWORD})

    assert response.status_code == 204
    assert {table: count_rows(table) for table in OWNED_TABLES} == alone
    assert_error(api.get("/api/auth/me"), 401)
    assert other_api.get(f"/api/assets/{bobs['asset']}/prices").json["total"] == 3


# --- admin --------------------------------------------------------------------------------------


def test_admin_user_list_is_forbidden_to_normal_users(api):
    error = assert_error(api.get("/api/admin/users"), 403)

    assert "admin" in error["description"]


def test_admin_user_list_needs_credentials(anon):
    assert_error(anon.get("/api/admin/users"), 401)


def test_admin_lists_every_user_paginated_oldest_first(make_user, make_api, user, other_user):
    admin = make_user(email="root@example.com", role="admin")
    admin_api = make_api(admin)

    first = admin_api.get("/api/admin/users?per_page=2")
    second = admin_api.get("/api/admin/users?per_page=2&page=2")

    assert first.status_code == 200, first.json
    assert (first.json["page"], first.json["per_page"], first.json["total"]) == (1, 2, 3)
    assert [u["email"] for u in first.json["items"]] == ["alice@example.com", "bob@example.com"]
    assert [u["email"] for u in second.json["items"]] == ["root@example.com"]
    assert second.json["items"][0]["role"] == "admin"
    assert all("password_hash" not in u for u in first.json["items"] + second.json["items"])
    assert_error(admin_api.get("/api/admin/users?per_page=101"), 400)


def test_timestamps_read_back_in_utc_whatever_the_servers_time_zone(api):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL hands timestamps back in the session's time zone")
    db.session.execute(sa.text("SET LOCAL TIME ZONE 'Asia/Kolkata'"))  # ends with this test's transaction
    db.session.expire_all()

    created_at = api.get("/api/auth/me").json["created_at"]

    assert created_at.endswith("Z"), created_at


def test_a_token_name_is_stored_as_given_or_api_and_one_too_long_is_refused_not_cut(anon, user, count_rows):
    named = anon.post("/api/auth/token", json={"email": "alice@example.com", "password": PASSWORD, "name": " ci "})
    assert named.status_code == 200 and login(anon).status_code == 200
    assert sorted(db.session.scalars(sa.select(ApiToken.name))) == ["api", "ci"]

    error = assert_error(
        anon.post("/api/auth/token", json={"email": "alice@example.com", "password": PASSWORD, "name": "x" * 81}), 400
    )
    assert list(error["fields"]) == ["name"]
    assert count_rows("api_tokens") == 2
