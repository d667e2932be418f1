"""Portfolio forms; rules in portfolios/schemas.py."""

from flask_wtf import FlaskForm
from wtforms import StringField


class PortfolioForm(FlaskForm):
    name = StringField("Name", render_kw={"required": True, "maxlength": 120})
