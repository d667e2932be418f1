"""The start page."""
from flask import render_template
from flask_login import current_user

from . import bp


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    return render_template("dashboard/index.html")
