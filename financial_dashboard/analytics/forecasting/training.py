"""One training of one model on one symbol's bars: backtest, final fit, calibrated bands, the stored forecast.

The result holds everything an answer needs (the backtest per horizon and the forecast path up to
``max_horizon`` days), so answering from a stored training never loads the model or its library.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from . import create_model, get_model_class
from .backtest import needed_history, walk_forward
from .base import NotEnoughHistory
from .features import build_features

MAX_HORIZON = 30
ORIGINS = 60
COVERAGE = 0.8


@dataclasses.dataclass
class TrainedModel:
    name: str
    payload: bytes  # the fitted model (ForecastModel.to_bytes)
    info: dict
    horizons: list[dict]  # backtest.Backtest.summary(): horizon 1 .. max_horizon
    prices: list[float]  # forecast from the last close, max_horizon days
    lower: list[float]
    upper: list[float]
    last_bar: pd.Timestamp
    seconds: float


def required_closes(name: str, origins: int = ORIGINS, max_horizon: int = MAX_HORIZON, **options) -> int:
    """How many closes a training of ``name`` needs, without training (for a 400 before any work)."""
    return needed_history(get_model_class(name)(**options), origins, max_horizon)


def check_history(name: str, available: int, origins: int = ORIGINS, max_horizon: int = MAX_HORIZON, **options):
    needed = required_closes(name, origins, max_horizon, **options)
    if available < needed:
        min_train = get_model_class(name)(**options).min_train
        raise NotEnoughHistory(
            f"The {name} forecast needs at least {needed} daily closes ({min_train} to train on, plus "
            f"{origins + max_horizon - 1} for a backtest of {origins} forecast origins up to {max_horizon} days "
            f"ahead); {available} are available.",
            needed,
            available,
        )


def train(
    name: str,
    frame: pd.DataFrame,
    *,
    options: dict | None = None,
    origins: int = ORIGINS,
    max_horizon: int = MAX_HORIZON,
    coverage: float = COVERAGE,
    weekdays_only: bool = True,
    progress=None,
) -> TrainedModel:
    """Backtest ``name`` on ``frame`` (OHLCV, oldest first), then fit it on every close and forecast."""
    started = time.perf_counter()
    options = dict(options or {})
    closes = frame["close"].astype("float64")
    check_history(name, len(closes), origins, max_horizon, **options)
    model = create_model(name, weekdays_only=weekdays_only, **options)
    features = build_features(frame) if model.uses_features else None
    backtest = walk_forward(model, closes, features, origins=origins, max_horizon=max_horizon, progress=progress)
    horizons = backtest.summary(coverage)
    final = None if progress is None else (lambda event: progress({**event, "stage": "final"}))
    model.refit(closes, features, final)
    model.calibrate([h["band"] for h in horizons])
    forecast = model.forecast(max_horizon)
    if not (np.all(np.isfinite(forecast.prices)) and np.all(forecast.prices > 0)):
        raise NotEnoughHistory(f"The {name} model produced no usable forecast on these closes.", 0, len(closes))
    info = {
        **model.info(),
        "refits": backtest.refits + 1,
        "refit_every": model.refit_every,
        "data_range": {"from": closes.index[0], "to": closes.index[-1]},
        "closes": len(closes),
        "method": "recursive",
        "band_coverage_pct": round(coverage * 100),
    }
    return TrainedModel(
        name,
        model.to_bytes(),
        info,
        horizons,
        forecast.prices.tolist(),
        forecast.lower.tolist(),
        forecast.upper.tolist(),
        closes.index[-1],
        time.perf_counter() - started,
    )
