"""Request and response schemas for portfolios."""
from marshmallow import fields

from ..common.schemas import BaseSchema, UTCDateTime, trimmed


class PortfolioSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = trimmed(120, required=True, metadata={"description": "Unique among the user's portfolios."})
    created_at = UTCDateTime(dump_only=True)
