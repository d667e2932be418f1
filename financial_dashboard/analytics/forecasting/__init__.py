"""Registry of forecast models, looked up by name (built like market/providers).

Every model forecasts daily closes from ``fit(closes, features)`` and ``forecast(days)``; see ``base.py``.
Importing this package registers naive, drift, random_forest, svr and lstm without importing
scikit-learn or TensorFlow: each model imports its library when it is first fitted.
"""
from __future__ import annotations

import logging

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

logger = logging.getLogger(__name__)

__all__ = [
    "Forecast", "ForecastError", "ForecastModel", "ModelUnavailable", "NotEnoughHistory", "UnknownModel",
    "available_models", "create_model", "future_dates", "get_model_class", "load_model", "model_names", "register",
]

_models: dict[str, type[ForecastModel]] = {}


def register(name: str):
    """Class decorator: make a ForecastModel subclass available under ``name``."""

    def decorator(cls: type[ForecastModel]) -> type[ForecastModel]:
        if not (isinstance(cls, type) and issubclass(cls, ForecastModel)):
            raise TypeError(f"{cls!r} is not a ForecastModel subclass")
        existing = _models.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"Model name {name!r} is already taken by {existing.__qualname__}")
        cls.name = name
        _models[name] = cls
        logger.debug("Registered forecast model %s (%s)", name, cls.__qualname__)
        return cls

    return decorator


def model_names() -> list[str]:
    """Every registered name, in registration order (baselines first)."""
    return list(_models)


def get_model_class(name: str) -> type[ForecastModel]:
    try:
        return _models[name]
    except KeyError:
        raise UnknownModel(name, model_names()) from None


def available_models() -> list[str]:
    """Names of the models whose library is installed, in registration order."""
    return [name for name, cls in _models.items() if cls.enabled()]


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
