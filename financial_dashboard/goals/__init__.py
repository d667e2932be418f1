"""Savings goals: what a user saves for, by when."""
from flask import Blueprint

bp = Blueprint("goals", __name__)

from . import api  # noqa: E402,F401
