"""Comparing price histories: rebased to 0 % on the first common date, correlation of daily returns, risk figures."""
import math

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
    matrix = aligned.pct_change().iloc[1:].corr()
    return [[finite(matrix.iloc[i, j]) for j in range(len(matrix))] for i in range(len(matrix))]


def figures(close: pd.Series, periods_per_year: int = 252) -> dict:
    """Return, annualised volatility and max drawdown of one aligned series, in percent."""
    returns = close.pct_change().iloc[1:]
    volatility = finite(returns.std(ddof=1)) if len(returns) >= 2 else None
    return {
        "return_pct": finite((close.iloc[-1] - close.iloc[0]) * 100 / close.iloc[0]),
        "volatility_pct": None if volatility is None else volatility * 100 * math.sqrt(periods_per_year),
        "max_drawdown_pct": finite(((close / close.cummax() - 1) * 100).min()),
    }


DEFINITIONS = {
    "rebased": "Each close as the percentage change since the first date all symbols have in common (0 %).",
    "correlation": "Pearson correlation of the daily returns on the common dates, from -1 to 1.",
    "return_pct": "The percentage change from the first to the last common date.",
    "volatility_pct": "The standard deviation of the daily returns, scaled to a year by the square root of "
                      "252 (365 when every symbol is crypto), in percent.",
    "max_drawdown_pct": "The largest percentage fall from an earlier peak over the common dates, zero or below.",
}
