"""Query and response schemas of the market-data endpoints and the explorer page (they feed the OpenAPI spec too)."""

from marshmallow import ValidationError, fields, post_load

from ..analytics.indicators import ALLOWED_INDICATORS
from ..analytics.kpis import KPI_DEFINITIONS
from ..common import patterns
from ..common.schemas import BaseSchema, QuerySchema, Trimmed
from ..errors import BadRequest
from .providers.base import SYMBOL_PUNCTUATION
from .services import PERIODS, intervals_for, kind_of, source_for

MAX_SYMBOLS = 100


class IndicatorNames(fields.String):
    """Comma-separated indicator names, loaded as a sorted tuple without repeats; an unknown name is an error."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        names = tuple(sorted({n.strip().lower() for n in raw.split(",") if n.strip()}))
        unknown = [n for n in names if n not in ALLOWED_INDICATORS]
        if unknown:
            raise ValidationError(
                f"Unknown indicator(s) {', '.join(unknown)}. Allowed: {', '.join(ALLOWED_INDICATORS)}."
            )
        return names

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else ",".join(value)


def _intervals(kind):
    """The bar sizes this deployment's source serves (the sample set has daily bars and longer only)."""
    return lambda: intervals_for(kind, source_for(kind))


class StockQuerySchema(QuerySchema):
    period = fields.String(
        load_default="60d",
        metadata={
            "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max.",
            "enum": list(PERIODS),
        },
    )
    interval = fields.String(
        load_default="1d",
        metadata={
            "description": "Bar size: 1h, 1d, 1wk or 1mo (Yahoo serves 1h bars for the last 730 days only).",
            "choices": _intervals("stock"),
        },
    )
    indicators = IndicatorNames(
        load_default=(),
        metadata={
            "description": "Comma-separated extra series: rsi, macd, bollinger, ema.",
            "pattern": patterns.word_list(ALLOWED_INDICATORS),
        },
    )

    def handle_error(self, error, data, **kwargs):
        # An unknown indicator is the only way these strings can fail: say so instead of the generic message.
        if set(error.messages) == {"indicators"}:
            raise BadRequest("Unknown indicator.", fields=error.messages)


class CryptoQuerySchema(StockQuerySchema):
    period = fields.String(
        load_default="90d",
        metadata={
            "description": "How far back: 5d, 7d, 14d, 30d, 60d, 90d, 180d, 1y, 2y, 3y, 5y, 10y or max.",
            "enum": list(PERIODS),
        },
    )
    timeframe = fields.String(
        load_default="1d",
        data_key="timeframe",
        metadata={
            "description": "Bar size: 1h, 4h, 1d or 1w, those the exchange has.",
            "choices": _intervals("crypto"),
        },
    )
    # Empty means "the timeframe's" (see alias below).
    interval = fields.String(
        metadata={"description": "Alias of timeframe.", "choices": lambda: ["", *_intervals("crypto")()]}
    )

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


KpisSchema = type(
    "KpisSchema",
    (BaseSchema,),
    {
        name: (fields.Integer if name == "bars" else fields.String if name in ("start", "end") else fields.Float)(
            allow_none=True, metadata={"description": text}
        )
        for name, text in KPI_DEFINITIONS.items()
    },
)


class DividendSchema(BaseSchema):
    date = fields.String(metadata={"description": "Ex-dividend date, YYYY-MM-DD (the exchange's date)."})
    amount = fields.Float(metadata={"description": "Cash per share, in the answer's currency."})


class MarketDataSchema(BaseSchema):
    symbol = fields.String(metadata={"example": "AAPL"})
    source = fields.String(metadata={"description": "yfinance, ccxt:<exchange>, sample (bundled data) or import."})
    currency = fields.String(
        allow_none=True,
        metadata={
            "description": "Currency of every price, in its major unit (GBP, not GBp); a crypto pair's quote asset; "
            "null when unknown (an import without a currency).",
            "example": "USD",
        },
    )
    sample = fields.Boolean(metadata={"description": "True when the data is bundled sample data or a user's import."})
    as_of = fields.String(allow_none=True, metadata={"description": "Time of the newest bar (ISO, UTC)."})
    stale = fields.Boolean(metadata={"description": "True when the provider failed and stored bars are shown."})
    stale_reason = fields.String(allow_none=True)
    period = fields.String()
    interval = fields.String()
    kpis = fields.Nested(KpisSchema)
    history = fields.List(fields.Nested(BarSchema))
    moving_averages = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Float(allow_none=True)),
        metadata={"description": "MA_20 and MA_50, aligned with history (null in warm-up)."},
    )
    indicators = fields.Dict(metadata={"description": "Requested indicators, each a dict of aligned series."})
    dividends = fields.List(
        fields.Nested(DividendSchema),
        metadata={
            "description": "Cash dividends in the period, as reported beside the bars (prices are not adjusted for them)."
        },
    )


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
    currency = fields.String(
        allow_none=True,
        metadata={"description": "Currency the symbol is priced in, when known (Yahoo's own search does not say)."},
    )


class SymbolListSchema(BaseSchema):
    items = fields.List(fields.Nested(SymbolSchema))


# Path arguments, documented as exactly as the providers check them: blanks around are removed and
# letters are upper-cased first (providers/base.py validate_symbol; ccxt_provider.py for pairs).
_LETTERS = "[A-Za-z0-9]"
_PUNCTUATION = "[" + "".join("\\" + c for c in SYMBOL_PUNCTUATION) + "]"


def symbol_pattern(max_length: int, *, slash: bool = False, blanks: bool = True) -> str:
    """``providers.base.symbol_syntax`` as a spec pattern: either case (it is upper-cased first), blanks around."""
    punctuation = _PUNCTUATION[:-1] + ("/]" if slash else "]")
    return patterns.at_least_one(_LETTERS, punctuation, max_length, blanks=blanks)


# A benchmark (?benchmark= of a portfolio's performance) is one symbol or pair, written without blanks.
SYMBOL_OR_PAIR = f"^(?:{symbol_pattern(15, blanks=False)[1:-1]}|{_LETTERS}{{1,20}}/{_LETTERS}{{1,20}})$"
# A symbol in a body or query (alerts, watchlists, quotes): a stock-like symbol, or BASE/QUOTE (services.kind_of),
# checked by the live provider of its kind after blanks around are removed.
MARKET_SYMBOL = f"^{patterns.BLANK}*{SYMBOL_OR_PAIR[1:-1]}{patterns.BLANK}*$"


class StockPathSchema(BaseSchema):
    ticker = fields.String(
        metadata={
            "description": "A symbol such as AAPL, BRK-B, ^GSPC or EURUSD=X: 1-15 letters, digits and . ^ = -, "
            "one of them a letter or digit.",
            "pattern": symbol_pattern(15),
            "x-example": "AAPL",
        }
    )


class CryptoPathSchema(BaseSchema):
    base = fields.String(
        metadata={"description": "e.g. BTC", "x-example": "BTC", "pattern": f"^{patterns.BLANK}*{_LETTERS}{{1,20}}$"}
    )
    quote = fields.String(
        metadata={"description": "e.g. USDT", "x-example": "USDT", "pattern": f"^{_LETTERS}{{1,20}}{patterns.BLANK}*$"}
    )


class CryptoPairPathSchema(BaseSchema):
    pair = fields.String(
        metadata={
            "description": "BASE-QUOTE, e.g. BTC-USDT",
            "x-example": "BTC-USDT",
            "pattern": f"^{patterns.BLANK}*{_LETTERS}{{1,20}}[/-]{_LETTERS}{{1,20}}{patterns.BLANK}*$",
        }
    )
