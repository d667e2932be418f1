"""The start page: a landing page for visitors, the dashboard for signed-in users."""
from flask import render_template
from flask_login import current_user

from ..portfolios.charts import allocation_figure, value_figure
from ..portfolios.positions import Holdings
from . import bp, services


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    holdings = Holdings(current_user)  # loaded once for this request
    goal_rows = services.goal_plans(current_user, holdings)  # planned once: the statuses and the goal rows
    data = services.dashboard(holdings, goal_rows)
    figures = {"value": value_figure(data["series"]), "allocation": allocation_figure(data["allocation"], "type")}
    return render_template("dashboard/index.html", data=data, goals=goal_rows, figures=figures)
