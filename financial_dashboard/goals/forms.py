"""Goal forms; their rules live in goals/schemas.py and are applied by common.forms.load_form."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.widgets import NumberInput


class GoalForm(FlaskForm):
    title = StringField("Title", render_kw={"required": True, "maxlength": 120})
    target_amount = StringField(
        "Target amount", widget=NumberInput(step="0.01", min="0.01"), render_kw={"required": True}
    )
    current_savings = StringField("Saved so far", widget=NumberInput(step="0.01", min="0"))
    target_date = StringField("Target date", render_kw={"type": "date", "required": True})
    monthly_contribution = StringField("Monthly contribution", widget=NumberInput(step="0.01", min="0"))
    expected_annual_return_pct = StringField("Expected annual return (%)", widget=NumberInput(step="0.01"))
    portfolio_id = SelectField("Funded by portfolio", choices=[], validate_choice=False)


class ContributionForm(FlaskForm):
    amount = StringField("Amount (negative to withdraw)", widget=NumberInput(step="0.01"), render_kw={"required": True})
    date = StringField("Date", render_kw={"type": "date", "required": True})
    note = StringField("Note", render_kw={"maxlength": 200})
