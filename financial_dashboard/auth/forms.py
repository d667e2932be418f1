"""Account forms; their rules live in auth/schemas.py and are applied by common.forms.load_form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.widgets import NumberInput


class LoginForm(FlaskForm):
    email = EmailField("Email", render_kw={"autocomplete": "username", "required": True})
    password = PasswordField("Password", render_kw={"autocomplete": "current-password", "required": True})
    remember = BooleanField("Remember me")


class RegisterForm(FlaskForm):
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})
    email = EmailField("Email", render_kw={"autocomplete": "email", "required": True})
    password = PasswordField(
        "Password (at least 8 characters)", render_kw={"autocomplete": "new-password", "required": True, "minlength": 8}
    )
    dob = StringField("Date of birth (optional)", render_kw={"type": "date"})
    monthly_income = StringField("Monthly income (optional)", widget=NumberInput(step="0.01", min="0"))


class ProfileForm(FlaskForm):
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})
    dob = StringField("Date of birth", render_kw={"type": "date"})
    monthly_income = StringField("Monthly income", widget=NumberInput(step="0.01", min="0"))


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", render_kw={"autocomplete": "new-password", "minlength": 8})


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Password", render_kw={"autocomplete": "current-password"})


class TokenForm(FlaskForm):
    name = StringField("Token name", render_kw={"placeholder": "e.g. my-script", "maxlength": 80})


__all__ = ["LoginForm", "RegisterForm", "ProfileForm", "PasswordForm", "DeleteAccountForm", "TokenForm"]
