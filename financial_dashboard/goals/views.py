"""Goal pages: list with progress, create, edit, delete, and a goal page with its projection."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..common.forms import EmptyForm, submit_form
from ..errors import AppError
from ..extensions import db
from ..portfolios.services import portfolios_of
from . import bp, services
from .charts import projection_figure
from .forms import ContributionForm, GoalForm
from .schemas import ContributionSchema, GoalSchema, GoalUpdateSchema


def _portfolio_choices(form):
    form.portfolio_id.choices = [SelectChoice("", "— not funded by a portfolio —")] + [
        SelectChoice(str(p.id), p.name) for p in db.session.scalars(portfolios_of(current_user))
    ]


@bp.get("/goals")
@login_required
def goals_page():
    planner = services.Planner(current_user)
    goals = [(goal, planner.plan(goal)) for goal in db.session.scalars(services.goals_of(current_user))]
    return render_template("goals/list.html", goals=goals, delete_form=EmptyForm())


@bp.route("/goals/new", methods=["GET", "POST"])
@login_required
def new_goal():
    form = GoalForm()
    _portfolio_choices(form)
    ok, goal = submit_form(form, GoalSchema, lambda data: services.create_goal(current_user, data))
    if ok:
        flash(f"Goal “{goal.title}” created.", "success")
        return redirect(url_for("goals.goal_page", goal_id=goal.id))
    return render_template("goals/form.html", form=form, goal=None), 400 if form.errors or form.form_errors else 200


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_goal(goal_id):
    goal = services.get_goal(current_user, goal_id)
    form = GoalForm(obj=None if GoalForm().is_submitted() else goal)
    if not form.is_submitted():
        form.portfolio_id.data = str(goal.portfolio_id or "")
    _portfolio_choices(form)
    # An emptied optional input clears the value.
    cleared = dict.fromkeys(("monthly_contribution", "expected_annual_return_pct", "portfolio_id"))
    ok, _ = submit_form(
        form, GoalUpdateSchema, lambda data: services.update_goal(current_user, goal, {**cleared, **data})
    )
    if ok:
        flash("Goal saved.", "success")
        return redirect(url_for("goals.goal_page", goal_id=goal.id))
    return render_template("goals/form.html", form=form, goal=goal), 400 if form.errors or form.form_errors else 200


@bp.post("/goals/<int:goal_id>/delete")
@login_required
def delete_goal_page(goal_id):
    goal = services.get_goal(current_user, goal_id)
    if EmptyForm().validate_on_submit():
        title = goal.title  # read before the commit, after which the deleted row cannot be read again
        services.delete_goal(goal)
        flash(f"Goal “{title}” deleted.", "info")
    return redirect(url_for("goals.goals_page"))


def _goal_page(goal, form, status=200):
    planner = services.Planner(current_user)
    projection = services.projection(goal, planner)
    return render_template(
        "goals/detail.html",
        goal=goal,
        plan=planner.plan(goal),
        projection=projection,
        figure=projection_figure(projection),
        form=form,
        delete_form=EmptyForm(),
    ), status


@bp.get("/goals/<int:goal_id>")
@login_required
def goal_page(goal_id):
    return _goal_page(services.get_goal(current_user, goal_id), ContributionForm())


@bp.post("/goals/<int:goal_id>/contributions")
@login_required
def add_contribution_page(goal_id):
    goal = services.get_goal(current_user, goal_id)
    form = ContributionForm()
    ok, result = submit_form(form, ContributionSchema, lambda data: services.add_contribution(goal, data))
    if ok:
        contribution, _ = result
        flash("Contribution added." if contribution["amount"] > 0 else "Withdrawal recorded.", "success")
        return redirect(url_for("goals.goal_page", goal_id=goal_id))
    return _goal_page(goal, form, status=400)


@bp.post("/goals/<int:goal_id>/contributions/<int:contribution_id>/delete")
@login_required
def delete_contribution_page(goal_id, contribution_id):
    goal = services.get_goal(current_user, goal_id)
    contribution = services.get_contribution(goal, contribution_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_contribution(goal, contribution)
        except AppError as error:
            db.session.rollback()
            flash(error.description, "danger")
        else:
            flash("Contribution deleted.", "info")
    return redirect(url_for("goals.goal_page", goal_id=goal_id))
