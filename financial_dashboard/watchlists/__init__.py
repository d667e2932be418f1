"""Watchlists: symbols a user follows without owning them, with quotes and 30-day sparklines."""

from flask import Blueprint

from ..common.nav import add_nav
from ..market.overview import add_to_universe

bp = Blueprint("watchlists", __name__)
add_nav(bp, "Watchlists", "watchlists.watchlists_page", order=35)
# The market overview looks at every symbol on anyone's watchlist too.
add_to_universe(bp, lambda: services.all_symbols())

from . import api, services, views  # noqa: E402,F401
