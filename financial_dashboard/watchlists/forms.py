"""Watchlist forms; their rules live in watchlists/schemas.py and are applied by common.forms.submit_form."""

from flask_wtf import FlaskForm
from wtforms import StringField


class WatchlistForm(FlaskForm):
    name = StringField("Name", render_kw={"required": True, "maxlength": 120})


class ItemForm(FlaskForm):
    symbol = StringField(
        "Symbol", render_kw={"required": True, "maxlength": 32, "autocomplete": "off", "placeholder": "AAPL, BTC/USDT"}
    )
