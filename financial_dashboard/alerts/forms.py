"""The alert form; its rules live in alerts/schemas.py and are applied by common.forms.submit_form."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import NumberInput

CONDITION_CHOICES = [
    SelectChoice("above", "closes above"),
    SelectChoice("below", "closes below"),
    SelectChoice("change_pct_above", "rises in a day by at least (%)"),
]


class AlertForm(FlaskForm):
    symbol = StringField("Symbol", render_kw={"required": True, "maxlength": 32, "autocomplete": "off"})
    condition = SelectField("Condition", choices=CONDITION_CHOICES, validate_choice=False)
    target = StringField("Target", widget=NumberInput(step="any", min="0"), render_kw={"required": True})
    note = StringField("Note (optional)", render_kw={"maxlength": 200})
    next = HiddenField()
