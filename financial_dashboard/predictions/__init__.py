"""Price forecasts (LSTM, random forest, SVR and baselines) that show their own track record against naive."""

from flask import Blueprint

from ..common.nav import add_nav

bp = Blueprint("predictions", __name__)
add_nav(bp, "Forecasts", "predictions.page", order=45)


@bp.record_once
def check_model_options(state):
    """A typo in PREDICTIONS_MODEL_OPTIONS stops the app at start, not a forecast at the first request."""
    from ..analytics.forecasting import ForecastError, get_model_class

    for name, options in state.app.config["PREDICTIONS_MODEL_OPTIONS"].items():
        try:
            get_model_class(name)(**options)
        except (ForecastError, TypeError, ValueError) as error:
            raise RuntimeError(f"PREDICTIONS_MODEL_OPTIONS for {name!r} is not valid: {error}") from None


from . import api, views  # noqa: E402,F401
