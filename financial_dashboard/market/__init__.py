"""Market data: stocks via yfinance, crypto via ccxt, a bundled sample set; cached, stored, served as JSON."""

from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("market", __name__)
add_nav(bp, "Markets", "market.explorer", order=40, requires_login=False)

from . import api, views  # noqa: E402,F401
