"""Request parsing and response helpers used by every JSON route."""

import functools

from flask import request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest as WerkzeugBadRequest

from ..errors import BadRequest, UnsupportedMediaType, ValidationFailed
from ..extensions import db
from .schemas import PageQuerySchema


def json_body(schema, *, partial=False, allow_many=False):
    """Validate the JSON body with ``schema``; returns a dict, or a list of dicts when ``allow_many``.

    415 when the body is not declared as JSON, 400 when it does not parse or when fields are invalid
    (then with ``fields`` naming each problem).
    """
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'.")
    try:
        data = request.get_json()
    except (WerkzeugBadRequest, RecursionError):  # the parser recurses: absurdly deep nesting exhausts the stack
        raise BadRequest("The request body is not valid JSON.") from None
    many = allow_many and isinstance(data, list)
    if many and not data:
        raise ValidationFailed("The list is empty.", fields={"_schema": ["Send at least one item."]})
    try:
        return _instance(schema).load(data, partial=partial, many=many)
    except ValidationError as error:
        raise ValidationFailed("The request body has invalid fields.", fields=_messages(error)) from None


def query_args(schema):
    """Validate the query string with ``schema`` (400 listing the bad parameters)."""
    try:
        return _instance(schema).load(request.args)
    except ValidationError as error:
        raise ValidationFailed("The query string has invalid parameters.", fields=_messages(error)) from None


@functools.cache
def _instance(schema):
    """One instance per schema class: marshmallow schemas keep no per-load state, and building one
    costs more than validating a query string."""
    return schema()


def _messages(error: ValidationError):
    messages = error.messages
    return messages if isinstance(messages, dict) else {"_schema": messages}


def paginate(select, serializer, page_args=None):
    """Run ``select`` one page at a time and wrap it in the list envelope."""
    args = page_args or query_args(PageQuerySchema)
    page = db.paginate(select, page=args["page"], per_page=args["per_page"], error_out=False, count=True)
    return {
        "items": [serializer(item) for item in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def created(body, endpoint, **values):
    """201 with the new object and a Location header pointing at it."""
    return body, 201, {"Location": url_for(endpoint, **values)}


def no_type_without_content(response):
    """After every request: an answer without content (204, 304) has no Content-Type either.

    Flask gives every answer one (text/html), which would announce a body that is not there.
    """
    if response.status_code in (204, 304):
        response.headers.pop("Content-Type", None)
    return response
