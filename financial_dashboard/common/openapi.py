"""The OpenAPI (Swagger 2.0) spec, generated from the same marshmallow schemas that validate requests.

Views declare their contract with ``@api_doc(...)``; ``build_spec(app)`` walks the URL map once the
blueprints are registered and hands the result to flasgger, which serves it with Swagger UI at /apidocs.
The spec must accept exactly what the server accepts (a fuzzer checks both ways, tests/test_schemathesis.py):
request bodies leave out read-only fields, PATCH bodies require nothing, answers leave out write-only
fields (Swagger 2.0 has no ``writeOnly``), and each validator is stated in JSON Schema terms.
"""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import request
from marshmallow import validate
from werkzeug.http import HTTP_STATUS_CODES

from . import clock, patterns
from .schemas import DateBetween, Exact, Trimmed

RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
CONVERTER_TYPES = {"int": "integer", "float": "number"}
ERROR_REF = {"$ref": "#/definitions/Error"}
ERROR_TEXT = {
    404: "Not Found: no such object of yours, or no such path.",
    413: "Payload Too Large: the body is over the size limit.",
    503: "Service Unavailable: the database (or the market-data source) cannot answer now; see Retry-After.",
}
REQUEST, RESPONSE = "request", "response"
SIMPLE_SHAPE = re.compile(r"\^(\[[^\]]+\])\+\$")  # ^[...]+$: one character class, repeated


def api_doc(
    tag,
    *,
    body=None,
    query=None,
    path=None,
    response=None,
    status=200,
    errors=(),
    many_body=None,
    auth=True,
    description=None,
    responses=None,
):
    """Attach an OpenAPI description to a view; the docstring's first line is its summary.

    ``body``/``query``/``path``/``response`` are marshmallow schema classes (``path`` describes the
    string path arguments further than their converter does); ``errors`` the 4xx/5xx codes the route
    can answer besides those added for it: 401 (``auth``), 400 (a body or a query), 413 and 415 (a body),
    404 (path arguments) and 503 (every route: the database may be unavailable). A PATCH body is
    documented as partial: the view loads it with ``partial=True``.
    """

    def decorate(view):
        view.__apidoc__ = {
            "tag": tag,
            "body": body,
            "many_body": many_body,
            "query": query,
            "path": path,
            "response": response,
            "status": status,
            "errors": errors,
            "auth": auth,
            "description": description,
            "responses": responses or {},
        }
        return view

    return decorate


def variant(schema_cls, role, partial=False):
    """``schema_cls`` as a request sees it (without read-only fields) or an answer (without write-only ones)."""
    fields = schema_cls().fields
    hidden = [name for name, field in fields.items() if (field.dump_only if role == REQUEST else field.load_only)]
    instance = schema_cls(exclude=hidden, partial=partial or None)
    instance.openapi_role = role
    return instance


def schema_name(schema):
    """Definition names: ``Goal`` (an answer), ``NewGoal`` (a create body), ``GoalUpdate`` (a PATCH body)."""
    name = resolve_schema_cls(schema).__name__.removesuffix("Schema")
    if getattr(schema, "partial", False):
        return name.removesuffix("Update") + "Update"
    if getattr(schema, "openapi_role", None) == REQUEST and schema.exclude:
        return "New" + name
    return name


def _role(field):
    """Whom a field is documented for: a query or path field is unbound (request); a nested one is an answer's."""
    parent = getattr(field, "parent", None)
    return REQUEST if parent is None else getattr(parent, "openapi_role", RESPONSE)


def validators_as_json_schema(self, field, ret, **kwargs):
    """The rules apispec leaves out: open bounds, decimal places, dates, blank text, choices of the config."""
    extra = {}
    for rule in field.validators:
        if isinstance(rule, validate.Range):
            if rule.min is not None and not rule.min_inclusive:
                extra["exclusiveMinimum"] = True
            if rule.max is not None and not rule.max_inclusive:
                extra["exclusiveMaximum"] = True
        if isinstance(rule, DateBetween) and _role(field) == REQUEST:
            # Answers keep their dates as the day they were valid; "today" moves, so only requests say it.
            extra["pattern"] = patterns.date_range(rule.earliest, rule.latest())
    if isinstance(field, Exact):
        extra["multipleOf"] = 10**-field.max_places if field.max_places else 1
    if isinstance(field, Trimmed):
        if "pattern" in field.metadata:
            # A rule the validators cannot show (a function, say the market's symbol rule) is declared as a
            # pattern of the raw text, blanks around included; the stripped text's lengths would be a lie.
            ret.pop("minLength", None), ret.pop("maxLength", None)
        else:
            extra.update(_trimmed(field, ret))
    choices = field.metadata.get("choices")
    if callable(choices):  # allowed values that depend on the configuration (build_spec runs in the app context)
        extra["enum"] = list(choices())
    if _role(field) == RESPONSE:
        # A field may hold more in answers than a request may set (say, savings that follow a portfolio).
        for key, value in field.metadata.get("in_responses", {}).items():
            ret.pop(key, None), extra.pop(key, None)
            if value is not None:
                extra[key] = value
    return extra


def _trimmed(field, ret):
    """Blanks around the text are removed before its length and characters are checked: one pattern says both."""
    lengths = [rule for rule in field.validators if isinstance(rule, validate.Length)]
    shapes = [rule.regex.pattern for rule in field.validators if isinstance(rule, validate.Regexp)]
    core = [match[1] for shape in shapes if (match := SIMPLE_SHAPE.fullmatch(shape))]
    if len(shapes) > 1 or len(core) != len(shapes):
        return {}  # a shape this cannot combine with the blanks: the pattern of the stripped text stays
    ret.pop("minLength", None), ret.pop("maxLength", None)
    low = max([rule.min or 0 for rule in lengths], default=0)
    high = min([rule.max for rule in lengths if rule.max is not None], default=None)
    return {"pattern": patterns.trimmed_text(low, high, core[0] if core else None)}


def _operation(view, rule, method, plugin):
    doc = view.__apidoc__
    summary, _, rest = (view.__doc__ or "").strip().partition("\n")
    operation = {
        "tags": [doc["tag"]],
        "summary": summary.strip(),
        "operationId": rule.endpoint,
        "produces": ["application/json"],
        "parameters": [],
        "responses": {},
    }
    text = doc["description"] or rest.strip()
    if text:
        operation["description"] = text
    errors = set(doc["errors"]) | {503}
    described = {}
    if doc["path"] is not None:
        described = {p["name"]: p for p in plugin.converter.schema2parameters(doc["path"], location="path")}
    for match in RULE_ARGUMENT.finditer(rule.rule):
        parameter = described.get(match["name"]) or {"type": CONVERTER_TYPES.get(match["converter"], "string")}
        operation["parameters"].append({**parameter, "in": "path", "name": match["name"], "required": True})
        errors.add(404)
    if doc["query"] is not None:
        operation["parameters"] += plugin.converter.schema2parameters(doc["query"], location="query")
        errors.add(400)
    if doc["body"] is not None:
        body_schema = plugin.converter.resolve_nested_schema(variant(doc["body"], REQUEST, partial=method == "PATCH"))
        if doc["many_body"]:
            # Swagger 2.0 has no oneOf: document the object form and say that a list is accepted too.
            operation["description"] = (
                operation.get("description", "") + "\n\nThe body may also be a JSON list of such objects."
            ).strip()
        operation["consumes"] = ["application/json"]
        operation["parameters"].append({"in": "body", "name": "body", "required": True, "schema": body_schema})
        errors |= {400, 413, 415}
    if doc["auth"]:
        operation["security"] = [{"bearer": []}]
        errors.add(401)
    success = {"description": HTTP_STATUS_CODES.get(doc["status"], "OK")}
    if doc["response"] is not None:
        success["schema"] = plugin.converter.resolve_nested_schema(variant(doc["response"], RESPONSE))
    operation["responses"][str(doc["status"])] = success
    for code, extra in doc["responses"].items():
        operation["responses"][str(code)] = extra
    for code in sorted(errors):
        operation["responses"][str(code)] = {
            "description": ERROR_TEXT.get(code, HTTP_STATUS_CODES[code]),
            "schema": ERROR_REF,
        }
    return operation


def add_links(paths):
    """Links (Swagger 2.0 ``x-links``) from each create to the operations on what it created: a 201 of
    ``POST .../assets`` names ``{asset_id}``, and the other path arguments come from the request's path
    or the answer. Clients and fuzzers follow them to real objects instead of guessing ids."""
    for path, operations in paths.items():
        create = operations.get("post")
        created = create and create["responses"].get("201", {})
        if not created or not path.endswith("s"):
            continue
        answer = created.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        argument = path.rsplit("/", 1)[1].removesuffix("s") + "_id"  # /prices -> price_id
        own = set(re.findall(r"{(\w+)}", path))
        links = {}
        for target, target_operations in paths.items():
            if f"{{{argument}}}" not in target:
                continue
            parameters = {}
            for name in re.findall(r"{(\w+)}", target):
                parameters[name] = (
                    "$response.body#/id"
                    if name == argument
                    else f"$request.path.{name}"
                    if name in own
                    else f"$response.body#/{name}"
                    if answer
                    else None
                )
            if None in parameters.values():
                continue
            for method, operation in target_operations.items():
                links[f"{method}_{operation['operationId'].replace('.', '_')}"] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                }
        if links:
            created["x-links"] = links


def build_spec(app, title, version, description):
    """Swagger 2.0 document for every ``/api`` view decorated with ``api_doc``."""
    from .api_schemas import ErrorSchema

    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    spec = APISpec(
        title=title, version=version, openapi_version="2.0", plugins=[plugin], info={"description": description}
    )
    plugin.converter.add_attribute_function(validators_as_json_schema)
    spec.components.schema("Error", schema=ErrorSchema)
    paths = {}
    with app.app_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            view = app.view_functions.get(rule.endpoint)
            if view is None or not hasattr(view, "__apidoc__"):
                continue
            path = RULE_ARGUMENT.sub(lambda m: f"{{{m['name']}}}", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                paths.setdefault(path, {})[method.lower()] = _operation(view, rule, method, plugin)
    add_links(paths)
    document = spec.to_dict()
    document["paths"] = paths
    document["securityDefinitions"] = {
        "bearer": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A token from POST /api/auth/token or the tokens page. Clients send "
            '"Authorization: Bearer <token>"; in this page paste the token alone.',
        }
    }
    return document


def keep_current(app, swagger, build):
    """Rebuild the spec when it is first asked for on a new (UTC) day: its date patterns end today.

    flasgger keeps the document it served; ``build()`` makes a new one.
    """
    built_on = {"day": clock.today_utc()}

    @app.before_request
    def rebuild_on_a_new_day():
        if request.endpoint == "flasgger.apispec" and clock.today_utc() != built_on["day"]:
            built_on["day"] = clock.today_utc()
            swagger.template = build()
            swagger.apispecs.clear()
