"""Schemas of the shapes every API route shares: the error body and the page envelope."""

from marshmallow import Schema, fields

from .openapi import RESPONSE, variant
from .schemas import BaseSchema


class ErrorDetailSchema(Schema):
    code = fields.Integer(required=True, metadata={"example": 404})
    message = fields.String(required=True, metadata={"example": "Not Found"})
    description = fields.String(metadata={"example": "Goal 12 does not exist."})
    # Swagger 2.0 has no oneOf: a value is a list of messages, or for a list body an object like this one
    # per item index ({"0": {"date": ["..."]}}).
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "Per-field validation messages (validation errors only): a list of messages per field; "
            "for a list body, such an object per item index."
        },
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


def page_schema(item_schema):
    """The list envelope ``{items, page, per_page, total}`` around ``item_schema``."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (BaseSchema,),
        {
            "items": fields.List(fields.Nested(variant(item_schema, RESPONSE)), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
    )
