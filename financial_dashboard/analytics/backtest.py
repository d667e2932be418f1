"""Backtest of a long-only signal: enter on BUY and leave on SELL at the next bar's open, against buying and holding.

Both start at the open of the bar after the first signal that could be acted on and end at the last close; a
position still open at the end is valued at that close. ``cost_pct`` is charged on every entry and exit
(buy and hold pays it once, on entry). Returns, drawdowns and the win rate are in percent.
"""

import numpy as np
import pandas as pd

from .numbers import finite


def backtest(frame: pd.DataFrame, signals: pd.Series, cost_pct: float = 0.1, first: int = 0) -> dict:
    """Follow ``signals`` (BUY, SELL, HOLD per bar of ``frame``) from bar ``first`` on; see the module docstring."""
    opens, closes = frame["open"].to_numpy(float), frame["close"].to_numpy(float)
    labels = signals.to_numpy()
    n, cost = len(frame), cost_pct / 100
    start = first + 1
    if start >= n:
        return _empty(cost_pct)
    cash, units, entry = 1.0, 0.0, None
    equity = np.empty(n - start)
    trades = []
    for t in range(start, n):
        order = labels[t - 1]
        if order == "BUY" and units == 0:
            units, cash = cash * (1 - cost) / opens[t], 0.0
            entry = (t, cash + units * opens[t] / (1 - cost))
        elif order == "SELL" and units > 0:
            cash, units = units * opens[t] * (1 - cost), 0.0
            trades.append({"entry": entry[0], "exit": t, "return": cash / entry[1] - 1})
            entry = None
        equity[t - start] = cash + units * closes[t]
    open_trade = entry is not None
    if open_trade:
        trades.append({"entry": entry[0], "exit": None, "return": equity[-1] / entry[1] - 1})
    hold = closes[start:] / opens[start] * (1 - cost)
    closed = [tr for tr in trades if tr["exit"] is not None]
    wins = sum(1 for tr in closed if tr["return"] > 0)
    index = frame.index
    result = {
        "start": index[start],
        "end": index[-1],
        "bars": n - start,
        "cost_pct_per_trade": cost_pct,
        "strategy_return_pct": finite((equity[-1] - 1) * 100),
        "buy_and_hold_return_pct": finite((hold[-1] - 1) * 100),
        "trades": len(trades),
        "closed_trades": len(closed),
        "open_position": open_trade,
        "win_rate_pct": finite(wins * 100 / len(closed)) if closed else None,
        "max_drawdown_pct": _drawdown(equity),
        "buy_and_hold_max_drawdown_pct": _drawdown(hold),
        "exposure_pct": finite(sum((tr["exit"] or n) - tr["entry"] for tr in trades) * 100 / (n - start)),
        "equity": pd.Series(equity, index=index[start:]),
        "buy_and_hold": pd.Series(hold, index=index[start:]),
    }
    result["verdict"] = verdict(result)
    return result


def _drawdown(values: np.ndarray) -> float | None:
    return finite(((values / np.maximum.accumulate(values) - 1) * 100).min())


def verdict(result: dict) -> str:
    """One sentence saying which did better."""
    mine, hold = result["strategy_return_pct"], result["buy_and_hold_return_pct"]
    if mine is None or hold is None:
        return "There are too few bars to compare the signals with buying and holding."
    span = f"from {result['start']:%Y-%m-%d} to {result['end']:%Y-%m-%d}"
    figures = (
        f"Following the signals would have returned {mine:+.1f} % against {hold:+.1f} % for buying and holding {span}"
    )
    if abs(mine - hold) < 0.05:
        return figures + ": about the same."
    return figures + (": the signals did better." if mine > hold else ": buying and holding did better.")


def _empty(cost_pct: float) -> dict:
    return {
        "start": None,
        "end": None,
        "bars": 0,
        "cost_pct_per_trade": cost_pct,
        "strategy_return_pct": None,
        "buy_and_hold_return_pct": None,
        "trades": 0,
        "closed_trades": 0,
        "open_position": False,
        "win_rate_pct": None,
        "max_drawdown_pct": None,
        "buy_and_hold_max_drawdown_pct": None,
        "exposure_pct": None,
        "equity": pd.Series(dtype=float),
        "buy_and_hold": pd.Series(dtype=float),
        "verdict": "There are too few bars to compare the signals with buying and holding.",
    }
