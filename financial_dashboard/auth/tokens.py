"""Who is calling the API: a bearer token, or (for reads only) the browser session."""

from functools import wraps

import sqlalchemy as sa
from flask import g, request
from flask_login import current_user

from ..errors import Forbidden, Unauthorized
from ..extensions import db
from .models import ApiToken, User, hash_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send 'Authorization: Bearer <token>'.")
    return token.strip()


def authenticate():
    """Return the calling user or raise 401.

    Browser sessions may read the API (charts fetch from it) but not change anything: a cookie is sent
    by the browser automatically, so state-changing calls require the token a script sends on purpose.
    """
    if "Authorization" not in request.headers:
        if request.method in SAFE_METHODS and current_user.is_authenticated:
            g.api_token = None
            return current_user._get_current_object()
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <token>'.")
    plain = _bearer_token()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.expired:
        raise Unauthorized("The token is invalid, expired or revoked.")
    g.api_token = token
    return db.session.get(User, token.user_id)


def api_login_required(view):
    """Make ``g.user`` the authenticated caller, or answer 401 JSON (never a redirect)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.user = authenticate()
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.user = authenticate()
        if not g.user.is_admin:
            raise Forbidden("This needs the admin role.")
        return view(*args, **kwargs)

    return wrapper
