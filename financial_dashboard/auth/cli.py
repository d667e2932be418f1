"""`flask users ...` commands."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..errors import AppError
from . import services
from .schemas import UserSchema

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", help="Display name when a new account is created.")
@click.option(
    "--password",
    envvar="ADMIN_PASSWORD",
    help="Password for a new account (prompted for when missing; or set ADMIN_PASSWORD).",
)
def create_admin(email, name, password):
    """Give EMAIL the admin role, creating the account when it does not exist."""
    if services.find_user_by_email(email) is None and not password:
        password = click.prompt("Password for the new admin", hide_input=True, confirmation_prompt=True)
    if password:
        try:
            UserSchema().load({"email": email, "password": password, "name": name or email})
        except ValidationError as error:
            raise click.ClickException(f"Invalid account: {error.messages}") from None
    try:
        user, was_created = services.make_admin(email, password, name)
    except AppError as error:
        raise click.ClickException(error.description) from None
    click.echo(f"{'Created' if was_created else 'Promoted'} admin {user.email} (id {user.id}).")


@users_cli.command("purge-tokens")
def purge_tokens():
    """Delete expired API tokens and ended browser sessions (sign-ins also tidy their own account)."""
    tokens, sessions = services.purge_expired()
    click.echo(f"Deleted {tokens} expired token(s) and {sessions} ended browser session(s).")
