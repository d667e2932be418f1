"""Request and response schemas for portfolios."""

from marshmallow import fields, validate

from ..common.schemas import (
    BaseSchema,
    DateRangeQuerySchema,
    UTCTimestamp,
    date_between,
    trimmed,
)
from ..market.schemas import SYMBOL_OR_PAIR


class PortfolioSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = trimmed(120, required=True, metadata={"description": "Unique among the user's portfolios."})
    created_at = UTCTimestamp(dump_only=True)


class PerformanceQuerySchema(DateRangeQuerySchema):
    """The period (default: first purchase to today) and an optional benchmark."""

    # A daily series is built for the whole period: it may not reach past today. (A `from` after the end
    # is refused by the service, since the end defaults to today.)
    to = fields.Date(validate=date_between(), metadata={"description": "Last date (default and latest: today)."})

    benchmark = fields.String(
        validate=validate.Regexp(SYMBOL_OR_PAIR),
        metadata={
            "description": "Any market symbol to compare with, e.g. SPY or AAPL, or a pair such as BTC/USDT.",
            "pattern": SYMBOL_OR_PAIR,
        },
    )  # what the market service then accepts


SERIES_STEP = (
    "The spacing of `series`: `1d` (every day) when the period has at most 2,000 days, else `1w`, "
    "`1mo`, `3mo` or `1y` (the last day of each, plus the first day and the days of the highest and "
    "lowest value). Returns and risk always use every day."
)


class SeriesPointSchema(BaseSchema):
    date = fields.Date()
    value = fields.Float(allow_none=True)
    invested = fields.Float(allow_none=True)


def _number(value):
    return None if value is None else float(value)


class DailySeries(fields.List):
    """A list of SeriesPointSchema dumped in one pass: a report has a point per day (thousands), and
    dumping each one field by field took longer than computing them."""

    def __init__(self, **kwargs):
        super().__init__(fields.Nested(SeriesPointSchema), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return [
            {"date": p["date"].isoformat(), "value": _number(p["value"]), "invested": _number(p["invested"])}
            for p in value
        ]


class PerformanceSchema(BaseSchema):
    portfolio_id = fields.Integer()
    name = fields.String()
    start = fields.Date()
    end = fields.Date()
    days = fields.Integer(allow_none=True)
    invested = fields.Float()
    value = fields.Float()
    profit = fields.Float(allow_none=True)
    simple_return_pct = fields.Float(allow_none=True)
    twr_pct = fields.Float(
        allow_none=True, metadata={"description": "Time-weighted return (daily chained, flows removed)."}
    )
    twr_annualized_pct = fields.Float(allow_none=True)
    irr_pct = fields.Float(allow_none=True, metadata={"description": "Money-weighted return (XIRR), a yearly rate."})
    irr_period_pct = fields.Float(allow_none=True)
    volatility_pct = fields.Float(allow_none=True)
    max_drawdown_pct = fields.Float(allow_none=True)
    sharpe = fields.Float(allow_none=True)
    sortino = fields.Float(allow_none=True)
    allocation = fields.Dict(metadata={"description": "by_asset and by_type: value and % of the total."})
    series = DailySeries(
        metadata={
            "description": "Value and invested capital at each day's close, thinned to "
            "at most 2,000 points for long periods (see series_step)."
        }
    )
    series_step = fields.String(metadata={"description": SERIES_STEP})
    benchmark = fields.Dict(allow_none=True, metadata={"description": "return_pct, beta, alpha_pct of ?benchmark=."})
    unpriced = fields.List(fields.Dict())
    notes = fields.List(fields.String())
    definitions = fields.Dict(keys=fields.String(), values=fields.String())
    reasons = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Why each null figure could not be computed."},
    )


class TotalsSchema(BaseSchema):
    invested = fields.Float()
    value = fields.Float()
    profit = fields.Float(allow_none=True, metadata={"description": "Over priced holdings; null when none is priced."})
    return_pct = fields.Float(allow_none=True)
    change_today = fields.Float(allow_none=True)
    holdings = fields.Integer()
    unpriced = fields.Integer(metadata={"description": "Holdings without any price, carried at cost."})


class PortfolioSummarySchema(TotalsSchema):
    id = fields.Integer()
    name = fields.String()


class SummarySchema(BaseSchema):
    items = fields.List(fields.Nested(PortfolioSummarySchema))
    total = fields.Nested(TotalsSchema)
