"""Request and response schemas for price history."""
from marshmallow import fields

from ..common.schemas import (
    BaseSchema,
    DateRangeQuerySchema,
    PageQuerySchema,
    Price,
    UTCDateTime,
)


class PriceSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    asset_id = fields.Integer(dump_only=True)
    date = fields.Date(required=True)
    price = Price(required=True)
    source = fields.String(dump_only=True, metadata={
        "description": "manual, or the market source of a sync: yfinance, ccxt, sample (bundled data), import."})


class PriceRangeQuerySchema(PageQuerySchema, DateRangeQuerySchema):
    """A page of prices between two dates."""


class SyncResultSchema(BaseSchema):
    asset_id = fields.Integer()
    symbol = fields.String()
    source = fields.String(metadata={"description": "yfinance, ccxt, sample or import."})
    stale = fields.Boolean(metadata={"description": "The provider failed; stored bars were used."})
    sample = fields.Boolean(metadata={"description": "Bundled sample data or a user's import."})
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    as_of = UTCDateTime(allow_none=True)
