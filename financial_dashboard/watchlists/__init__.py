"""Watchlists: symbols a user follows without owning them, with quotes and 30-day sparklines."""
from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("watchlists", __name__)
add_nav(bp, "Watchlists", "watchlists.watchlists_page", order=35)

from . import api, views  # noqa: E402,F401
