"""Asset and price forms; rules in assets/schemas.py and prices/schemas.py."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import NumberInput

from .models import ASSET_TYPES


class AssetForm(FlaskForm):
    name = StringField("Name", render_kw={"required": True, "maxlength": 120})
    type = SelectField("Type", choices=[SelectChoice(t, t) for t in ASSET_TYPES], validate_choice=False)
    symbol = StringField("Market symbol (optional)", render_kw={"placeholder": "AAPL or BTC/USDT", "maxlength": 32})
    quantity = StringField("Quantity (optional)", widget=NumberInput(step="any", min="0"))
    amount_invested = StringField(
        "Amount invested", widget=NumberInput(step="0.01", min="0"), render_kw={"required": True}
    )
    purchase_date = StringField("Purchase date", render_kw={"type": "date", "required": True})
    currency = StringField(
        "Currency (optional)",
        render_kw={"placeholder": "USD", "maxlength": 10, "autocapitalize": "characters", "spellcheck": "false"},
    )


class PriceForm(FlaskForm):
    date = StringField("Date", render_kw={"type": "date", "required": True})
    price = StringField("Price", widget=NumberInput(step="any", min="0"), render_kw={"required": True})


class BulkPriceForm(FlaskForm):
    lines = TextAreaField(
        "Paste date,price lines",
        render_kw={"rows": 6, "placeholder": "2024-03-01,150.25\n2024-03-04,151.10", "spellcheck": "false"},
    )
