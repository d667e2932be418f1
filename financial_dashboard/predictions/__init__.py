"""Price forecasts (LSTM, random forest, SVR against a naive baseline); routes arrive with their issue."""
from flask import Blueprint

bp = Blueprint("predictions", __name__)
