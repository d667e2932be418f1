"""JSON route for trading signals: /api/signals/<symbol> (public, like the market data it reads)."""

from ..common.api import query_args
from ..common.openapi import api_doc
from . import bp, services
from .schemas import SignalQuerySchema, SignalSchema

SIGNAL_DESCRIPTION = """BUY, SELL or HOLD for the newest bar, from four indicator rules (RSI 14, MACD 12/26/9
crossing its signal line, MA 20 crossing MA 50, the close against the Bollinger bands), each explained in
`reasons`; `strength` is 0 to 1. `support` and `resistance` are recent swing lows and highs, `stop_loss` a
suggested stop. `backtest` is the same rule on the same symbol's history: entering on BUY and leaving on SELL
at the next bar's open with `cost_pct` charged per entry and per exit, against buying and holding, with the
number of trades, win rate, max drawdown and a one-sentence verdict. Cached for 10 minutes. Crypto pairs are
written BASE/QUOTE. Not investment advice."""


@bp.get("/api/signals/<path:symbol>")
@api_doc(
    "signals",
    query=SignalQuerySchema,
    response=SignalSchema,
    errors=(400, 404, 503),
    auth=False,
    description=SIGNAL_DESCRIPTION,
)
def signal(symbol):
    """Trading signal with its reasons, levels, stop-loss and its own backtest against buy and hold."""
    args = query_args(SignalQuerySchema)
    return services.signal_for(symbol, args["interval"], args.get("period"), args["cost_pct"])
