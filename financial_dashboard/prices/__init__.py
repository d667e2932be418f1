"""Price history of assets."""

from flask import Blueprint

bp = Blueprint("prices", __name__)

from . import api  # noqa: E402,F401
