"""Request and response schemas for goals."""
from marshmallow import fields

from ..common.schemas import BaseSchema, Money, UTCDateTime, trimmed


class GoalSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = trimmed(120, required=True)
    target_amount = Money(required=True, min_inclusive=False)
    current_savings = Money(load_default=0)
    target_date = fields.Date(required=True, metadata={"description": "ISO date, e.g. 2027-06-30."})
    created_at = UTCDateTime(dump_only=True)


class GoalUpdateSchema(GoalSchema):
    current_savings = Money()
