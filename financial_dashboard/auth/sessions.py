"""Browser sessions that end on the server: one ``UserSession`` row per sign-in, found by the random key
that Flask-Login keeps in the session cookie and in the remember-me cookie.

A session ends when its row goes: at logout (this browser only), when the password changes (every other
browser), when it has been idle longer than SESSION_IDLE_TIMEOUT, or at its absolute end
(SESSION_ABSOLUTE_TIMEOUT after sign-in, REMEMBER_COOKIE_DURATION with "remember me"). A copy of the
cookies, however valid their signature, then opens nothing.
"""

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from ..common.models import utcnow
from ..extensions import db
from .models import User, UserSession, hash_token

# last_seen_at is written at most this often per session: the idle timeout needs no finer clock than
# that, and most requests then read the row without writing it.
TOUCH_EVERY = dt.timedelta(seconds=60)


def _idle_limit(row: UserSession) -> dt.timedelta:
    # "Remember me" asks to stay signed in while away: such a session ends only at its absolute end.
    config = current_app.config
    return config["REMEMBER_COOKIE_DURATION"] if row.remember else config["SESSION_IDLE_TIMEOUT"]


def start_session(user: User, remember: bool = False) -> str:
    """Open a server-side session for ``user`` and tie the object to it; returns its key (also in
    ``user.session_key``). Ended sessions of the user are deleted on the way."""
    config = current_app.config
    now = utcnow()
    key = secrets.token_urlsafe(32)
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_ABSOLUTE_TIMEOUT"]
    purge_ended_sessions(user_id=user.id, now=now)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=hash_token(key),
            remember=remember,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.commit()
    user.session_key = key
    return key


def sign_in(user: User, remember: bool = False) -> None:
    """Log ``user`` in on this browser with a new server-side session and a fresh CSRF secret.

    Whatever the session cookie held before (a CSRF secret issued to the anonymous visitor, say) is
    dropped, so nothing seen before sign-in is valid after it.
    """
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the signed token of the old secret for this request
    start_session(user, remember)
    login_user(user, remember=remember, duration=current_app.config["REMEMBER_COOKIE_DURATION"])


def sign_out() -> None:
    """End this browser's session on the server, then forget it in the cookies."""
    if current_user.is_authenticated and current_user.session_key:
        end_sessions(current_user.id, only=current_user.session_key)
        db.session.commit()
    logout_user()


def end_sessions(user_id: int, *, only: str | None = None, keep: str | None = None) -> None:
    """Delete the user's session ``only`` (a key), or all of them but ``keep``; the caller commits."""
    query = sa.delete(UserSession).where(UserSession.user_id == user_id)
    if only is not None:
        query = query.where(UserSession.key_hash == hash_token(only))
    if keep is not None:
        query = query.where(UserSession.key_hash != hash_token(keep))
    db.session.execute(query)


def purge_ended_sessions(user_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete sessions past their absolute or idle end (of one user, or everyone's); the caller commits."""
    now = now or utcnow()
    config = current_app.config
    idle_cutoff = now - config["SESSION_IDLE_TIMEOUT"]
    ended = sa.or_(
        UserSession.expires_at <= now, sa.and_(UserSession.remember.is_(False), UserSession.last_seen_at <= idle_cutoff)
    )
    query = sa.delete(UserSession).where(ended)
    if user_id is not None:
        query = query.where(UserSession.user_id == user_id)
    return db.session.execute(query).rowcount


def load_user(key: str):
    """Flask-Login's user loader: the user of a live session with this key, else None (signed out)."""
    if not key or len(key) > 128:
        return None
    row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == hash_token(key)))
    if row is None:
        return None
    now = utcnow()
    if row.expires_at <= now or row.last_seen_at + _idle_limit(row) <= now:
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    user = db.session.get(User, row.user_id)
    user.session_key = key
    return user
