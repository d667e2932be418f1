"""The OpenAPI (Swagger 2.0) spec, generated from the same marshmallow schemas that validate requests.

Views declare their contract with ``@api_doc(...)``; ``build_spec(app)`` walks the URL map once the
blueprints are registered and hands the result to flasgger, which serves it with Swagger UI at /apidocs.
"""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from werkzeug.http import HTTP_STATUS_CODES

RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
CONVERTER_TYPES = {"int": "integer", "float": "number"}
ERROR_REF = {"$ref": "#/definitions/Error"}


def api_doc(tag, *, body=None, query=None, response=None, status=200, errors=(), many_body=None,
            auth=True, description=None, responses=None):
    """Attach an OpenAPI description to a view; the docstring's first line is its summary.

    ``body``/``query``/``response`` are marshmallow schema classes; ``errors`` the 4xx/5xx codes the
    route can answer besides 401 (added when ``auth``), 400 and 415 (added when it takes a body).
    """

    def decorate(view):
        view.__apidoc__ = {
            "tag": tag, "body": body, "many_body": many_body, "query": query, "response": response,
            "status": status, "errors": errors, "auth": auth, "description": description,
            "responses": responses or {},
        }
        return view

    return decorate


def _operation(view, rule, plugin):
    doc = view.__apidoc__
    summary, _, rest = (view.__doc__ or "").strip().partition("\n")
    operation = {"tags": [doc["tag"]], "summary": summary.strip(), "operationId": rule.endpoint,
                 "produces": ["application/json"], "parameters": [], "responses": {}}
    text = doc["description"] or rest.strip()
    if text:
        operation["description"] = text
    for match in RULE_ARGUMENT.finditer(rule.rule):
        operation["parameters"].append({
            "in": "path", "name": match["name"], "required": True,
            "type": CONVERTER_TYPES.get(match["converter"], "string")})
    if doc["query"] is not None:
        operation["parameters"] += plugin.converter.schema2parameters(doc["query"], location="query")
    errors = set(doc["errors"])
    if doc["body"] is not None:
        body_schema = plugin.converter.resolve_nested_schema(doc["body"])
        if doc["many_body"]:
            # Swagger 2.0 has no oneOf: document the object form and say that a list is accepted too.
            operation["description"] = (operation.get("description", "") +
                                        "\n\nThe body may also be a JSON list of such objects.").strip()
        operation["consumes"] = ["application/json"]
        operation["parameters"].append({"in": "body", "name": "body", "required": True, "schema": body_schema})
        errors |= {400, 415}
    if doc["query"] is not None:
        errors.add(400)
    if doc["auth"]:
        operation["security"] = [{"bearer": []}]
        errors.add(401)
    success = {"description": HTTP_STATUS_CODES.get(doc["status"], "OK")}
    if doc["response"] is not None:
        success["schema"] = plugin.converter.resolve_nested_schema(doc["response"])
    operation["responses"][str(doc["status"])] = success
    for code, extra in doc["responses"].items():
        operation["responses"][str(code)] = extra
    for code in sorted(errors):
        operation["responses"][str(code)] = {"description": HTTP_STATUS_CODES[code], "schema": ERROR_REF}
    return operation


def build_spec(app, title, version, description):
    """Swagger 2.0 document for every ``/api`` view decorated with ``api_doc``."""
    from .api_schemas import ErrorSchema

    plugin = MarshmallowPlugin()
    spec = APISpec(title=title, version=version, openapi_version="2.0", plugins=[plugin],
                   info={"description": description})
    spec.components.schema("Error", schema=ErrorSchema)
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        if view is None or not hasattr(view, "__apidoc__"):
            continue
        path = RULE_ARGUMENT.sub(lambda m: "{%s}" % m["name"], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, rule, plugin)
    document = spec.to_dict()
    document["paths"] = paths
    document["securityDefinitions"] = {"bearer": {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": 'A token from POST /api/auth/token or the tokens page. Clients send '
                       '"Authorization: Bearer <token>"; in this page paste the token alone.'}}
    return document
