"""Query and response schemas of /api/signals."""

from marshmallow import fields, validate

from ..common.schemas import BaseSchema, QuerySchema
from ..market.services import PERIODS


class SignalQuerySchema(QuerySchema):
    interval = fields.String(
        load_default="1d", metadata={"description": "Bar size: stocks 1h, 1d, 1wk, 1mo; crypto 1h, 4h, 1d, 1w."}
    )
    period = fields.String(
        validate=validate.OneOf(PERIODS),
        metadata={"description": "History for the indicators and the backtest; default 10y (180d for 1h, 4h)."},
    )
    cost_pct = fields.Float(
        load_default=0.1,
        validate=validate.Range(min=0, max=5),
        metadata={
            "description": "Cost charged on every entry and exit of the backtest, in percent of the amount traded."
        },
    )


class BacktestSchema(BaseSchema):
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)
    bars = fields.Integer()
    cost_pct_per_trade = fields.Float()
    strategy_return_pct = fields.Float(
        allow_none=True,
        metadata={"description": "Entering on BUY and leaving on SELL at the next bar's open, net of costs."},
    )
    buy_and_hold_return_pct = fields.Float(allow_none=True)
    trades = fields.Integer(metadata={"description": "Round trips, an open position at the end included."})
    closed_trades = fields.Integer()
    open_position = fields.Boolean()
    win_rate_pct = fields.Float(allow_none=True, metadata={"description": "Closed trades that made money."})
    max_drawdown_pct = fields.Float(allow_none=True)
    buy_and_hold_max_drawdown_pct = fields.Float(allow_none=True)
    exposure_pct = fields.Float(allow_none=True, metadata={"description": "Share of the bars spent in the market."})
    verdict = fields.String(metadata={"description": "Which did better, in one sentence."})


class SignalSchema(BaseSchema):
    symbol = fields.String()
    interval = fields.String()
    period = fields.String()
    signal = fields.String(metadata={"enum": ["BUY", "SELL", "HOLD"]})
    strength = fields.Float(metadata={"description": "0 to 1: the size of the mean rule score."})
    score = fields.Float(metadata={"description": "The mean of the rule scores, -1 to 1."})
    scores = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    reasons = fields.List(fields.String(), metadata={"description": "One plain sentence per rule."})
    price = fields.Float()
    support = fields.List(fields.Float(), metadata={"description": "Recent swing lows under the price, nearest first."})
    resistance = fields.List(fields.Float(), metadata={"description": "Recent swing highs above it, nearest first."})
    stop_loss = fields.Float(allow_none=True)
    stop_loss_reason = fields.String()
    as_of = fields.String()
    source = fields.String()
    sample = fields.Boolean()
    stale = fields.Boolean()
    stale_reason = fields.String(allow_none=True)
    rules = fields.Dict(keys=fields.String(), values=fields.String())
    backtest = fields.Nested(BacktestSchema)
    disclaimer = fields.String()
