"""Price forecasts (LSTM, random forest, SVR and baselines) that show their own track record against naive."""
from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("predictions", __name__)
add_nav(bp, "Forecasts", "predictions.page", order=45)

from . import api, views  # noqa: E402,F401
