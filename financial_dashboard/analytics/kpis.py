"""Headline figures (return, volatility, drawdown, ...) for one OHLCV price history."""

import math
from typing import Any

import numpy as np
import pandas as pd

from .numbers import finite, ratio

KPI_DEFINITIONS: dict[str, str] = {
    "latest_price": "The closing price of the most recent bar.",
    "first_price": "The closing price of the first bar in the period.",
    "return_pct": "The percentage change from the first close to the latest close.",
    "volatility": "The sample standard deviation of the bar-to-bar percentage changes in the close.",
    "annualized_volatility_pct": (
        "The bar-to-bar volatility scaled to a year by the square root of the number of bars per year."
    ),
    "change": "The latest close minus the previous close.",
    "change_pct": "The latest change as a percentage of the previous close.",
    "high": "The highest traded price over the period.",
    "low": "The lowest traded price over the period.",
    "max_drawdown_pct": ("The largest percentage fall of the close from an earlier peak, as a value of zero or below."),
    "average_volume": "The mean traded volume per bar.",
    "bars": "The number of price bars in the period.",
    "start": "The timestamp of the first bar.",
    "end": "The timestamp of the latest bar.",
}

REQUIRED_COLUMNS = ("open", "high", "low", "close", "volume")


def compute_kpis(ohlc: pd.DataFrame, periods_per_year: int = 252) -> dict[str, Any]:
    """KPIs for an OHLCV frame (DatetimeIndex sorted ascending; open, high, low, close, volume).

    ``periods_per_year`` is the number of bars in a year, used only to annualise
    volatility: 252 for daily stock bars (trading days), 365 for daily crypto
    bars (markets never close). Figures that cannot be computed (too few bars,
    a zero price to divide by) are ``None``, never NaN or inf; ``start``/``end``
    stay pandas Timestamps for the caller to format. See ``KPI_DEFINITIONS``.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in ohlc.columns]
    if missing:
        raise ValueError(f"OHLC frame is missing column(s): {', '.join(missing)}.")
    if not ohlc.index.is_monotonic_increasing:
        raise ValueError("OHLC frame must be sorted by time, oldest first.")
    if periods_per_year <= 0:
        raise ValueError("periods_per_year must be positive.")

    kpis: dict[str, Any] = dict.fromkeys(KPI_DEFINITIONS)
    kpis["bars"] = len(ohlc)
    if ohlc.empty:
        return kpis

    close = ohlc["close"] if ohlc["close"].dtype == "float64" else ohlc["close"].astype("float64")
    first, last = finite(close.iloc[0]), finite(close.iloc[-1])
    kpis.update(
        latest_price=last,
        first_price=first,
        high=finite(ohlc["high"].max()),
        low=finite(ohlc["low"].min()),
        average_volume=finite(ohlc["volume"].mean()),
        start=ohlc.index[0],
        end=ohlc.index[-1],
        max_drawdown_pct=finite(((close / close.cummax() - 1) * 100).min()),
    )

    if len(close) >= 2:
        previous = finite(close.iloc[-2])
        change = None if last is None or previous is None else finite(last - previous)
        gain = None if last is None or first is None else last - first
        # Multiply before dividing: (108 - 100) * 100 / 100 is exactly 8, 108 / 100 - 1 is not.
        kpis.update(
            change=change,
            change_pct=None if change is None else ratio(change * 100, previous),
            return_pct=None if gain is None else ratio(gain * 100, first),
        )

    # ddof=1 needs at least two returns, i.e. three bars. A zero close makes a
    # return infinite; the deviation is then meaningless, so it stays None.
    returns = close.pct_change().iloc[1:] * 100
    if len(returns) >= 2 and not np.isinf(returns.to_numpy()).any():
        volatility = finite(returns.std(ddof=1))
        kpis["volatility"] = volatility
        if volatility is not None:
            kpis["annualized_volatility_pct"] = volatility * math.sqrt(periods_per_year)
    return kpis
