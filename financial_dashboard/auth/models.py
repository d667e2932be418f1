"""Accounts, their signed-in browser sessions, and the API tokens that stand for them."""

import datetime as dt
import decimal
import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..common.models import MONEY, UTCDateTime, utcnow
from ..extensions import db


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively, so store one canonical form."""
    return email.strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True, index=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    dob: so.Mapped[dt.date | None] = so.mapped_column(sa.Date)
    monthly_income: so.Mapped[decimal.Decimal | None] = so.mapped_column(MONEY)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="user", server_default="user")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    tokens: so.WriteOnlyMapped["ApiToken"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    sessions: so.WriteOnlyMapped["UserSession"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The key of the browser session this object was loaded for (auth/sessions.py); not a column.
    session_key = None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember-me cookies: the key of a server-side session.

        Flask-Login asks for it when it signs the user in; a user not yet tied to a browser session
        (``sessions.sign_in`` ties it first) gets a new one of the default length.
        """
        if self.session_key is None:
            from .sessions import start_session

            start_session(self)
        return self.session_key

    def __eq__(self, other):
        # UserMixin compares get_id(), which would open a session just to compare two users.
        return isinstance(other, User) and other.id == self.id

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One signed-in browser. Its key is in the session cookie (and the remember-me cookie); deleting the
    row ends it on the server, whatever copies of those cookies exist."""

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, index=True)
    remember: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The absolute end, fixed at sign-in; the idle end is last_seen_at plus the idle timeout.
    expires_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(back_populates="sessions")


def hash_token(token: str) -> str:
    # Tokens and session keys are 256 random bits, so a fast digest is enough; slow hashing is for passwords.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), default="api", server_default="api")
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, index=True)
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, ttl: dt.timedelta, name: str = "api") -> tuple["ApiToken", str]:
        """Create a token row; the plain token is returned once and never stored."""
        plain = secrets.token_urlsafe(32)
        token = cls(user=user, name=name, token_hash=hash_token(plain), expires_at=utcnow() + ttl)
        return token, plain

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()
