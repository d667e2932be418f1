"""Trading signals from indicators: four rules scored per bar, combined into BUY, SELL or HOLD with reasons.

Each rule scores every bar from -1 (sell) to +1 (buy), NaN while its indicators warm up:

- RSI 14: below 30 (oversold) +1, above 70 (overbought) -1, else 0;
- MACD 12/26/9: crossed above its signal line within the last 3 bars +1, below -1; else +0.5 / -0.5 for the side
  it is on;
- MA 20 / MA 50: MA 20 crossed above MA 50 within the last 5 bars +1 (golden cross), below -1 (death cross); else
  +0.5 / -0.5 for the side it is on;
- Bollinger 20/2: a close below the lower band +1, above the upper band -1, else 0.

The signal is the mean of the four scores: BUY at +0.25 or more, SELL at -0.25 or less, HOLD between; its
strength is the size of that mean (0 to 1). The same vectorised scores drive the backtest, so the reading
shown today is exactly the one the backtest followed on every past bar.
"""

import dataclasses

import numpy as np
import pandas as pd

from .indicators import bollinger, macd, rsi, sma

THRESHOLD = 0.25
MACD_CROSS_BARS = 3
MA_CROSS_BARS = 5
RULES = ("rsi", "macd", "ma", "bollinger")
WARM_UP = 50  # bars before every rule has a value (MA 50)


@dataclasses.dataclass
class Reading:
    signal: str
    strength: float
    score: float
    reasons: list[str]
    scores: dict[str, float | None]


def indicators(close: pd.Series) -> pd.DataFrame:
    """The indicator values the rules read, aligned with ``close``."""
    lines = macd(close)
    bands = bollinger(close)
    return pd.DataFrame(
        {
            "close": close,
            "rsi": rsi(close, 14),
            "macd": lines["macd"],
            "macd_signal": lines["signal"],
            "ma20": sma(close, 20),
            "ma50": sma(close, 50),
            "bb_upper": bands["upper"],
            "bb_lower": bands["lower"],
        },
        index=close.index,
    )


def _cross_age(fast: pd.Series, slow: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Bars since ``fast`` last crossed above (and below) ``slow``; NaN when it has not yet."""
    above = fast > slow
    known = fast.notna() & slow.notna()
    previous_known = known.shift(1, fill_value=False)
    up = above & ~above.shift(1, fill_value=False) & known & previous_known
    down = ~above & above.shift(1, fill_value=False) & known & previous_known
    position = pd.Series(np.arange(len(fast)), index=fast.index, dtype="float64")

    def age(events):
        last = position.where(events).ffill()
        return position - last

    return age(up), age(down)


def scores(ind: pd.DataFrame) -> pd.DataFrame:
    """Every rule's score on every bar (NaN during warm-up)."""
    rsi_score = pd.Series(np.select([ind["rsi"] < 30, ind["rsi"] > 70], [1.0, -1.0], 0.0), index=ind.index)
    macd_up, macd_down = _cross_age(ind["macd"], ind["macd_signal"])
    macd_side = np.sign(ind["macd"] - ind["macd_signal"]) * 0.5
    macd_score = pd.Series(
        np.select([macd_up < MACD_CROSS_BARS, macd_down < MACD_CROSS_BARS], [1.0, -1.0], macd_side), index=ind.index
    )
    ma_up, ma_down = _cross_age(ind["ma20"], ind["ma50"])
    ma_side = np.sign(ind["ma20"] - ind["ma50"]) * 0.5
    ma_score = pd.Series(
        np.select([ma_up < MA_CROSS_BARS, ma_down < MA_CROSS_BARS], [1.0, -1.0], ma_side), index=ind.index
    )
    band_score = pd.Series(
        np.select([ind["close"] < ind["bb_lower"], ind["close"] > ind["bb_upper"]], [1.0, -1.0], 0.0), index=ind.index
    )
    frame = pd.DataFrame({"rsi": rsi_score, "macd": macd_score, "ma": ma_score, "bollinger": band_score})
    frame.loc[ind["rsi"].isna(), "rsi"] = np.nan
    frame.loc[ind["macd_signal"].isna(), "macd"] = np.nan
    frame.loc[ind["ma50"].isna(), "ma"] = np.nan
    frame.loc[ind["bb_lower"].isna(), "bollinger"] = np.nan
    return frame


def signals(rule_scores: pd.DataFrame) -> pd.Series:
    """BUY, SELL or HOLD per bar from the mean score; HOLD until every rule has a value."""
    mean = rule_scores.mean(axis=1)
    ready = rule_scores.notna().all(axis=1)
    labels = np.select([ready & (mean >= THRESHOLD), ready & (mean <= -THRESHOLD)], ["BUY", "SELL"], "HOLD")
    return pd.Series(labels, index=rule_scores.index)


def evaluate(frame: pd.DataFrame) -> tuple[Reading, pd.Series]:
    """The reading of the newest bar of an OHLCV frame, and the signal of every bar (for the backtest)."""
    ind = indicators(frame["close"])
    rule_scores = scores(ind)
    series = signals(rule_scores)
    last = rule_scores.iloc[-1]
    ready = bool(last.notna().all())
    score = float(last.mean()) if ready else 0.0
    reading = Reading(
        signal=str(series.iloc[-1]),
        strength=round(min(1.0, abs(score)), 4),
        score=round(score, 4),
        reasons=explain(ind, len(frame)),
        scores={name: (None if pd.isna(last[name]) else float(last[name])) for name in RULES},
    )
    return reading, series


def _crossed(fast: pd.Series, slow: pd.Series, bars: int) -> tuple[str | None, int | None]:
    up, down = _cross_age(fast, slow)
    for direction, age in (("above", up.iloc[-1]), ("below", down.iloc[-1])):
        if pd.notna(age) and age < bars:
            return direction, int(age)
    return None, None


def _ago(age: int) -> str:
    return "on the last bar" if age == 0 else f"{age} bar{'s' if age > 1 else ''} ago"


def explain(ind: pd.DataFrame, bars: int) -> list[str]:
    """One plain sentence per rule about the newest bar."""
    last = ind.iloc[-1]
    reasons = []
    if pd.isna(last["rsi"]):
        reasons.append(f"Not enough bars for RSI 14 ({bars} so far).")
    elif last["rsi"] < 30:
        reasons.append(f"RSI 14 is {last['rsi']:.1f}, below 30: oversold, which often comes before a rebound.")
    elif last["rsi"] > 70:
        reasons.append(f"RSI 14 is {last['rsi']:.1f}, above 70: overbought, which often comes before a pullback.")
    else:
        reasons.append(f"RSI 14 is {last['rsi']:.1f}, between 30 and 70: neither overbought nor oversold.")
    if pd.isna(last["macd_signal"]):
        reasons.append(f"Not enough bars for MACD 12/26/9 (needs 34, has {bars}).")
    else:
        direction, age = _crossed(ind["macd"], ind["macd_signal"], MACD_CROSS_BARS)
        if direction:
            turn = "up" if direction == "above" else "down"
            reasons.append(f"MACD crossed {direction} its signal line {_ago(age)}: momentum is turning {turn}.")
        else:
            side = "above" if last["macd"] > last["macd_signal"] else "below"
            mood = "upward" if side == "above" else "downward"
            reasons.append(
                f"MACD ({last['macd']:.2f}) is {side} its signal line ({last['macd_signal']:.2f}): {mood} momentum."
            )
    if pd.isna(last["ma50"]):
        reasons.append(f"Not enough bars for MA 50 (needs 50, has {bars}).")
    else:
        direction, age = _crossed(ind["ma20"], ind["ma50"], MA_CROSS_BARS)
        if direction:
            name = "a golden cross" if direction == "above" else "a death cross"
            reasons.append(f"MA 20 crossed {direction} MA 50 {_ago(age)} ({name}).")
        else:
            side = "above" if last["ma20"] > last["ma50"] else "below"
            trend = "up" if side == "above" else "down"
            reasons.append(f"MA 20 ({last['ma20']:.2f}) is {side} MA 50 ({last['ma50']:.2f}): the trend is {trend}.")
    if pd.isna(last["bb_lower"]):
        reasons.append(f"Not enough bars for the Bollinger bands (needs 20, has {bars}).")
    elif last["close"] < last["bb_lower"]:
        reasons.append(
            f"The close ({last['close']:.2f}) is below the lower Bollinger band ({last['bb_lower']:.2f}): "
            "stretched to the downside."
        )
    elif last["close"] > last["bb_upper"]:
        reasons.append(
            f"The close ({last['close']:.2f}) is above the upper Bollinger band ({last['bb_upper']:.2f}): "
            "stretched to the upside."
        )
    else:
        reasons.append(
            f"The close ({last['close']:.2f}) is inside the Bollinger bands "
            f"({last['bb_lower']:.2f} to {last['bb_upper']:.2f})."
        )
    return reasons
