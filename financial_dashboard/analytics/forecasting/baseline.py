"""The baselines: ``naive`` (the last close carried forward) and ``drift`` (a random walk with drift)."""

from __future__ import annotations

import numpy as np

from . import register
from .base import ForecastModel


@register("naive")
class Naive(ForecastModel):
    label = "Naive"
    description = (
        "Tomorrow equals today: the last close carried forward. The baseline every other model is measured against."
    )
    min_train = 2

    def _fit(self, progress):
        pass

    def _predict_returns(self, ends, steps):
        return np.zeros((len(ends), steps))


@register("drift")
class Drift(ForecastModel):
    label = "Drift"
    description = (
        "Random walk with drift: the last close moved by the average daily log return of the "
        "history up to the forecast origin, compounded for each day ahead."
    )
    min_train = 2

    def _fit(self, progress):
        pass

    def _predict_returns(self, ends, steps):
        # The drift is re-estimated at each origin from the closes up to it, so an origin never sees its future.
        logs = np.log(self.closes.to_numpy())
        drift = (logs[ends] - logs[0]) / np.maximum(ends, 1)
        return np.repeat(drift[:, None], steps, axis=1)

    def info(self):
        logs = np.log(self.closes.to_numpy())
        return {**super().info(), "daily_drift_pct": float(np.expm1((logs[-1] - logs[0]) / (len(logs) - 1)) * 100)}
