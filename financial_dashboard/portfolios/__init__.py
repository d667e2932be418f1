"""Portfolios: named groups of assets."""

from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("portfolios", __name__)
add_nav(bp, "Portfolios", "portfolios.portfolios_page", order=30)

from . import api, views  # noqa: E402,F401
