"""Query and response schemas of the market-data endpoints and the explorer page (they feed the OpenAPI spec too)."""
from marshmallow import ValidationError, fields, post_load

from ..analytics.indicators import ALLOWED_INDICATORS
from ..analytics.kpis import KPI_DEFINITIONS
from ..common.schemas import BaseSchema, QuerySchema, Trimmed
from ..errors import BadRequest
from .services import kind_of

MAX_SYMBOLS = 100


class IndicatorNames(fields.String):
    """Comma-separated indicator names, loaded as a sorted tuple without repeats; an unknown name is an error."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        names = tuple(sorted({n.strip().lower() for n in raw.split(",") if n.strip()}))
        unknown = [n for n in names if n not in ALLOWED_INDICATORS]
        if unknown:
            raise ValidationError(
                f"Unknown indicator(s) {', '.join(unknown)}. Allowed: {', '.join(ALLOWED_INDICATORS)}.")
        return names

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else ",".join(value)


class StockQuerySchema(QuerySchema):
    period = fields.String(load_default="60d", metadata={
        "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max."})
    interval = fields.String(load_default="1d", metadata={
        "description": "Bar size: 1h, 1d, 1wk or 1mo (Yahoo serves 1h bars for the last 730 days only)."})
    indicators = IndicatorNames(load_default=(), metadata={
        "description": "Comma-separated extra series: rsi, macd, bollinger, ema."})

    def handle_error(self, error, data, **kwargs):
        # An unknown indicator is the only way these strings can fail: say so instead of the generic message.
        if set(error.messages) == {"indicators"}:
            raise BadRequest("Unknown indicator.", fields=error.messages)


class CryptoQuerySchema(StockQuerySchema):
    period = fields.String(load_default="90d", metadata={
        "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max."})
    timeframe = fields.String(load_default="1d", data_key="timeframe",
                              metadata={"description": "Bar size: 1h, 4h, 1d or 1w, those the exchange has."})
    interval = fields.String(metadata={"description": "Alias of timeframe."})

    @post_load
    def alias(self, data, **kwargs):
        data["interval"] = data.get("interval") or data["timeframe"]
        return data


class ExplorerQuerySchema(QuerySchema):
    """The explorer page's form; an empty symbol shows the empty form."""

    symbol = Trimmed(load_default="")
    kind = fields.String(load_default="")
    period = fields.String(load_default="1y")
    interval = fields.String(load_default="1d")

    @post_load
    def resolve_kind(self, data, **kwargs):
        # Choosing "Crypto" in the form wins; otherwise the symbol's shape decides (a BASE/QUOTE pair is crypto).
        data["kind"] = "crypto" if data["kind"] == "crypto" else kind_of(data["symbol"])
        return data


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


class DividendSchema(BaseSchema):
    date = fields.String(metadata={"description": "Ex-dividend date, YYYY-MM-DD (the exchange's date)."})
    amount = fields.Float(metadata={"description": "Cash per share, in the answer's currency."})


class MarketDataSchema(BaseSchema):
    symbol = fields.String(metadata={"example": "AAPL"})
    source = fields.String(metadata={"description": "yfinance, ccxt:<exchange>, sample (bundled data) or import."})
    currency = fields.String(allow_none=True, metadata={
        "description": "Currency of every price, in its major unit (GBP, not GBp); a crypto pair's quote asset; "
                       "null when unknown (an import without a currency).", "example": "USD"})
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
    dividends = fields.List(fields.Nested(DividendSchema), metadata={
        "description": "Cash dividends in the period, as reported beside the bars (prices are not adjusted for them)."})


class SymbolQuerySchema(QuerySchema):
    q = fields.String(load_default="", metadata={"description": "Start of a symbol or part of a name."})
    limit = fields.Integer(load_default=20)

    @post_load
    def clamp(self, data, **kwargs):
        # Clamped rather than refused: the search box asks as the user types.
        data["limit"] = max(1, min(data["limit"], MAX_SYMBOLS))
        return data


class SymbolSchema(BaseSchema):
    symbol = fields.String()
    name = fields.String()
    type = fields.String()
    source = fields.String()
    currency = fields.String(allow_none=True, metadata={
        "description": "Currency the symbol is priced in, when known (Yahoo's own search does not say)."})


class SymbolListSchema(BaseSchema):
    items = fields.List(fields.Nested(SymbolSchema))
