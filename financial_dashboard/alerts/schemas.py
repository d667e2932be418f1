"""Request and response schemas of price alerts."""

import decimal

from marshmallow import ValidationError, fields, validate, validates_schema

from ..common.schemas import BaseSchema, Exact, QuerySchema, UTCTimestamp, trimmed
from ..market.schemas import MARKET_SYMBOL
from .models import CONDITIONS


class JSONBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 0, 1 and "yes", which the spec's boolean does not."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class AlertSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    symbol = trimmed(
        32,
        required=True,
        metadata={"example": "AAPL", "description": "Checked against the market data.", "pattern": MARKET_SYMBOL},
    )
    condition = fields.String(
        required=True,
        validate=validate.OneOf(CONDITIONS),
        metadata={
            "description": "above / below: a new daily close crosses the target price; change_pct_above: a new close "
            "is at least `target` percent above the previous one."
        },
    )
    target = Exact(
        places=8,
        minimum=decimal.Decimal(0),
        min_inclusive=False,
        maximum=decimal.Decimal(10**10),
        required=True,
        metadata={"description": "A price, or a percentage for change_pct_above."},
    )
    note = trimmed(200, min_length=0, allow_none=True)
    active = JSONBoolean(metadata={"description": "PATCH true to re-arm (from the newest bar on), false to pause."})
    seen = JSONBoolean(metadata={"description": "PATCH true to mark a triggered alert as read."})
    status = fields.String(dump_only=True, metadata={"enum": ["active", "triggered", "paused"]})
    description = fields.String(dump_only=True, metadata={"example": "AAPL closes above 450"})
    created_at = UTCTimestamp(dump_only=True)
    last_seen_at = UTCTimestamp(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The newest bar checked; only closes after it can trigger."},
    )
    triggered_at = UTCTimestamp(dump_only=True, allow_none=True, metadata={"description": "When the check found it."})
    triggered_price = Exact(
        places=8, dump_only=True, allow_none=True, metadata={"description": "The close that met it."}
    )
    triggered_bar_at = UTCTimestamp(dump_only=True, allow_none=True, metadata={"description": "That close's bar."})
    emailed_at = UTCTimestamp(dump_only=True, allow_none=True)

    @validates_schema
    def sensible_change(self, data, **kwargs):
        if data.get("condition") == "change_pct_above" and data.get("target", 0) > 1000:
            raise ValidationError("A daily change target is a percentage of at most 1000.", "target")


class AlertUpdateSchema(AlertSchema):
    """A PATCH body: everything but the symbol, which cannot change (an unknown field is refused)."""

    class Meta:
        exclude = ("symbol",)


class AlertQuerySchema(QuerySchema):
    status = fields.String(
        validate=validate.OneOf(("active", "triggered", "paused")),
        metadata={"description": "Only alerts in this state."},
    )
    unseen = JSONBoolean(metadata={"description": "true: only triggered alerts not yet read."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=2**31 - 1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
