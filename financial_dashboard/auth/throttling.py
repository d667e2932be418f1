"""Sign-in and registration throttling (OWASP ASVS 4.0.3, 2.2.1), with Flask-Limiter.

Failed sign-ins are counted per account and per client address, over the login form and the token API
together; only failures count (a 400 or 401 answer), so a user who types the right password is never
slowed down by their own successes. Registrations are counted per address. Past a limit the answer is
429 with ``Retry-After`` (JSON under /api, the error page elsewhere), before any password is hashed.
The figures are settings (LOGIN_LIMIT_PER_ACCOUNT, LOGIN_LIMIT_PER_ADDRESS, REGISTER_LIMIT_PER_ADDRESS).

Counting per account lets an attacker hold an account at its limit, locking its owner out too. So a
browser that signed in to the account before carries a signed "known device" cookie, and its attempts
count in a bucket of their own (with the same limits): the owner's browser still gets in while someone
else hammers the account (OWASP's device cookies; ASVS 2.2.1 lists "first login on a device").
"""

import hashlib
import secrets
import time

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from ..extensions import limiter
from .models import normalize_email


def client_address() -> str:
    # The PaaS router's X-Forwarded-For is trusted only as far as TRUSTED_PROXY_HOPS (security.py).
    return request.remote_addr or "unknown"


DEVICE_COOKIE = "known_device"
DEVICE_DAYS = 90


def _devices():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _digest(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def remember_device(response, email: str):
    """Mark this browser as one that signed in to the account (after a successful sign-in)."""
    value = _devices().dumps({"account": _digest(email), "device": secrets.token_urlsafe(12)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def _known_device(account: str) -> str | None:
    try:
        data = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return data.get("device") if isinstance(data, dict) and data.get("account") == account else None


def account_key() -> str:
    """The account a sign-in names, hashed (no e-mail address is written to Redis), and the known device
    it comes from if any; "" skips the limit."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            email = body.get("email") if isinstance(body, dict) else None
        else:
            email = request.form.get("email")
    except HTTPException:  # a body over the size limit: the view answers 413 on its own
        return ""
    if not isinstance(email, str) or not email.strip():
        return ""
    account = _digest(email)
    device = _known_device(account)
    return f"account:{account}:device:{device}" if device else f"account:{account}"


def _failed(response) -> bool:
    return response.status_code in (400, 401)


def _retry_after(request_limit) -> Response:
    # Flask-Limiter embeds this answer in its 429; errors.py copies its Retry-After into the app's own.
    seconds = max(1, int(request_limit.reset_at - time.time()))
    return Response(status=429, headers={"Retry-After": str(seconds)})


def _message(what: str):
    def message():
        breached = limiter.current_limit
        seconds = max(1, int(breached.reset_at - time.time())) if breached else 60
        return f"{what} Try again in {seconds} seconds."

    return message


def _config(name):
    return lambda: current_app.config[name]


sign_in_per_account = limiter.shared_limit(
    _config("LOGIN_LIMIT_PER_ACCOUNT"),
    scope="sign-in-account",
    key_func=account_key,
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_retry_after,
    error_message=_message("Too many failed sign-in attempts for this account."),
)
sign_in_per_address = limiter.shared_limit(
    _config("LOGIN_LIMIT_PER_ADDRESS"),
    scope="sign-in-address",
    key_func=client_address,
    methods=["POST"],
    deduct_when=_failed,
    on_breach=_retry_after,
    error_message=_message("Too many failed sign-in attempts from your network."),
)
registration_per_address = limiter.shared_limit(
    _config("REGISTER_LIMIT_PER_ADDRESS"),
    scope="register-address",
    key_func=client_address,
    methods=["POST"],
    on_breach=_retry_after,
    error_message=_message("Too many registrations from your network."),
)


def throttle_sign_in(view):
    """For the login form and the token API: both limits, one shared count each."""
    return sign_in_per_account(sign_in_per_address(view))


def throttle_registration(view):
    return registration_per_address(view)
