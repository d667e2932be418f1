"""The Swagger 2.0 document at /apispec.json and the Swagger UI at /apidocs."""

import datetime as dt
import re

import pytest
from openapi_spec_validator import validate

from financial_dashboard.common import clock

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(client):
    response = client.get("/apispec.json")
    assert response.status_code == 200
    return response.json


def definition(spec, schema):
    return spec["definitions"][schema["$ref"].rsplit("/", 1)[1]]


def body_definition(operation, spec):
    return definition(spec, next(p for p in operation["parameters"] if p["in"] == "body")["schema"])


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
        missing += [
            f"{method} {rule.rule}"
            for method in sorted(rule.methods - IGNORED_METHODS)
            if method.lower() not in operations
        ]
    assert missing == []


def test_every_path_parameter_is_declared_with_the_type_of_its_converter(app, spec):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        expected = {
            name: "integer" if converter == "int" else "string"
            for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)
        }
        for method, operation in spec["paths"][spec_path(rule.rule)].items():
            declared = {p["name"]: p["type"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == expected, (method, rule.rule)
            assert all(p["required"] for p in operation["parameters"] if p["in"] == "path")


def test_a_bearer_security_definition_is_used_by_protected_routes_only(spec):
    assert spec["securityDefinitions"]["bearer"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": spec["securityDefinitions"]["bearer"]["description"],
    }
    goals = spec["paths"]["/api/goals"]
    assert goals["get"]["security"] == [{"bearer": []}] and goals["post"]["security"] == [{"bearer": []}]
    assert "security" not in spec["paths"]["/api/auth/register"]["post"]
    assert "security" not in spec["paths"]["/api/auth/token"]["post"]
    assert "401" in goals["get"]["responses"] and "401" not in spec["paths"]["/api/auth/register"]["post"]["responses"]


def test_request_and_response_schemas_and_errors_are_documented(spec):
    create = spec["paths"]["/api/goals"]["post"]
    body = next(p for p in create["parameters"] if p["in"] == "body")
    new_goal = spec["definitions"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"title", "target_amount", "target_date"} <= set(new_goal["required"])
    assert "id" not in new_goal["properties"]  # read-only: a request cannot set it
    goal = definition(spec, create["responses"]["201"]["schema"])
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


def operations(spec):
    return [
        (method, path, operation) for path, methods in spec["paths"].items() for method, operation in methods.items()
    ]


def response_definitions(spec):
    """Every definition an answer refers to, nested ones included."""
    names, pending = (
        set(),
        [
            response.get("schema", {})
            for _, _, operation in operations(spec)
            for response in operation["responses"].values()
        ],
    )
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            name = node.get("$ref", "").rsplit("/", 1)[-1]
            if name and name not in names:
                names.add(name)
                pending.append(spec["definitions"][name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


def test_no_answer_is_documented_with_a_write_only_field(spec):
    for name in response_definitions(spec):
        properties = spec["definitions"][name].get("properties", {})
        assert not {"password", "current_password", "new_password"} & set(properties), name
    register = body_definition(spec["paths"]["/api/auth/register"]["post"], spec)
    assert "password" in register["required"]
    assert (
        "password"
        not in definition(spec, spec["paths"]["/api/auth/me"]["get"]["responses"]["200"]["schema"])["properties"]
    )


def test_patch_bodies_require_nothing_and_leave_out_read_only_fields(spec):
    patches = [
        (path, body_definition(operation, spec)) for method, path, operation in operations(spec) if method == "patch"
    ]
    assert len(patches) >= 5
    for path, body in patches:
        assert "required" not in body, path
        assert not [name for name, field in body["properties"].items() if field.get("readOnly")], path


def test_date_bounds_are_patterns_that_match_exactly_the_accepted_dates(spec, today):
    contribution = body_definition(spec["paths"]["/api/goals/{goal_id}/contributions"]["post"], spec)
    pattern = re.compile(contribution["properties"]["date"]["pattern"])
    assert pattern.match("1900-01-01") and pattern.match(today.isoformat())
    assert not pattern.match("1899-12-31") and not pattern.match((today + dt.timedelta(days=1)).isoformat())
    assert not pattern.match("0001-01-01") and not pattern.match("9999-12-31")
    goal = body_definition(spec["paths"]["/api/goals"]["post"], spec)
    target = re.compile(goal["properties"]["target_date"]["pattern"])
    assert target.match(today.replace(year=today.year + 99).isoformat()) and not target.match("9999-12-31")
    dob = re.compile(body_definition(spec["paths"]["/api/auth/register"]["post"], spec)["properties"]["dob"]["pattern"])
    assert dob.match("1950-06-15") and not dob.match("1850-06-15")


def test_the_date_patterns_move_with_the_day(client, today, monkeypatch):
    def latest_contribution_date():
        spec = client.get("/apispec.json").json
        pattern = body_definition(spec["paths"]["/api/goals/{goal_id}/contributions"]["post"], spec)
        return re.compile(pattern["properties"]["date"]["pattern"])

    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert not latest_contribution_date().match(tomorrow)
    monkeypatch.setattr(clock, "today_utc", lambda: today + dt.timedelta(days=1))

    assert latest_contribution_date().match(tomorrow)


def test_decimal_places_and_open_bounds_are_stated(spec):
    goal = body_definition(spec["paths"]["/api/goals"]["post"], spec)["properties"]
    assert float(goal["target_amount"]["multipleOf"]) == 0.01
    assert goal["target_amount"]["exclusiveMinimum"] is True and goal["target_amount"]["exclusiveMaximum"] is True
    price = body_definition(spec["paths"]["/api/assets/{asset_id}/prices"]["post"], spec)["properties"]["price"]
    assert float(price["multipleOf"]) == 1e-8 and price["exclusiveMinimum"] is True


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("Holiday", True),
        ("  Holiday  ", True),
        ("a", True),
        ("x" * 120, True),
        (" " + "x" * 120 + "\t", True),
        ("", False),
        ("   ", False),
        ("\u3000\u2003", False),
        ("x" * 121, False),
    ],
)
def test_a_name_is_documented_as_the_server_trims_and_checks_it(api, spec, text, accepted):
    title = re.compile(body_definition(spec["paths"]["/api/goals"]["post"], spec)["properties"]["title"]["pattern"])
    answer = api.post("/api/goals", json={"title": text, "target_amount": "100", "target_date": "2030-01-01"})

    assert bool(title.match(text)) is accepted
    assert (answer.status_code == 201) is accepted


@pytest.mark.parametrize(
    ("symbol", "accepted"),
    [
        ("AAPL", True),
        (" brk-b ", True),
        ("^GSPC", True),
        ("BTC/USDT", True),
        ("AA PL", False),
        ("AAPL!", False),
        ("", False),
        ("m&m.ns", True),
        ("...", False),
        ("\u00df", False),
        ("  " + "A" * 32 + " ", True),
        ("A" * 33, False),
    ],
)
def test_the_asset_symbol_pattern_is_the_one_the_server_applies(api, spec, symbol, accepted):
    asset = body_definition(spec["paths"]["/api/portfolios/{portfolio_id}/assets"]["post"], spec)
    portfolio = api.post("/api/portfolios", json={"name": "Symbols"}).json
    answer = api.post(
        f"/api/portfolios/{portfolio['id']}/assets",
        json={"name": "A", "type": "stock", "symbol": symbol, "amount_invested": "10", "purchase_date": "2020-01-02"},
    )

    assert bool(re.match(asset["properties"]["symbol"]["pattern"], symbol)) is accepted
    assert (answer.status_code == 201) is accepted


def test_market_path_arguments_and_choices_are_documented(spec):
    stock = spec["paths"]["/api/stock/{ticker}"]["get"]["parameters"]
    ticker = next(p for p in stock if p["name"] == "ticker")
    assert re.match(ticker["pattern"], " aapl ") and not re.match(ticker["pattern"], "^^^")
    assert not re.match(ticker["pattern"], "A" * 16)
    interval = next(p for p in stock if p["name"] == "interval")
    assert interval["enum"] == ["1d", "1wk", "1mo"]  # the bundled sample source of the tests


def test_an_answer_without_content_has_no_content_type(api):
    goal = api.post("/api/goals", json={"title": "Gone", "target_amount": "100", "target_date": "2030-01-01"}).json

    answer = api.delete(f"/api/goals/{goal['id']}")

    assert answer.status_code == 204 and answer.data == b""
    assert "Content-Type" not in answer.headers


def test_a_portfolio_funded_goal_may_report_savings_beyond_what_a_request_may_set(api, spec):
    portfolio = api.post("/api/portfolios", json={"name": "Large"}).json
    asset = api.post(
        f"/api/portfolios/{portfolio['id']}/assets",
        json={
            "name": "Big",
            "type": "other",
            "quantity": "9000000000",
            "amount_invested": "10",
            "purchase_date": "2020-01-02",
        },
    ).json
    api.post(f"/api/assets/{asset['id']}/prices", json={"date": "2020-01-03", "price": "5000"})
    goal = api.post(
        "/api/goals",
        json={"title": "Funded", "target_amount": "100", "target_date": "2030-01-01", "portfolio_id": portfolio["id"]},
    ).json

    answer = definition(spec, spec["paths"]["/api/goals/{goal_id}"]["get"]["responses"]["200"]["schema"])
    request = body_definition(spec["paths"]["/api/goals"]["post"], spec)
    assert goal["current_savings"] == 45_000_000_000_000 > request["properties"]["current_savings"]["maximum"]
    assert "maximum" not in answer["properties"]["current_savings"]


def test_every_error_an_operation_can_answer_is_documented(spec):
    for method, path, operation in operations(spec):
        codes = set(operation["responses"])
        assert "503" in codes, (method, path)  # the database may be unavailable anywhere
        if "{" in path:
            assert "404" in codes, (method, path)
        if any(p["in"] == "body" for p in operation["parameters"]):
            assert {"400", "413", "415"} <= codes, (method, path)
        if operation.get("security"):
            assert "401" in codes, (method, path)
        for code, response in operation["responses"].items():
            if code >= "400":
                assert response["schema"] == {"$ref": "#/definitions/Error"}, (method, path, code)


def test_creates_link_to_the_operations_on_what_they_created(spec):
    links = spec["paths"]["/api/goals"]["post"]["responses"]["201"]["x-links"]
    assert links["get_goals_get_goal"] == {
        "operationId": "goals.get_goal",
        "parameters": {"goal_id": "$response.body#/id"},
    }
    price_links = spec["paths"]["/api/assets/{asset_id}/prices"]["post"]["responses"]["201"]["x-links"]
    assert price_links["delete_prices_delete_price"]["parameters"] == {
        "asset_id": "$request.path.asset_id",
        "price_id": "$response.body#/id",
    }
