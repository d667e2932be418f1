"""Query and response schemas of the market-data endpoints (they feed the OpenAPI spec too)."""
from marshmallow import fields

from ..analytics.kpis import KPI_DEFINITIONS
from ..common.schemas import BaseSchema, QuerySchema


class StockQuerySchema(QuerySchema):
    period = fields.String(load_default="60d", metadata={
        "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max."})
    interval = fields.String(load_default="1d", metadata={"description": "Bar size: 1h, 1d, 1wk or 1mo."})
    indicators = fields.String(load_default="", metadata={
        "description": "Comma-separated extra series: rsi, macd, bollinger, ema."})


class CryptoQuerySchema(StockQuerySchema):
    period = fields.String(load_default="90d", metadata={
        "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max."})
    timeframe = fields.String(load_default="1d", data_key="timeframe",
                              metadata={"description": "Bar size: 1h, 4h, 1d or 1w."})
    interval = fields.String(metadata={"description": "Alias of timeframe."})


class BarSchema(BaseSchema):
    date = fields.String(metadata={"description": "YYYY-MM-DD for daily and longer bars, else an ISO UTC time."})
    open = fields.Float()
    high = fields.Float()
    low = fields.Float()
    close = fields.Float()
    volume = fields.Float()


KpisSchema = type("KpisSchema", (BaseSchema,), {
    name: (fields.Integer if name == "bars" else fields.String if name in ("start", "end") else fields.Float)(
        allow_none=True, metadata={"description": text})
    for name, text in KPI_DEFINITIONS.items()})


class MarketDataSchema(BaseSchema):
    symbol = fields.String(metadata={"example": "AAPL"})
    source = fields.String(metadata={"description": "yfinance, ccxt:<exchange>, sample (bundled data) or import."})
    sample = fields.Boolean(metadata={"description": "True when the data is bundled sample data or a user's import."})
    as_of = fields.String(allow_none=True, metadata={"description": "Time of the newest bar (ISO, UTC)."})
    stale = fields.Boolean(metadata={"description": "True when the provider failed and stored bars are shown."})
    stale_reason = fields.String(allow_none=True)
    period = fields.String()
    interval = fields.String()
    kpis = fields.Nested(KpisSchema)
    history = fields.List(fields.Nested(BarSchema))
    moving_averages = fields.Dict(keys=fields.String(), values=fields.List(fields.Float(allow_none=True)),
                                  metadata={"description": "MA_20 and MA_50, aligned with history (null in warm-up)."})
    indicators = fields.Dict(metadata={"description": "Requested indicators, each a dict of aligned series."})


class SymbolQuerySchema(QuerySchema):
    q = fields.String(load_default="", metadata={"description": "Start of a symbol or part of a name."})
    limit = fields.Integer(load_default=20)


class SymbolSchema(BaseSchema):
    symbol = fields.String()
    name = fields.String()
    type = fields.String()
    source = fields.String()


class SymbolListSchema(BaseSchema):
    items = fields.List(fields.Nested(SymbolSchema))
