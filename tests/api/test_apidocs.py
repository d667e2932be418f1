"""The Swagger 2.0 document at /apispec.json and the Swagger UI at /apidocs."""
import re

import pytest
from openapi_spec_validator import validate

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(client):
    response = client.get("/apispec.json")
    assert response.status_code == 200
    return response.json


def spec_path(rule):
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


def test_spec_is_valid_swagger_2(spec):
    assert spec["swagger"] == "2.0"

    validate(spec)


def test_every_api_route_is_in_the_spec_with_its_methods(app, spec):
    routes = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert len(routes) >= 10

    missing = []
    for rule in routes:
        operations = spec["paths"].get(spec_path(rule.rule), {})
        missing += [f"{method} {rule.rule}" for method in sorted(rule.methods - IGNORED_METHODS)
                    if method.lower() not in operations]
    assert missing == []


def test_every_path_parameter_is_declared_with_the_type_of_its_converter(app, spec):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        expected = {name: "integer" if converter == "int" else "string"
                    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)}
        for method, operation in spec["paths"][spec_path(rule.rule)].items():
            declared = {p["name"]: p["type"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == expected, (method, rule.rule)
            assert all(p["required"] for p in operation["parameters"] if p["in"] == "path")


def test_a_bearer_security_definition_is_used_by_protected_routes_only(spec):
    assert spec["securityDefinitions"]["bearer"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": spec["securityDefinitions"]["bearer"]["description"]}
    goals = spec["paths"]["/api/goals"]
    assert goals["get"]["security"] == [{"bearer": []}] and goals["post"]["security"] == [{"bearer": []}]
    assert "security" not in spec["paths"]["/api/auth/register"]["post"]
    assert "security" not in spec["paths"]["/api/auth/token"]["post"]
    assert "401" in goals["get"]["responses"] and "401" not in spec["paths"]["/api/auth/register"]["post"]["responses"]


def test_request_and_response_schemas_and_errors_are_documented(spec):
    create = spec["paths"]["/api/goals"]["post"]
    body = next(p for p in create["parameters"] if p["in"] == "body")
    goal = spec["definitions"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"title", "target_amount", "target_date"} <= set(goal["required"])
    assert goal["properties"]["id"].get("readOnly") is True
    assert {"201", "400", "401", "415"} <= set(create["responses"])
    assert create["responses"]["400"]["schema"] == {"$ref": "#/definitions/Error"}
    assert "error" in spec["definitions"]["Error"]["properties"]
    listing = spec["paths"]["/api/goals"]["get"]
    assert {p["name"] for p in listing["parameters"] if p["in"] == "query"} == {"page", "per_page"}
    page = spec["definitions"][listing["responses"]["200"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"items", "page", "per_page", "total"}
    asset_type = spec["definitions"]["Asset"]["properties"]["type"]
    assert set(asset_type["enum"]) == {"stock", "crypto", "etf", "fund", "bond", "cash", "other"}
    assert {"from", "to"} <= {p["name"] for p in spec["paths"]["/api/assets/{asset_id}/prices"]["get"]["parameters"]}


def test_every_operation_has_a_summary_and_a_tag(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["tags"], (method, path)


def test_apidocs_serves_swagger_ui(client):
    response = client.get("/apidocs/")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"swagger-ui" in response.data and b"apispec.json" in response.data
