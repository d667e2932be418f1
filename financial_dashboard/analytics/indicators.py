"""Technical indicators on a close-price series, computed with the ``ta`` library.

Every function returns series with the same index and length as its input,
NaN during the warm-up bars, so callers can line results up with the history.
"""

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from ta.momentum import RSIIndicator
from ta.trend import MACD, EMAIndicator, SMAIndicator
from ta.volatility import BollingerBands

# fillna=False everywhere: ta would otherwise paint warm-up bars with made-up
# values (0, 50 or back-filled prices) that a chart cannot tell from real ones.
_FILLNA = False


def _prepare(close: pd.Series, *windows: int) -> pd.Series:
    for window in windows:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError(f"Window must be a positive integer, got {window!r}.")
    # ta expects floats; integer prices (e.g. from a sample CSV) would otherwise
    # come back with mixed dtypes depending on the indicator. Float input is used as is (no copy).
    return close if close.dtype == "float64" else close.astype("float64")


def sma(close: pd.Series, window: int) -> pd.Series:
    """Simple moving average over ``window`` bars."""
    close = _prepare(close, window)
    return SMAIndicator(close, window=window, fillna=_FILLNA).sma_indicator()


def ema(close: pd.Series, window: int) -> pd.Series:
    """Exponential moving average with alpha = 2 / (window + 1).

    ta seeds the average with the first close (pandas ``ewm(adjust=False)``)
    and hides the first ``window - 1`` bars.
    """
    close = _prepare(close, window)
    return EMAIndicator(close, window=window, fillna=_FILLNA).ema_indicator()


def rsi(close: pd.Series, window: int = 14) -> pd.Series:
    """Relative Strength Index (0-100) with Wilder smoothing, alpha = 1 / window.

    ta starts the smoothed gains and losses at 0 on the first bar rather than at
    the average of the first ``window`` changes, so early values differ slightly
    from Wilder's book; a window without any loss gives 100.
    """
    close = _prepare(close, window)
    return RSIIndicator(close, window=window, fillna=_FILLNA).rsi()


def _macd_series(close, fast=12, slow=26, signal=9) -> dict[str, pd.Series]:
    close = _prepare(close, fast, slow, signal)
    result = MACD(close, window_slow=slow, window_fast=fast, window_sign=signal, fillna=_FILLNA)
    return {"macd": result.macd(), "signal": result.macd_signal(), "histogram": result.macd_diff()}


def macd(close: pd.Series, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """MACD line (EMA fast - EMA slow), its EMA signal line and the histogram (line - signal)."""
    return pd.DataFrame(_macd_series(close, fast, slow, signal), index=close.index)


def _bollinger_series(close, window=20, k=2) -> dict[str, pd.Series]:
    close = _prepare(close, window)
    bands = BollingerBands(close, window=window, window_dev=k, fillna=_FILLNA)
    return {"middle": bands.bollinger_mavg(), "upper": bands.bollinger_hband(), "lower": bands.bollinger_lband()}


def bollinger(close: pd.Series, window: int = 20, k: float = 2) -> pd.DataFrame:
    """Bollinger bands: SMA middle band, and bands ``k`` population standard deviations away."""
    return pd.DataFrame(_bollinger_series(close, window, k), index=close.index)


def moving_averages(close: pd.Series, windows: Iterable[int] = (20, 50)) -> dict[str, pd.Series]:
    """Simple moving averages keyed ``MA_<window>``, e.g. ``MA_20`` and ``MA_50``."""
    return {f"MA_{window}": sma(close, window) for window in windows}


# Named bundles the API and pages can request by name; each returns named series.
INDICATORS: dict[str, Callable[[pd.Series], dict[str, pd.Series]]] = {
    "rsi": lambda close: {"RSI_14": rsi(close, 14)},
    # The dict builders skip a DataFrame that would only be split apart again.
    "macd": lambda close: _macd_series(close),
    "bollinger": lambda close: _bollinger_series(close),
    "ema": lambda close: {"EMA_12": ema(close, 12), "EMA_26": ema(close, 26)},
}
ALLOWED_INDICATORS: tuple[str, ...] = tuple(INDICATORS)


def compute_indicators(close: pd.Series, names: Iterable[str]) -> dict[str, dict[str, pd.Series]]:
    """Compute the named indicators, e.g. ``{"rsi": {"RSI_14": series}, "macd": {...}}``.

    Raises ``ValueError`` naming the allowed indicators if any name is unknown.
    """
    names = list(names)
    # Check every name before computing anything so a typo fails fast and whole.
    unknown = [name for name in names if name not in INDICATORS]
    if unknown:
        raise ValueError(
            f"Unknown indicator(s): {', '.join(map(str, unknown))}. Allowed: {', '.join(ALLOWED_INDICATORS)}."
        )
    return {name: INDICATORS[name](close) for name in names}


def series_to_list(series: pd.Series) -> list[float | None]:
    """Values as plain floats for JSON, with NaN and +/-inf turned into ``None``."""
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return [float(value) if math.isfinite(value) else None for value in values]
