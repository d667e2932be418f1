"""Savings goals: what a user saves for, by when."""

from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("goals", __name__)
add_nav(bp, "Goals", "goals.goals_page", order=20)

from . import api, views  # noqa: E402,F401
