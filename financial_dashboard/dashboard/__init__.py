"""The start page: a landing page for visitors, the dashboard for signed-in users."""

from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("dashboard", __name__)
add_nav(bp, "Dashboard", "dashboard.index", order=10)

from . import api, views  # noqa: E402,F401
