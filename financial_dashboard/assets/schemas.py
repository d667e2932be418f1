"""Request and response schemas for assets."""

from marshmallow import ValidationError, fields, post_load, validate

from ..common.schemas import (
    MAX_INT,
    BaseSchema,
    Money,
    Quantity,
    UTCTimestamp,
    date_between,
    trimmed,
)
from ..market.providers.base import symbol_syntax
from ..market.schemas import symbol_pattern
from .models import ASSET_TYPES

# The market data's own symbol rule (stocks, indices, FX and pairs alike), so an asset takes every symbol
# the market pages take (M&M.NS, BRK-B, ^GSPC, BTC/USDT); checked on the value as it will be stored.
SYMBOL_SYNTAX = symbol_syntax(32, slash=True)
# Strict on case: "GBp" means pence, and quietly reading it as GBP would make a price 100 times too high.
CURRENCY = validate.Regexp(r"^[A-Z0-9]{3,10}$", error="Use an upper-case code such as USD, EUR or USDT.")


def SYMBOL(value: str) -> None:  # noqa: N802 (a validator, named like the marshmallow ones it sits beside)
    # ASCII first: upper() turns some other letters into ASCII ones ("ß" -> "SS"), which the rule must not take.
    if not (value.isascii() and SYMBOL_SYNTAX.match(value.upper())):
        raise ValidationError("Use letters, digits and . ^ = & / - only, e.g. AAPL, M&M.NS or BTC/USDT.")


class AssetSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    portfolio_id = fields.Integer(dump_only=True)
    name = trimmed(120, required=True)
    type = fields.String(required=True, validate=validate.OneOf(ASSET_TYPES), metadata={"enum": list(ASSET_TYPES)})
    symbol = trimmed(
        32,
        allow_none=True,
        validate=[SYMBOL],
        metadata={
            "description": "Market symbol, e.g. AAPL or BTC/USDT (stored upper-case).",
            "pattern": symbol_pattern(32, slash=True),
        },
    )  # SYMBOL_SYNTAX, blanks around
    quantity = Quantity(allow_none=True, metadata={"description": "Units held; omit to derive it from prices."})
    amount_invested = Money(required=True)
    purchase_date = fields.Date(required=True, validate=date_between())
    currency = fields.String(
        allow_none=True,
        validate=CURRENCY,
        metadata={
            "description": "What its prices are in (major unit: GBP, not pence), e.g. USD or USDT; a price sync "
            "sets it from the market data."
        },
    )
    created_at = UTCTimestamp(dump_only=True)

    @post_load
    def upper_symbol(self, data, **kwargs):
        if data.get("symbol"):
            data["symbol"] = data["symbol"].upper()
        return data


class AssetUpdateSchema(AssetSchema):
    portfolio_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_INT),
        metadata={"description": "Move the asset to another of your portfolios."},
    )
