"""Request and response schemas for accounts and tokens."""

from marshmallow import fields, validate

from ..common.schemas import BaseSchema, Money, NormalizedEmail, UTCTimestamp, date_between, trimmed
from .passwords import not_common

# A new password: long enough, and not one of the most common ones.
PASSWORD = dict(
    validate=[validate.Length(min=8, max=256), not_common],
    load_only=True,
    metadata={"description": "At least 8 characters; not one of the 8,000 most common passwords."},
)


_past_date = date_between()  # from 1900-01-01 to today, like every other date of the past


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    email = NormalizedEmail(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, **PASSWORD)
    name = trimmed(120, required=True)
    dob = fields.Date(allow_none=True, validate=_past_date, metadata={"description": "Date of birth."})
    monthly_income = Money(allow_none=True)
    role = fields.String(dump_only=True)
    created_at = UTCTimestamp(dump_only=True)


class ProfileUpdateSchema(BaseSchema):
    name = trimmed(120)
    dob = fields.Date(allow_none=True, validate=_past_date)
    monthly_income = Money(allow_none=True)


def _token_name():
    # Longer than the column is refused, never cut; left out (or a blank page input): "api".
    return trimmed(80, load_default="api", metadata={"description": "A label for the token, e.g. the script using it."})


class CredentialsSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    name = _token_name()


class TokenNameSchema(BaseSchema):
    """A new token for the signed-in user (the tokens page; the API takes the name with the credentials)."""

    name = _token_name()


class TokenSchema(BaseSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "bearer"})
    expires_at = UTCTimestamp(required=True)


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(required=True, **PASSWORD)


class PasswordConfirmSchema(BaseSchema):
    password = fields.String(required=True, load_only=True)
