"""Registry of forecast models, looked up by name (built like market/providers).

Every model forecasts daily closes from ``fit(closes, features)`` and ``forecast(days)``; see ``base.py``.
Importing this package registers naive, drift, random_forest, svr and lstm without importing
scikit-learn or TensorFlow: each model imports its library when it is first fitted.
"""

from __future__ import annotations

from ...common.registry import Registry
from .base import (
    Forecast,
    ForecastError,
    ForecastModel,
    ModelUnavailable,
    NotEnoughHistory,
    UnknownModel,
    future_dates,
    read_state,
)

__all__ = [
    "Forecast",
    "ForecastError",
    "ForecastModel",
    "ModelUnavailable",
    "NotEnoughHistory",
    "UnknownModel",
    "available_models",
    "create_model",
    "future_dates",
    "get_model_class",
    "load_model",
    "model_names",
    "register",
]

_models = Registry(ForecastModel, "Model", UnknownModel)
register = _models.register


def model_names() -> list[str]:
    """Every registered name, in registration order (baselines first)."""
    return _models.names()


def get_model_class(name: str) -> type[ForecastModel]:
    return _models.get(name)


def available_models() -> list[str]:
    """Names of the models whose library is installed, in registration order."""
    return _models.available()


def create_model(name: str, **options) -> ForecastModel:
    cls = get_model_class(name)
    if not cls.enabled():
        raise ModelUnavailable(f"The {name} model is not available here: its library is not installed.")
    return cls(**options)


def load_model(data: bytes, closes, features=None) -> ForecastModel:
    """A model saved with ``to_bytes``, ready to forecast from ``closes`` (the data it was fitted on)."""
    meta, arrays = read_state(data)
    model = create_model(meta["name"], seed=meta["seed"], weekdays_only=meta["weekdays_only"], **meta["options"])
    model._remember(closes, features)
    model._restore(meta, arrays)
    if meta.get("band") is not None:
        model.calibrate(meta["band"])
    return model


# Importing the modules registers them; the order is the order of the comparison table.
from . import baseline, lstm, random_forest, svr  # noqa: E402,F401
