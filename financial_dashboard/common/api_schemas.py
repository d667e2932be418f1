"""Schemas of the shapes every API route shares: the error body and the page envelope."""
from marshmallow import Schema, fields

from .schemas import BaseSchema


class ErrorDetailSchema(Schema):
    code = fields.Integer(required=True, metadata={"example": 404})
    message = fields.String(required=True, metadata={"example": "Not Found"})
    description = fields.String(metadata={"example": "Goal 12 does not exist."})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          values=fields.List(fields.String()),
                          metadata={"description": "Per-field validation messages (validation errors only)."})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def page_schema(item_schema):
    """The list envelope ``{items, page, per_page, total}`` around ``item_schema``."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (BaseSchema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True),
    })
