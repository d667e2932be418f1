"""Features for the learned models, built with the analytics indicators, and their step-by-step extension.

``build_features`` computes, for every bar, what the random forest and the SVR learn from: the last five
log returns, RSI 14, the MACD 12/26/9 histogram relative to the close, Bollinger 20/2 %B, 10-bar momentum
and the change in volume. All of them are causal (a bar's value uses no later bar).

A multi-day forecast is recursive: the model predicts the next return, which makes a new close, from
which the features of the next step follow. Recomputing the indicators over the whole series at every
step of every backtest origin would cost seconds, so ``FeatureState`` carries what the indicators
remember (the EMAs, Wilder's averages, the last 20 closes) and updates them one close at a time, for
many paths at once. Its features equal ``build_features`` on the same closes (tests check it); future
volume is unknown and is taken as unchanged (a volume change of 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import indicators

LAGS = 5
RSI_WINDOW = 14
FAST, SLOW, SIGNAL = 12, 26, 9
BAND_WINDOW, BAND_K = 20, 2
MOMENTUM = 10
FEATURES = (
    *(f"return_{lag}" for lag in range(LAGS)),
    "rsi",
    "macd_histogram",
    "bollinger_b",
    "momentum",
    "volume_change",
)
# Bars before the first row where every feature is defined (the MACD signal needs 26 + 9 - 1).
WARMUP = SLOW + SIGNAL - 1


def log_returns(closes: pd.Series) -> pd.Series:
    return np.log(closes).diff()


def build_features(frame: pd.DataFrame) -> pd.DataFrame:
    """The feature frame of an OHLCV frame (same index; NaN during the warm-up bars)."""
    close = frame["close"].astype("float64")
    returns = log_returns(close)
    data = {f"return_{lag}": returns.shift(lag) for lag in range(LAGS)}
    data["rsi"] = indicators.rsi(close, RSI_WINDOW) / 100.0
    macd = indicators.macd(close, FAST, SLOW, SIGNAL)
    data["macd_histogram"] = macd["histogram"] / close
    bands = indicators.bollinger(close, BAND_WINDOW, BAND_K)
    width = bands["upper"] - bands["lower"]
    data["bollinger_b"] = ((close - bands["lower"]) / width).where(width > 0, 0.5)
    data["momentum"] = close / close.shift(MOMENTUM) - 1.0
    volume = frame["volume"].astype("float64").fillna(0.0).clip(lower=0.0)
    data["volume_change"] = np.log1p(volume).diff()
    return pd.DataFrame(data, index=frame.index)[list(FEATURES)]


def wilder_averages(close: pd.Series) -> pd.DataFrame:
    """The smoothed gains and losses behind RSI, as ``ta`` computes them (alpha 1/14, started at 0)."""
    diff = close.diff()
    up = diff.where(diff > 0, 0.0)
    down = -diff.where(diff < 0, 0.0)
    return pd.DataFrame(
        {
            "avg_up": up.ewm(alpha=1 / RSI_WINDOW, adjust=False).mean(),
            "avg_down": down.ewm(alpha=1 / RSI_WINDOW, adjust=False).mean(),
        }
    )


def indicator_memory(closes: pd.Series) -> dict[str, np.ndarray]:
    """What the indicators remember at every bar: the MACD EMAs and signal, Wilder's averages of RSI."""
    macd = indicators.macd(closes, FAST, SLOW, SIGNAL)
    wilder = wilder_averages(closes)
    return {
        "ema_fast": indicators.ema(closes, FAST).to_numpy(),
        "ema_slow": indicators.ema(closes, SLOW).to_numpy(),
        "signal": macd["signal"].to_numpy(),
        "avg_up": wilder["avg_up"].to_numpy(),
        "avg_down": wilder["avg_down"].to_numpy(),
    }


class FeatureState:
    """Indicator memory for many paths; ``step(closes)`` appends one close to each path."""

    def __init__(self, closes: np.ndarray, memory: dict[str, np.ndarray], features: np.ndarray, ends: np.ndarray):
        """Start each path at position ``ends[i]``: ``closes`` and ``features`` (its first input) as arrays,
        ``memory`` from ``indicator_memory`` on the same closes."""
        if np.any(ends < WARMUP + MOMENTUM):
            raise ValueError("Every origin must come after the features' warm-up.")
        for name, values in memory.items():
            setattr(self, name, values[ends])
        depth = max(BAND_WINDOW, MOMENTUM + 1, LAGS + 1)
        # history[:, -1] is each path's latest close.
        self.history = np.stack([closes[end - depth + 1 : end + 1] for end in ends])
        self.current = features[ends].copy()

    def step(self, new_closes: np.ndarray) -> np.ndarray:
        """Append ``new_closes`` (one per path) and return the features of the new bar."""
        previous = self.history[:, -1]
        self.history = np.concatenate([self.history[:, 1:], new_closes[:, None]], axis=1)
        close = new_closes
        self.ema_fast = self.ema_fast + (close - self.ema_fast) * (2 / (FAST + 1))
        self.ema_slow = self.ema_slow + (close - self.ema_slow) * (2 / (SLOW + 1))
        macd = self.ema_fast - self.ema_slow
        self.signal = self.signal + (macd - self.signal) * (2 / (SIGNAL + 1))
        diff = close - previous
        self.avg_up = self.avg_up + (np.maximum(diff, 0.0) - self.avg_up) / RSI_WINDOW
        self.avg_down = self.avg_down + (np.maximum(-diff, 0.0) - self.avg_down) / RSI_WINDOW
        with np.errstate(divide="ignore", invalid="ignore"):
            rsi = np.where(self.avg_down == 0, 100.0, 100.0 - 100.0 / (1.0 + self.avg_up / self.avg_down))
        window = self.history[:, -BAND_WINDOW:]
        mean, std = window.mean(axis=1), window.std(axis=1, ddof=0)
        width = 2 * BAND_K * std
        with np.errstate(divide="ignore", invalid="ignore"):
            percent_b = np.where(width > 0, (close - (mean - BAND_K * std)) / width, 0.5)
        returns = np.log(self.history[:, -LAGS:] / self.history[:, -LAGS - 1 : -1])[:, ::-1]
        momentum = close / self.history[:, -MOMENTUM - 1] - 1.0
        self.current = np.column_stack(
            [returns, rsi / 100.0, (macd - self.signal) / close, percent_b, momentum, np.zeros_like(close)]
        )
        return self.current
