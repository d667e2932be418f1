"""Request and response schemas for assets."""

from marshmallow import fields, post_load, validate

from ..common.schemas import (
    MAX_INT,
    BaseSchema,
    Money,
    Quantity,
    UTCTimestamp,
    date_between,
    trimmed,
)
from .models import ASSET_TYPES

SYMBOL = validate.Regexp(r"^[A-Za-z0-9.^=/\-]+$",
                         error="Use letters, digits and . ^ = / - only, e.g. AAPL or BTC/USDT.")



class AssetSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    portfolio_id = fields.Integer(dump_only=True)
    name = trimmed(120, required=True)
    type = fields.String(required=True, validate=validate.OneOf(ASSET_TYPES),
                         metadata={"enum": list(ASSET_TYPES)})
    symbol = trimmed(32, allow_none=True, validate=[SYMBOL],
                     metadata={"description": "Market symbol, e.g. AAPL or BTC/USDT (stored upper-case)."})
    quantity = Quantity(allow_none=True, metadata={"description": "Units held; omit to derive it from prices."})
    amount_invested = Money(required=True)
    purchase_date = fields.Date(required=True, validate=date_between())
    created_at = UTCTimestamp(dump_only=True)

    @post_load
    def upper_symbol(self, data, **kwargs):
        if data.get("symbol"):
            data["symbol"] = data["symbol"].upper()
        return data


class AssetUpdateSchema(AssetSchema):
    portfolio_id = fields.Integer(validate=validate.Range(min=1, max=MAX_INT),
                                  metadata={"description": "Move the asset to another of your portfolios."})
