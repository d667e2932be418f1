"""Browser sessions with Flask-Login."""
from ..extensions import db
from .models import User


def load_user(session_id: str):
    """Session ids are ``"<user id>:<session version>"``; a password change bumps the version."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
