"""The start page: a landing page for visitors, the dashboard for signed-in users."""

from flask import render_template
from flask_login import current_user

from ..portfolios.charts import allocation_figure, value_figure
from ..portfolios.figures_cache import cached_figures
from ..portfolios.positions import Holdings
from . import bp, services


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("dashboard/landing.html")
    user = current_user._get_current_object()
    page = cached_figures(user, "dashboard-page", {}, lambda inputs: _page(user, inputs))
    return render_template("dashboard/index.html", **page)


def _page(user, inputs) -> dict:
    """What the page shows, as plain data that the per-user cache can keep (goals as id and title)."""
    holdings = Holdings(user, inputs)  # loaded once for this request
    goal_rows = services.goal_plans(user, holdings)  # planned once: the statuses and the goal rows
    data = services.dashboard(holdings, goal_rows)
    series = data.pop("series")  # drawn into its figure; kept in the cache only once
    figures = {
        "value": value_figure(series) if series else None,
        "allocation": allocation_figure(data["allocation"], "type"),
    }
    goals = [({"id": goal.id, "title": goal.title}, plan) for goal, plan in goal_rows]
    return {"data": data, "goals": goals, "figures": figures}
