"""Signals for a symbol: the reading of its newest bar, support and resistance, a stop-loss, and the backtest.

Bars come through the market-data service (continued by newer imports); the answer is cached for 10 minutes.
"""

from ..analytics import backtest, levels, signals
from ..common.jsonprovider import to_utc_iso
from ..errors import BadRequest
from ..extensions import cache
from ..market import latest
from ..market import services as market

SIGNAL_TTL_S = 600
MIN_BARS = signals.WARM_UP + 10
INTRADAY_PERIOD = "180d"
DISCLAIMER = (
    "Not investment advice: a mechanical reading of four indicators, shown with how the same rule "
    "would have done on this symbol's past."
)
RULE_TEXT = {
    "rsi": "RSI 14 below 30 scores +1 (oversold), above 70 scores -1 (overbought).",
    "macd": "MACD 12/26/9 crossing its signal line within 3 bars scores ±1, else ±0.5 for its side.",
    "ma": "MA 20 crossing MA 50 within 5 bars scores ±1, else ±0.5 for its side.",
    "bollinger": "A close below the lower Bollinger band (20, 2) scores +1, above the upper -1.",
    "signal": "BUY when the mean score is +0.25 or more, SELL at -0.25 or less, otherwise HOLD.",
}


def default_period(interval: str) -> str:
    return INTRADAY_PERIOD if interval in ("1h", "4h") else "10y"


def signal_for(symbol: str, interval: str = "1d", period: str | None = None, cost_pct: float = 0.1) -> dict:
    """The signal answer (see ``SignalSchema``); 400 when the history is too short for the rules."""
    kind = market.kind_of(symbol)
    period = period or default_period(interval)
    source, symbol = market.validate_request(kind, symbol, period, interval)
    key = f"signal:{source}:{symbol}:{interval}:{period}:{cost_pct}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    bars = latest.latest_bars(kind, symbol, period, interval)
    answer = build(bars, cost_pct)
    cache.set(key, answer, timeout=SIGNAL_TTL_S)
    return answer


def build(bars: market.Bars, cost_pct: float) -> dict:
    frame = bars.frame
    if len(frame) < MIN_BARS:
        raise BadRequest(
            f"A signal needs at least {MIN_BARS} bars of {bars.symbol}; {bars.period} of "
            f"{bars.interval} bars has {len(frame)}. Choose a longer period.",
            fields={"period": [f"{len(frame)} bars; at least {MIN_BARS} are needed."]},
        )
    reading, series = signals.evaluate(frame)
    found = levels.swing_levels(frame)
    close = float(frame["close"].iloc[-1])
    stop, stop_reason = levels.stop_loss(close, reading.signal, found, levels.average_true_range(frame))
    result = backtest.backtest(frame, series, cost_pct, first=signals.WARM_UP - 1)
    tested = {key: value for key, value in result.items() if key not in ("equity", "buy_and_hold")}
    tested["start"] = tested["start"] and to_utc_iso(tested["start"].to_pydatetime())
    tested["end"] = tested["end"] and to_utc_iso(tested["end"].to_pydatetime())
    return {
        "symbol": bars.symbol,
        "interval": bars.interval,
        "period": bars.period,
        "signal": reading.signal,
        "strength": reading.strength,
        "score": reading.score,
        "scores": reading.scores,
        "reasons": reading.reasons,
        "price": close,
        **found,
        "stop_loss": stop and round(stop, 8),
        "stop_loss_reason": stop_reason,
        "as_of": to_utc_iso(bars.as_of),
        "source": bars.source,
        "sample": bars.is_sample,
        "stale": bars.stale,
        "stale_reason": bars.cause,
        "rules": RULE_TEXT,
        "backtest": tested,
        "disclaimer": DISCLAIMER,
    }
