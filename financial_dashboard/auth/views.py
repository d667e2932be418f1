"""Account pages: log in, register, log out, profile, API tokens."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..common.forms import EmptyForm, load_form, submit_form
from . import bp, services
from .forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    TokenForm,
)
from .schemas import (
    CredentialsSchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    ProfileUpdateSchema,
    TokenNameSchema,
    UserSchema,
)
from .sessions import sign_in, sign_out
from .throttling import remember_device, throttle_registration, throttle_sign_in


def _next_url():
    """Where to go after logging in: only a path on this site, never another host."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@throttle_sign_in
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    ok, user = submit_form(
        form, CredentialsSchema, lambda data: services.check_credentials(data["email"], data["password"])
    )
    if ok:
        sign_in(user, remember=form.remember.data)
        return remember_device(redirect(_next_url()), user.email)
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.route("/register", methods=["GET", "POST"])
@throttle_registration
def register_page():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegisterForm()
    ok, user = submit_form(form, UserSchema, services.register_user)
    if ok:
        sign_in(user)
        flash(f"Welcome, {user.name}! Your account is ready.", "success")
        return remember_device(redirect(url_for("dashboard.index")), user.email)
    return render_template("auth/register.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
def logout():
    if EmptyForm().validate_on_submit():
        sign_out()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _profile_page(profile=None, password=None, delete=None, status=200):
    user = current_user
    profile = profile or ProfileForm(
        data={"name": user.name, "dob": user.dob.isoformat() if user.dob else "", "monthly_income": user.monthly_income}
    )
    return render_template(
        "auth/profile.html",
        profile_form=profile,
        password_form=password or PasswordForm(),
        delete_form=delete or DeleteAccountForm(),
    ), status


@bp.get("/profile")
@login_required
def profile():
    return _profile_page()


@bp.post("/profile")
@login_required
def update_profile():
    form = ProfileForm()
    data = load_form(form, ProfileUpdateSchema, partial=True)
    if data is None:
        return _profile_page(profile=form, status=400)
    data.setdefault("dob", None)
    data.setdefault("monthly_income", None)
    services.update_profile(current_user, data)
    flash("Profile saved.", "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/password")
@login_required
def change_password_page():
    form = PasswordForm()
    ok, _ = submit_form(
        form,
        PasswordChangeSchema,
        lambda data: services.change_password(
            current_user, data["current_password"], data["new_password"], keep_session=current_user.session_key
        ),
    )
    if ok:
        flash("Password changed. Other sessions and all API tokens were signed out.", "success")
        return redirect(url_for("auth.profile"))
    return _profile_page(password=form, status=400)


@bp.post("/profile/delete")
@login_required
def delete_account_page():
    form = DeleteAccountForm()
    ok, _ = submit_form(
        form, PasswordConfirmSchema, lambda data: services.delete_account(current_user, data["password"])
    )
    if ok:
        logout_user()
        flash("Your account and all its data were deleted.", "info")
        return redirect(url_for("dashboard.index"))
    return _profile_page(delete=form, status=400)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    ok, issued = submit_form(
        form,
        TokenNameSchema,
        lambda data: services.issue_token(current_user, current_app.config["API_TOKEN_TTL"], data["name"]),
    )
    _, new_token = issued if ok else (None, None)
    return render_template(
        "auth/tokens.html",
        form=form,
        revoke_form=EmptyForm(),
        new_token=new_token,
        tokens=services.list_tokens(current_user),
    ), 400 if form.errors or form.form_errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token_page(token_id):
    if EmptyForm().validate_on_submit():
        services.revoke_token_by_id(current_user, token_id)
        flash("Token revoked.", "info")
    return redirect(url_for("auth.tokens"))
