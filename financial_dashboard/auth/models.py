"""Accounts and the API tokens that stand for them."""
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
    # Bumped on password change so that browser sessions made with the old password stop working.
    session_version: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    tokens: so.WriteOnlyMapped["ApiToken"] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a fast digest is enough; slow hashing is for guessable passwords.
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
