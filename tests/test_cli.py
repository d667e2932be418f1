"""`flask users create-admin EMAIL`."""

import sqlalchemy as sa

from financial_dashboard.auth.models import User
from financial_dashboard.extensions import db


def stored(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_admin_creates_an_admin_account_that_can_sign_in(runner, anon):
    result = runner.invoke(
        args=["users", "create-admin", "Root@Example.com", "--password", "longenough", "--name", "Root"]
    )

    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com" in result.output
    user = stored("root@example.com")
    assert (user.role, user.name) == ("admin", "Root")
    token = anon.post("/api/auth/token", json={"email": "root@example.com", "password": "longenough"})
    assert token.status_code == 200
    users = anon.client.get("/api/admin/users", headers={"Authorization": f"Bearer {token.json['access_token']}"})
    assert users.status_code == 200 and users.json["total"] == 1


def test_create_admin_promotes_an_existing_user(runner, user, other_user):
    result = runner.invoke(args=["users", "create-admin", "ALICE@example.com"])

    assert result.exit_code == 0, result.output
    assert "Promoted admin alice@example.com" in result.output
    assert stored("alice@example.com").role == "admin"
    assert stored("bob@example.com").role == "user"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_create_admin_prompts_for_the_password_of_a_new_account(runner):
    result = runner.invoke(args=["users", "create-admin", "root@example.com"], input="longenough\nlongenough\n")

    assert result.exit_code == 0, result.output
    assert stored("root@example.com").check_password("longenough")


def test_create_admin_rejects_an_invalid_password_and_creates_nothing(runner):
    result = runner.invoke(args=["users", "create-admin", "root@example.com", "--password", "short"])

    assert result.exit_code != 0
    assert "password" in result.output
    assert stored("root@example.com") is None


def test_create_admin_rejects_an_invalid_email(runner):
    result = runner.invoke(args=["users", "create-admin", "not-an-email", "--password", "longenough"])

    assert result.exit_code != 0
    assert "email" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
