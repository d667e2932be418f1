"""Market data: stocks via yfinance, crypto via ccxt, a bundled sample set; cached, stored, served as JSON."""
from flask import Blueprint

bp = Blueprint("market", __name__)

from . import api  # noqa: E402,F401
