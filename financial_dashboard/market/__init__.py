"""Market data: stock and crypto prices through pluggable providers, cached and stored."""
from flask import Blueprint

bp = Blueprint("market", __name__)
