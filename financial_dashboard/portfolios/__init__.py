"""Portfolios: named groups of assets."""
from flask import Blueprint

bp = Blueprint("portfolios", __name__)

from . import api  # noqa: E402,F401
