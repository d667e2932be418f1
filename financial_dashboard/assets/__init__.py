"""Assets: what a portfolio holds."""

from flask import Blueprint

bp = Blueprint("assets", __name__)

from . import api, views  # noqa: E402,F401
