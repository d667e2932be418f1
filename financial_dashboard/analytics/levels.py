"""Support and resistance from recent swing lows and highs, the average true range, and a suggested stop-loss."""

import pandas as pd
from ta.volatility import AverageTrueRange

from .numbers import finite

SWING_WINDOW = 5  # a swing high is the highest high of the 5 bars either side
LOOKBACK = 120
LEVELS = 3


def swing_levels(frame: pd.DataFrame, window: int = SWING_WINDOW, lookback: int = LOOKBACK) -> dict:
    """Nearest swing lows under the last close (supports) and swing highs above it (resistances), nearest first."""
    recent = frame.iloc[-lookback:]
    span = 2 * window + 1
    highs = recent["high"][recent["high"] == recent["high"].rolling(span, center=True).max()]
    lows = recent["low"][recent["low"] == recent["low"].rolling(span, center=True).min()]
    close = float(recent["close"].iloc[-1])
    supports = sorted({round(float(v), 8) for v in lows if v < close}, reverse=True)[:LEVELS]
    resistances = sorted({round(float(v), 8) for v in highs if v > close})[:LEVELS]
    return {"support": supports, "resistance": resistances}


def average_true_range(frame: pd.DataFrame, window: int = 14) -> float | None:
    if len(frame) <= window:
        return None
    atr = AverageTrueRange(frame["high"], frame["low"], frame["close"], window=window, fillna=False)
    return finite(atr.average_true_range().iloc[-1])


def stop_loss(close: float, signal: str, levels: dict, atr: float | None) -> tuple[float | None, str]:
    """A stop for the position the signal suggests, with the sentence that explains it.

    Long (BUY or HOLD): half an ATR under the nearest support, but never more than 3 ATR under the close
    (2 ATR when there is no support). Short side (SELL): the mirror image above the nearest resistance.
    """
    if atr is None:
        return None, "Not enough bars for the average true range, so no stop-loss is suggested."
    if signal == "SELL":
        nearest = levels["resistance"][0] if levels["resistance"] else None
        if nearest is None:
            return close + 2 * atr, (
                f"2 ATR ({atr:.2f}) above the close: no swing high above it in the last {LOOKBACK} bars."
            )
        stop = min(nearest + 0.5 * atr, close + 3 * atr)
        return stop, (
            f"Half an ATR ({atr:.2f}) above the nearest resistance ({nearest:.2f}), at most 3 ATR above the close."
        )
    nearest = levels["support"][0] if levels["support"] else None
    if nearest is None:
        return close - 2 * atr, f"2 ATR ({atr:.2f}) under the close: no swing low under it in the last {LOOKBACK} bars."
    stop = max(nearest - 0.5 * atr, close - 3 * atr)
    return stop, f"Half an ATR ({atr:.2f}) under the nearest support ({nearest:.2f}), at most 3 ATR under the close."
