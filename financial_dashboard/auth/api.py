"""JSON routes for accounts and tokens under /api/auth, and the admin user list."""

import sqlalchemy as sa
from flask import current_app, g

from ..common.api import created, json_body, paginate
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from . import bp, services
from .models import User
from .schemas import (
    CredentialsSchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    ProfileUpdateSchema,
    TokenSchema,
    UserSchema,
)
from .throttling import throttle_registration, throttle_sign_in
from .tokens import admin_required, api_login_required

user_schema = UserSchema()


@bp.post("/api/auth/register")
@api_doc("auth", body=UserSchema, response=UserSchema, status=201, errors=(409, 429), auth=False)
@throttle_registration
def register():
    """Create an account.

    The password needs at least 8 characters and must not be one of the most common passwords. The
    email is stored in lower case; a second account with the same email answers 409. Registrations are
    limited per client address (429 with Retry-After).
    """
    user = services.register_user(json_body(UserSchema))
    return created(user_schema.dump(user), "auth.me")


@bp.post("/api/auth/token")
@api_doc("auth", body=CredentialsSchema, response=TokenSchema, errors=(401, 429), auth=False)
@throttle_sign_in
def create_token():
    """Exchange email and password for a bearer token.

    Send it as `Authorization: Bearer <token>`. Tokens expire after API_TOKEN_TTL_HOURS (30 days by
    default); only a hash is stored, so a lost token cannot be shown again. An account keeps its 50
    newest tokens: a new one beyond that revokes the oldest. Failed attempts are limited per account
    and per client address (429 with Retry-After).
    """
    data = json_body(CredentialsSchema)
    user = services.check_credentials(data["email"], data["password"])
    token, plain = services.issue_token(user, current_app.config["API_TOKEN_TTL"], data["name"])
    return {"access_token": plain, "token_type": "bearer", "expires_at": token.expires_at}


@bp.delete("/api/auth/token")
@api_doc("auth", status=204)
@api_login_required
def revoke_token():
    """Revoke the token this request presents."""
    if g.api_token is not None:
        services.revoke_token(g.api_token)
    return "", 204


@bp.get("/api/auth/me")
@api_doc("auth", response=UserSchema)
@api_login_required
def me():
    """The signed-in user's profile."""
    return user_schema.dump(g.user)


@bp.patch("/api/auth/me")
@api_doc("auth", body=ProfileUpdateSchema, response=UserSchema)
@api_login_required
def update_me():
    """Change name, date of birth or monthly income (send only what changes; null clears the optional ones)."""
    return user_schema.dump(services.update_profile(g.user, json_body(ProfileUpdateSchema, partial=True)))


@bp.post("/api/auth/password")
@api_doc("auth", body=PasswordChangeSchema, status=204)
@api_login_required
def change_password():
    """Change the password; every other token and browser session of the account stops working."""
    data = json_body(PasswordChangeSchema)
    services.change_password(g.user, data["current_password"], data["new_password"], keep=g.api_token)
    return "", 204


@bp.delete("/api/auth/me")
@api_doc("auth", body=PasswordConfirmSchema, status=204)
@api_login_required
def delete_me():
    """Delete the account and everything it owns (goals, portfolios, assets, prices, tokens).

    Needs the password again, so that a stolen token alone cannot destroy the account.
    """
    services.delete_account(g.user, json_body(PasswordConfirmSchema)["password"])
    return "", 204


@bp.get("/api/admin/users")
@api_doc("admin", query=PageQuerySchema, response=page_schema(UserSchema), errors=(403,))
@admin_required
def list_users():
    """List every account, oldest first (admin role only)."""
    return paginate(sa.select(User).order_by(User.id), user_schema.dump)
