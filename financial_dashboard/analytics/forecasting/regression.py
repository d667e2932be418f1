"""What the random forest and the SVR share: learn the next log return from the features, forecast recursively.

Each step predicts the next return from the current features; the new close it implies updates the
features (``features.FeatureState``) for the step after. The target is the next return, not the next
price, so the models never have to extrapolate to price levels they have not seen. A backtest makes
thousands of one-row predictions, where scikit-learn's input checks cost more than the arithmetic, so
each model also predicts straight from its fitted arrays (``_predict_step``; tests hold it equal to
the pipeline's ``predict``).
"""

from __future__ import annotations

import importlib.util
import pickle

import numpy as np

from .base import ForecastModel
from .features import FEATURES, WARMUP, FeatureState, indicator_memory

PICKLE_FORMAT = 1


class FeatureRegressor(ForecastModel):
    uses_features = True
    min_train = WARMUP + 60
    pipeline = None

    @classmethod
    def enabled(cls):
        return importlib.util.find_spec("sklearn") is not None

    def build_pipeline(self):
        raise NotImplementedError

    def _predict_step(self, x: np.ndarray) -> np.ndarray:
        """The pipeline's prediction for the rows of ``x``, from its fitted arrays."""
        raise NotImplementedError

    def _remember(self, closes, features):
        super()._remember(closes, features)
        self._memory = None  # indicator memory of these closes, computed on first use

    def training_rows(self):
        """Rows with every feature defined and a next return to learn: (X, y)."""
        x = self.features.to_numpy(dtype="float64")
        y = np.log(self.closes.shift(-1) / self.closes).to_numpy()
        usable = np.isfinite(x).all(axis=1) & np.isfinite(y)
        return x[usable], y[usable]

    def _fit(self, progress):
        x, y = self.training_rows()
        self.samples = len(y)
        self.pipeline = self.build_pipeline().fit(x, y)
        self._fitted()

    def _fitted(self):
        """Read what ``_predict_step`` needs out of the fitted pipeline."""

    def _predict_returns(self, ends, steps):
        if self._memory is None:
            self._memory = indicator_memory(self.closes)
        values = self.closes.to_numpy()
        state = FeatureState(values, self._memory, self.features.to_numpy(dtype="float64"), ends)
        closes = values[ends]
        x = state.current
        out = np.empty((len(ends), steps))
        for step in range(steps):
            out[:, step] = self._predict_step(x)
            closes = closes * np.exp(out[:, step])
            if step + 1 < steps:
                x = state.step(closes)
        return out

    def info(self):
        return {**super().info(), "training_samples": getattr(self, "samples", 0), "features": list(FEATURES)}

    def _state_arrays(self):
        # scikit-learn estimators have no format of their own but pickle; the store is as trusted as the database.
        return {"pipeline": np.frombuffer(pickle.dumps((PICKLE_FORMAT, self.pipeline)), dtype=np.uint8)}

    def _state_meta(self):
        return {**super()._state_meta(), "samples": getattr(self, "samples", 0)}

    def _restore(self, meta, arrays):
        version, pipeline = pickle.loads(arrays["pipeline"].tobytes())  # noqa: S301 - written by this app
        if version != PICKLE_FORMAT:
            raise ValueError(f"Stored model format {version} is not {PICKLE_FORMAT}.")
        self.pipeline, self.samples = pipeline, meta.get("samples", 0)
        self._fitted()
