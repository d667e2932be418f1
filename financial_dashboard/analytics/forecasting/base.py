"""The forecast-model interface: fit on closes (and features), forecast ``days`` ahead with bands; its errors.

Every model forecasts log returns one step at a time and chains them (a recursive strategy), so one
fitted model answers every horizon from 1 to 30 days. ``predict_paths`` does that from many origins at
once, which is what the walk-forward backtest needs; ``forecast`` is the same from the last close.
Bands are not the model's own opinion: ``calibrate`` hands it the empirical quantiles of its backtest
errors at each horizon, and ``forecast`` applies them to its path.
"""

from __future__ import annotations

import dataclasses
import io
import json
from typing import ClassVar

import numpy as np
import pandas as pd


class ForecastError(Exception):
    """Base of the errors of this package; ``message`` is safe to show to a user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __reduce__(self):
        # Subclasses take other arguments than the message: rebuild from the attributes (the child
        # process of isolated.py sends its errors back pickled).
        return _rebuild_error, (type(self), self.message, dict(self.__dict__))


def _rebuild_error(cls, message, state):
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class UnknownModel(ForecastError):
    def __init__(self, name: str, known: list[str]):
        super().__init__(f"Unknown model {name!r}. Known models: {', '.join(known)}.")
        self.name, self.known = name, known


class ModelUnavailable(ForecastError):
    """The model's library is not installed here."""


class NotEnoughHistory(ForecastError):
    def __init__(self, message: str, needed: int, available: int):
        super().__init__(message)
        self.needed, self.available = needed, available


@dataclasses.dataclass
class Forecast:
    """A forecast path: dates, prices and the band around them (None until the model is calibrated)."""

    dates: list
    prices: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None


def future_dates(last: pd.Timestamp, days: int, weekdays_only: bool) -> list[pd.Timestamp]:
    """The ``days`` dates after ``last``: Monday to Friday for stocks (holidays are not known), every day for crypto."""
    start = pd.Timestamp(last).normalize() + pd.Timedelta(days=1)
    if weekdays_only:
        return list(pd.bdate_range(start=start, periods=days, tz=start.tz))
    return list(pd.date_range(start=start, periods=days, tz=start.tz))


class ForecastModel:
    """Base of every model. Subclasses set ``name`` (by ``register``), ``label`` and ``description``.

    ``uses_features``: the model reads the feature frame (``features.build_features``), not just the closes.
    ``heavy``: training needs a large library (TensorFlow) and takes tens of seconds.
    ``refit_every``: in a backtest, the model is refitted every this many origins (1: at every origin).
    """

    name: ClassVar[str] = "base"
    label: ClassVar[str] = "Base"
    description: ClassVar[str] = ""
    uses_features: ClassVar[bool] = False
    heavy: ClassVar[bool] = False
    refit_every: int = 1
    min_train: ClassVar[int] = 30  # closes needed to fit at all

    def __init__(self, seed: int = 42, weekdays_only: bool = True):
        self.seed = seed
        self.weekdays_only = weekdays_only
        self.closes: pd.Series | None = None
        self.features: pd.DataFrame | None = None
        self.band: np.ndarray | None = None  # shape (horizons, 2): quantiles of log(actual / predicted)

    @classmethod
    def enabled(cls) -> bool:
        """Whether the model's library is installed (checked without importing it)."""
        return True

    # --- fitting ---
    def fit(self, closes: pd.Series, features: pd.DataFrame | None = None, progress=None) -> ForecastModel:
        """Fit on ``closes`` (a float Series on a DatetimeIndex, oldest first) and the aligned ``features``."""
        self._remember(closes, features)
        self._fit(progress)
        return self

    def refit(self, closes: pd.Series, features: pd.DataFrame | None = None, progress=None) -> ForecastModel:
        """Fit again on a longer history; models that can continue from what they learned override this."""
        return self.fit(closes, features, progress)

    def observe(self, closes: pd.Series, features: pd.DataFrame | None = None) -> None:
        """Take newer data without refitting: ``predict_paths`` may then start from later origins."""
        self._remember(closes, features)

    def _remember(self, closes, features):
        if len(closes) < self.min_train:
            raise NotEnoughHistory(
                f"{self.label} needs at least {self.min_train} closes to train, got {len(closes)}.",
                self.min_train,
                len(closes),
            )
        if self.uses_features and (features is None or len(features) != len(closes)):
            raise ValueError(f"{self.label} needs a feature frame aligned with the closes.")
        self.closes = closes.astype("float64")
        self.features = features

    def _fit(self, progress):
        raise NotImplementedError

    # --- forecasting ---
    def predict_paths(self, ends, steps: int) -> np.ndarray:
        """Prices forecast ``steps`` ahead from each position in ``ends`` of the fitted series, using only
        the data up to that position; shape (len(ends), steps)."""
        ends = np.asarray(ends, dtype=int)
        returns = self._predict_returns(ends, steps)
        start = self.closes.to_numpy()[ends]
        return start[:, None] * np.exp(np.cumsum(returns, axis=1))

    def _predict_returns(self, ends: np.ndarray, steps: int) -> np.ndarray:
        """Log returns of each step, shape (len(ends), steps)."""
        raise NotImplementedError

    def forecast(self, days: int) -> Forecast:
        """The next ``days`` prices after the last fitted close, with the calibrated band when there is one."""
        prices = self.predict_paths([len(self.closes) - 1], days)[0]
        dates = future_dates(self.closes.index[-1], days, self.weekdays_only)
        lower = upper = None
        if self.band is not None and len(self.band) >= days:
            lower = prices * np.exp(self.band[:days, 0])
            upper = prices * np.exp(self.band[:days, 1])
        return Forecast(dates, prices, lower, upper)

    def calibrate(self, band: np.ndarray) -> None:
        """Use ``band[h - 1] = (low, high)``, quantiles of log(actual / predicted) at horizon h, for bands."""
        self.band = np.asarray(band, dtype="float64")

    def info(self) -> dict:
        """What the model was trained on and how, for the answer's ``model_info``."""
        return {"training_samples": len(self.closes) if self.closes is not None else 0}

    # --- storage ---
    def to_bytes(self) -> bytes:
        """The fitted state, for the model store (numpy arrays and JSON only: no pickle)."""
        arrays = self._state_arrays()
        meta = {"name": self.name, "seed": self.seed, "weekdays_only": self.weekdays_only, **self._state_meta()}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
        return buffer.getvalue()

    def options(self) -> dict:
        """The constructor's keyword arguments beyond seed and weekdays_only, to rebuild the model."""
        return {}

    def _state_arrays(self) -> dict[str, np.ndarray]:
        return {}

    def _state_meta(self) -> dict:
        return {"options": self.options(), "band": None if self.band is None else self.band.tolist()}

    def _restore(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        """Take back what ``_state_arrays`` and ``_state_meta`` saved."""


def read_state(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """``to_bytes`` read back: (meta, arrays)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    meta = json.loads(arrays.pop("__meta__").tobytes().decode())
    return meta, arrays
