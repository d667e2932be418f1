"""Account logic: registration, credentials, tokens, profile changes, deletion."""

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from ..common.models import utcnow
from ..common.ownership import first_or_404
from ..common.transactions import commit_or_raise
from ..errors import Conflict, Unauthorized, ValidationFailed
from ..extensions import db
from .models import ApiToken, User, normalize_email
from .sessions import end_sessions, purge_ended_sessions

BAD_CREDENTIALS = "Invalid email or password."
# Checked when the email is unknown, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def register_user(data: dict, role: str = "user") -> User:
    email = normalize_email(data["email"])
    # Saying so is deliberate (README, "Accounts and security"): without an e-mail round trip, hiding it
    # would not stop enumeration (signing in with the password just chosen tells the same), only confuse.
    taken = Conflict("An account with this email already exists. Sign in instead.")
    if find_user_by_email(email) is not None:
        raise taken
    user = User(
        email=email, name=data["name"], dob=data.get("dob"), monthly_income=data.get("monthly_income"), role=role
    )
    user.set_password(data["password"])
    db.session.add(user)
    commit_or_raise(taken)  # the check above can lose a race with a concurrent registration
    return user


def check_credentials(email: str, password: str) -> User:
    """The user with these credentials, or one generic 401 that does not say which part was wrong."""
    user = find_user_by_email(email)
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized(BAD_CREDENTIALS)
    if not user.check_password(password):
        raise Unauthorized(BAD_CREDENTIALS)
    return user


def issue_token(user: User, ttl, name: str = "api", keep: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``. The user's expired tokens are deleted on the way, and of the live ones
    only the newest ``keep`` (API_TOKENS_PER_USER) stay: issuing one more revokes the oldest."""
    keep = keep if keep is not None else current_app.config["API_TOKENS_PER_USER"]
    token, plain = ApiToken.issue(user, ttl, name)
    db.session.add(token)
    db.session.flush()
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at <= utcnow()))
    newest = (
        sa.select(ApiToken.id)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .limit(keep)
    )
    # Trimming after the insert holds the cap even when two sign-ins race: the later one trims both.
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.id.not_in(newest)))
    db.session.commit()
    return token, plain


def purge_expired() -> tuple[int, int]:
    """Delete every expired token and every ended browser session; returns (tokens, sessions) deleted."""
    tokens = db.session.execute(sa.delete(ApiToken).where(ApiToken.expires_at <= utcnow())).rowcount
    sessions = purge_ended_sessions()
    db.session.commit()
    return tokens, sessions


def revoke_token(token: ApiToken) -> None:
    db.session.delete(token)
    db.session.commit()


def list_tokens(user: User):
    return db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at, ApiToken.id)
    ).all()


def revoke_token_by_id(user: User, token_id: int) -> None:
    revoke_token(
        first_or_404(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id), "Token", token_id)
    )


def update_profile(user: User, changes: dict) -> User:
    for field in ("name", "dob", "monthly_income"):
        if field in changes:
            setattr(user, field, changes[field])
    db.session.commit()
    return user


def change_password(
    user: User, current: str, new: str, keep: ApiToken | None = None, keep_session: str | None = None
) -> None:
    """Set a new password and sign out everywhere else: every token and browser session but the one
    making the change (``keep``, or the session key ``keep_session``)."""
    if not user.check_password(current):
        raise ValidationFailed(
            "The current password is wrong.", fields={"current_password": ["The current password is wrong."]}
        )
    user.set_password(new)
    end_sessions(user.id, keep=keep_session)
    revoke = sa.delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep is not None:
        revoke = revoke.where(ApiToken.id != keep.id)
    db.session.execute(revoke)
    db.session.commit()


def delete_account(user: User, password: str) -> None:
    """Delete the user; the database cascades to goals, portfolios, assets, prices and tokens."""
    if not user.check_password(password):
        raise ValidationFailed("The password is wrong.", fields={"password": ["The password is wrong."]})
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.commit()


def make_admin(email: str, password: str | None = None, name: str | None = None) -> tuple[User, bool]:
    """Promote an existing account, or create one with the admin role; returns (user, created)."""
    user = find_user_by_email(email)
    if user is not None:
        user.role = "admin"
        db.session.commit()
        return user, False
    if not password:
        raise ValidationFailed("A password is needed to create a new account.")
    return register_user({"email": email, "password": password, "name": name or email}, role="admin"), True
