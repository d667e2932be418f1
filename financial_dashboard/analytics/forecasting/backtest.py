"""Walk-forward backtest: refit on an expanding window, forecast from each origin, score against naive.

For horizons 1 to ``max_horizon`` the origins are the last ``origins`` bars from which that horizon's
actual close is known, so every horizon is scored on ``origins`` forecasts and the newest data counts.
All horizons come from the same recursive paths: ``origins + max_horizon - 1`` origins in all. A model is
refitted every ``refit_every`` origins on the closes up to the first origin of its block; the origins
after it in the block use the closes up to themselves as input but the same fit, so no origin ever
sees a close after it. The naive forecast (the origin's close) is scored on the same origins.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .base import ForecastModel, NotEnoughHistory

METRICS = {
    "mae": "Mean absolute error of the forecast price, in the price's currency.",
    "rmse": "Root mean squared error of the forecast price.",
    "mape_pct": "Mean absolute error as a percentage of the actual price.",
    "directional_accuracy_pct": "Share of forecasts that called the direction of the move from the origin's "
    "close right (none for naive, which never calls a direction).",
    "mase": "Mean absolute scaled error: the MAE divided by the mean absolute one-day change of the closes "
    "before the first origin (below 1: better than that in-sample naive step).",
}


def needed_history(model: ForecastModel, origins: int, max_horizon: int) -> int:
    """Closes needed to fit the model before the first origin and backtest every horizon."""
    return model.min_train + origins + max_horizon - 1


def origin_positions(n: int, origins: int, max_horizon: int) -> np.ndarray:
    return np.arange(n - max_horizon - origins, n - 1)


@dataclasses.dataclass
class Backtest:
    closes: pd.Series
    positions: np.ndarray  # origins, as positions in closes
    predicted: np.ndarray  # (origins, max_horizon) forecast prices
    origins: int  # origins scored per horizon
    refits: int

    @property
    def max_horizon(self) -> int:
        return self.predicted.shape[1]

    def actual(self) -> np.ndarray:
        values = self.closes.to_numpy()
        steps = self.positions[:, None] + np.arange(1, self.max_horizon + 1)[None, :]
        return np.where(steps < len(values), values[np.minimum(steps, len(values) - 1)], np.nan)

    def summary(self, coverage: float = 0.8) -> list[dict]:
        """One dict per horizon: the model's and naive's metrics on the same origins, their ratio, the band."""
        values = self.closes.to_numpy()
        actual = self.actual()
        start = values[self.positions]
        first = self.positions[0]
        scale = float(np.mean(np.abs(np.diff(values[: first + 1])))) if first > 0 else np.nan
        tail = (1 - coverage) / 2
        dates = self.closes.index
        out = []
        for h in range(1, self.max_horizon + 1):
            rows = np.flatnonzero(self.positions + h <= len(values) - 1)[-self.origins :]
            truth, origin = actual[rows, h - 1], start[rows]
            model = _metrics(self.predicted[rows, h - 1], truth, origin, scale)
            naive = _metrics(origin, truth, origin, scale)
            ratio = model["mae"] / naive["mae"] if naive["mae"] > 0 else None
            logs = np.log(truth / self.predicted[rows, h - 1])
            band = [float(np.quantile(logs, tail)), float(np.quantile(logs, 1 - tail))]
            out.append(
                {
                    "horizon": h,
                    "origins": len(rows),
                    "from": dates[self.positions[rows[0]]],
                    "to": dates[self.positions[rows[-1]]],
                    "model": model,
                    "naive": naive,
                    "ratio_to_naive": ratio,
                    "band": band,
                }
            )
        return out


def _metrics(predicted, actual, origin, scale) -> dict:
    error = predicted - actual
    mae = float(np.mean(np.abs(error)))
    result = {
        "mae": mae,
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mape_pct": float(np.mean(np.abs(error) / np.abs(actual)) * 100),
        "directional_accuracy_pct": None,
        "mase": mae / scale if scale and np.isfinite(scale) and scale > 0 else None,
    }
    called = np.sign(predicted - origin) != 0
    if called.any():
        # Scored where the forecast called a direction at all (naive never does: "no change").
        hits = np.sign(predicted - origin) == np.sign(actual - origin)
        result["directional_accuracy_pct"] = float(np.mean(hits[called]) * 100)
    return result


def walk_forward(
    model: ForecastModel,
    closes: pd.Series,
    features: pd.DataFrame | None = None,
    *,
    origins: int = 60,
    max_horizon: int = 30,
    progress=None,
) -> Backtest:
    """Backtest ``model`` on ``closes``; leaves it fitted on the closes up to its last block's first origin."""
    n = len(closes)
    needed = needed_history(model, origins, max_horizon)
    if n < needed:
        raise NotEnoughHistory(
            f"{needed} closes are needed ({model.min_train} to train on, plus {origins + max_horizon - 1} for a "
            f"backtest of {origins} forecast origins up to {max_horizon} days ahead); {n} are available.",
            needed,
            n,
        )
    positions = origin_positions(n, origins, max_horizon)
    predicted = np.empty((len(positions), max_horizon))
    every = max(1, int(model.refit_every))
    blocks = range(0, len(positions), every)
    for number, start in enumerate(blocks):
        block = positions[start : start + every]
        first = block[0]
        prefix_features = None if features is None else features.iloc[: first + 1]
        fit = model.fit if number == 0 else model.refit
        fit(closes.iloc[: first + 1], prefix_features, progress)
        # The same fit, fed the closes up to each origin of the block (and only those: see predict_paths).
        model.observe(closes, features)
        predicted[start : start + len(block)] = model.predict_paths(block, max_horizon)
        if progress is not None:
            progress({"stage": "backtest", "block": number + 1, "blocks": len(blocks)})
    return Backtest(closes, positions, predicted, origins, len(blocks))


VERDICT_UNITS = {True: "trading days", False: "days"}


def verdict(name: str, summary: dict, trading_days: bool = True) -> str:
    """The backtest of one horizon in one plain sentence (``name`` "naive" describes the baseline itself)."""
    span = f"Over the last {summary['origins']} {VERDICT_UNITS[trading_days]}"
    horizon = f"{summary['horizon']}-day"
    ratio = summary["ratio_to_naive"]
    if name == "naive":
        return (
            f"{span} assuming no change missed the {horizon} close by {summary['naive']['mape_pct']:.1f} % "
            f"on average; this is the baseline every model must beat."
        )
    if ratio is None:
        return f"{span} the price did not move, so its {horizon} forecasts cannot be compared with assuming no change."
    change = round(abs(1 - ratio) * 100)
    if change == 0:
        return f"{span} its {horizon} forecasts were as accurate as assuming no change."
    if ratio < 1:
        return f"{span} its {horizon} forecasts were {change} % more accurate than assuming no change."
    return (
        f"{span} its {horizon} forecasts were {change} % less accurate than assuming no change: "
        f"it does not beat the naive forecast."
    )
