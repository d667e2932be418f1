"""Query and response schemas of quotes, stock info and the market overview (they feed the OpenAPI spec too)."""

from marshmallow import ValidationError, fields, validate

from ..common.api_schemas import ErrorDetailSchema
from ..common.schemas import BaseSchema, QuerySchema, storable_text
from .services import PERIODS


class SymbolList(fields.String):
    """Comma-separated symbols, loaded as a list without blanks or repeats; ``minimum``..``maximum`` of them."""

    def __init__(self, minimum=1, maximum=50, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        storable_text(raw)  # the one text rule, before the list is counted
        symbols = list(dict.fromkeys(s.strip().upper() for s in raw.split(",") if s.strip()))
        if not self.minimum <= len(symbols) <= self.maximum:
            raise ValidationError(f"Give {self.minimum} to {self.maximum} comma-separated symbols; got {len(symbols)}.")
        return symbols

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else ",".join(value)


class QuotesQuerySchema(QuerySchema):
    symbols = SymbolList(
        required=True,
        metadata={
            "description": "Up to 50 comma-separated symbols, stocks and crypto pairs mixed: AAPL,MSFT,BTC/USDT."
        },
    )


class QuoteSchema(BaseSchema):
    symbol = fields.String(metadata={"example": "AAPL"})
    name = fields.String(allow_none=True, metadata={"description": "From the bundled symbol list, when known."})
    kind = fields.String(metadata={"enum": ["stock", "crypto"]})
    currency = fields.String(
        metadata={
            "description": "The pair's quote currency for crypto; else read from "
            "the symbol's exchange suffix (none: USD)."
        }
    )
    price = fields.Float(allow_none=True, metadata={"description": "The latest close."})
    previous_close = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True, metadata={"description": "price - previous_close"})
    change_pct = fields.Float(allow_none=True, metadata={"description": "change as a percentage of previous_close"})
    change_30d_pct = fields.Float(
        allow_none=True,
        metadata={"description": "The latest close against the last close 30 or more days before it, in percent."},
    )
    volume = fields.Float(allow_none=True, metadata={"description": "The latest bar's volume."})
    as_of = fields.String(allow_none=True, metadata={"description": "Time of the latest bar (ISO, UTC)."})
    source = fields.String()
    sample = fields.Boolean(metadata={"description": "Bundled sample data or a user's import."})
    stale = fields.Boolean(metadata={"description": "The provider failed and stored bars are shown."})
    stale_reason = fields.String(allow_none=True)
    error = fields.Nested(
        ErrorDetailSchema,
        metadata={
            "description": "In place of the figures when this symbol failed (unknown 404, outage 503, malformed 400)."
        },
    )


class QuoteListSchema(BaseSchema):
    items = fields.List(fields.Nested(QuoteSchema))


class StockInfoSchema(BaseSchema):
    symbol = fields.String()
    name = fields.String(allow_none=True)
    exchange = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    sector = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    market_cap = fields.Float(allow_none=True)
    pe_ratio = fields.Float(allow_none=True, metadata={"description": "Trailing price / earnings."})
    dividend_yield_pct = fields.Float(allow_none=True, metadata={"description": "As Yahoo reports it, in percent."})
    week52_high = fields.Float(allow_none=True)
    week52_low = fields.Float(allow_none=True)
    source = fields.String(
        allow_none=True, metadata={"description": "The provider (yfinance), or offline when it could not be asked."}
    )
    sample = fields.Boolean()
    stale = fields.Boolean()
    as_of = fields.String(allow_none=True, metadata={"description": "Newest bar behind an offline 52-week range."})
    reasons = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "Why each null field is null."}
    )
    notes = fields.List(fields.String(), metadata={"description": "Where offline figures come from."})


class CompareQuerySchema(QuerySchema):
    symbols = SymbolList(
        minimum=2,
        maximum=10,
        required=True,
        metadata={"description": "2 to 10 comma-separated symbols, stocks and crypto mixed: AAPL,MSFT,BTC/USDT."},
    )
    period = fields.String(
        load_default="1y",
        validate=validate.OneOf(PERIODS),
        metadata={"description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max."},
    )


class CompareStatsSchema(BaseSchema):
    symbol = fields.String()
    return_pct = fields.Float(allow_none=True)
    volatility_pct = fields.Float(allow_none=True)
    max_drawdown_pct = fields.Float(allow_none=True)
    source = fields.String()
    sample = fields.Boolean()
    stale = fields.Boolean()
    stale_reason = fields.String(allow_none=True)
    as_of = fields.String(allow_none=True)


class CorrelationSchema(BaseSchema):
    symbols = fields.List(fields.String())
    matrix = fields.List(
        fields.List(fields.Float(allow_none=True)),
        metadata={"description": "matrix[i][j]: correlation of the daily returns of symbols[i] and symbols[j]."},
    )


class CompareSchema(BaseSchema):
    symbols = fields.List(fields.String())
    period = fields.String()
    interval = fields.String()
    start = fields.String(metadata={"description": "The first common date (ISO, UTC)."})
    end = fields.String()
    dates = fields.List(fields.String(), metadata={"description": "The common dates, YYYY-MM-DD."})
    rebased = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Float()),
        metadata={"description": "Per symbol, the percentage change since the first common date, aligned with dates."},
    )
    correlation = fields.Nested(CorrelationSchema)
    stats = fields.List(fields.Nested(CompareStatsSchema))
    definitions = fields.Dict(keys=fields.String(), values=fields.String())
    notes = fields.List(fields.String())


class OverviewQuerySchema(QuerySchema):
    limit = fields.Integer(
        load_default=5,
        validate=validate.Range(min=1, max=20),
        metadata={"description": "How many symbols in each list (1 to 20)."},
    )


class MarketMoverSchema(BaseSchema):
    symbol = fields.String()
    name = fields.String(allow_none=True)
    kind = fields.String()
    currency = fields.String()
    price = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True)
    change_pct = fields.Float(allow_none=True)
    volume = fields.Float(allow_none=True)
    as_of = fields.String(allow_none=True)
    source = fields.String()
    sample = fields.Boolean()
    stale = fields.Boolean()


class OverviewSchema(BaseSchema):
    as_of = fields.String(allow_none=True, metadata={"description": "The newest trading day among the quotes."})
    universe = fields.Integer(metadata={"description": "How many symbols were looked at."})
    priced = fields.Integer(metadata={"description": "How many of them had a day change."})
    gainers = fields.List(fields.Nested(MarketMoverSchema), metadata={"description": "Largest rises in percent."})
    losers = fields.List(fields.Nested(MarketMoverSchema), metadata={"description": "Largest falls in percent."})
    most_active = fields.List(fields.Nested(MarketMoverSchema), metadata={"description": "Largest volume."})
    indices = fields.List(
        fields.Nested(MarketMoverSchema), metadata={"description": "S&P 500, NASDAQ, Dow where reachable."}
    )
    sample = fields.Boolean()
    stale = fields.Boolean()
    notes = fields.List(fields.String())
