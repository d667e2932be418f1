"""Accounts: registration, browser sessions, API tokens, profile and the admin user list."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import api, views  # noqa: E402,F401  (routes register themselves on import)
