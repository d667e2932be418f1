"""The start page: a landing page for visitors, the dashboard for signed-in users."""
from flask import render_template
from flask_login import current_user

from ..portfolios.charts import allocation_figure, value_figure
from . import bp
from .api import dashboard_data


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    from ..extensions import db
    from ..goals import services as goals

    data = dashboard_data(current_user)
    planner = goals.Planner(current_user)
    goal_rows = [(goal, planner.plan(goal)) for goal in db.session.scalars(goals.goals_of(current_user))]
    figures = {"value": value_figure(data["series"]), "allocation": allocation_figure(data["allocation"], "type")}
    return render_template("dashboard/index.html", data=data, goals=goal_rows, figures=figures)
