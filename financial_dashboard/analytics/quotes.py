"""A quote from a price history: latest close, previous close, day change, change over N days, a sparkline."""

import pandas as pd

from .numbers import finite, ratio


def significant(value: float | None, digits: int = 12) -> float | None:
    """Float noise trimmed by significant digits (430.47 - 441.4 is -10.93, not -10.92999999999995)."""
    return None if value is None else float(f"{value:.{digits}g}")


def quote_figures(frame: pd.DataFrame, days: int = 30) -> dict:
    """Figures of the newest bar of an OHLCV frame (UTC DatetimeIndex, oldest first).

    ``change_{days}d_pct`` compares the latest close with the last close on or before ``days`` calendar
    days earlier; None when the history does not reach back that far. Nothing is NaN: missing is None.
    """
    figures = {
        "price": None,
        "previous_close": None,
        "change": None,
        "change_pct": None,
        "volume": None,
        f"change_{days}d_pct": None,
    }
    if frame.empty:
        return figures
    close = frame["close"]
    last = finite(close.iloc[-1])
    figures.update(price=last, volume=finite(frame["volume"].iloc[-1]))
    if len(close) >= 2:
        previous = finite(close.iloc[-2])
        change = None if last is None or previous is None else last - previous
        figures.update(
            previous_close=previous,
            change=significant(change),
            change_pct=significant(None if change is None else ratio(change * 100, previous)),
        )
    cutoff = close.index[-1] - pd.Timedelta(days=days)
    before = close[close.index <= cutoff]
    if not before.empty and last is not None:
        base = finite(before.iloc[-1])
        figures[f"change_{days}d_pct"] = significant(None if base is None else ratio((last - base) * 100, base))
    return figures


def sparkline(frame: pd.DataFrame, days: int = 30) -> list[float]:
    """The closes of the last ``days`` calendar days, for a small chart (NaN left out)."""
    if frame.empty:
        return []
    close = frame["close"]
    recent = close[close.index >= close.index[-1] - pd.Timedelta(days=days)]
    return [float(value) for value in recent.dropna()]
