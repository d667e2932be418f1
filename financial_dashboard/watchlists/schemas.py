"""Request and response schemas of watchlists and their items."""

from marshmallow import fields

from ..common.schemas import BaseSchema, UTCTimestamp, trimmed
from ..market.quote_schemas import QuoteSchema
from ..market.schemas import MARKET_SYMBOL


class WatchlistItemSchema(QuoteSchema):
    """An item with its quote; the quote fields are those of /api/market/quotes."""

    id = fields.Integer(dump_only=True)
    watchlist_id = fields.Integer(dump_only=True)
    added_at = UTCTimestamp(dump_only=True)
    sparkline = fields.List(
        fields.Float(), dump_only=True, metadata={"description": "The closes of the last 30 days, oldest first."}
    )


class NewItemSchema(BaseSchema):
    symbol = trimmed(
        32,
        required=True,
        metadata={
            "description": "A stock, ETF, index or FX symbol (AAPL) or a crypto pair (BTC/USDT); checked against the "
            "market data.",
            "example": "AAPL",
            "pattern": MARKET_SYMBOL,
        },
    )


class WatchlistSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    name = trimmed(120, required=True, metadata={"example": "Tech"})
    created_at = UTCTimestamp(dump_only=True)
    items = fields.List(
        fields.Nested(WatchlistItemSchema),
        dump_only=True,
        metadata={"description": "In the order they were added, each with its latest quote."},
    )
