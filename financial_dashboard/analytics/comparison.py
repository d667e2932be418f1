"""Comparing price histories: rebased to 0 % on the first common date, correlation of daily returns, risk figures."""

import math

import numpy as np
import pandas as pd

from .numbers import finite


def align(closes: dict[str, pd.Series]) -> pd.DataFrame:
    """The closes side by side on the dates every series has (inner join), oldest first."""
    frame = pd.concat(closes, axis=1, join="inner").sort_index().dropna()
    frame.columns = list(closes)
    return frame


def rebase(aligned: pd.DataFrame) -> pd.DataFrame:
    """Each column as the percentage change since the first row (which is 0 %)."""
    return (aligned / aligned.iloc[0] - 1) * 100


def correlation(aligned: pd.DataFrame) -> list[list[float | None]]:
    """Pearson correlation matrix of the daily returns, in column order; None where it is undefined
    (a series that never moves)."""
    values = aligned.to_numpy(dtype="float64")
    returns = values[1:] / values[:-1] - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        matrix = np.corrcoef(returns, rowvar=False) if len(returns) >= 2 else np.full((values.shape[1],) * 2, np.nan)
    return [[finite(value) for value in row] for row in np.atleast_2d(matrix)]


def figures(close: pd.Series, periods_per_year: int = 252) -> dict:
    """Return, annualised volatility and max drawdown of one aligned series, in percent."""
    values = close.to_numpy(dtype="float64")
    returns = values[1:] / values[:-1] - 1
    volatility = finite(returns.std(ddof=1)) if len(returns) >= 2 else None
    return {
        "return_pct": finite((values[-1] - values[0]) * 100 / values[0]),
        "volatility_pct": None if volatility is None else volatility * 100 * math.sqrt(periods_per_year),
        "max_drawdown_pct": finite(((values / np.maximum.accumulate(values) - 1) * 100).min()),
    }


DEFINITIONS = {
    "rebased": "Each close as the percentage change since the first date all symbols have in common (0 %).",
    "correlation": "Pearson correlation of the daily returns on the common dates, from -1 to 1.",
    "return_pct": "The percentage change from the first to the last common date.",
    "volatility_pct": "The standard deviation of the daily returns, scaled to a year by the square root of "
    "252 (365 when every symbol is crypto), in percent.",
    "max_drawdown_pct": "The largest percentage fall from an earlier peak over the common dates, zero or below.",
}
