"""Money and prices are exact: what a client writes is what it reads back, digit for digit.

Responses are parsed with every number kept as its literal text (``parse_float=str``), so a value
written as ``0.30000000000000004`` or ``1E+2`` cannot pass for ``0.3`` or ``100``.
"""

import datetime as dt
import decimal
import json

import pytest

from financial_dashboard.common.jsonprovider import DecimalJSONProvider


def literal(response):
    """The JSON body with every number as the exact text the server wrote; NaN/Infinity fail the test."""

    def no_constants(name):
        raise AssertionError(f"{name} in a response: {response.data!r}")

    return json.loads(response.data, parse_float=str, parse_int=str, parse_constant=no_constants)


def post_raw(api, url, body):
    return api.client.post(url, data=body, headers={**api._headers(None), "Content-Type": "application/json"})


def goal_body(target, savings="0"):
    return f'{{"title": "t", "target_amount": {target}, "current_savings": {savings}, "target_date": "2030-01-01"}}'


@pytest.fixture
def asset(api):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json["id"]
    return api.post(
        f"/api/portfolios/{portfolio}/assets",
        json={"name": "Coin", "type": "crypto", "amount_invested": "1", "purchase_date": "2024-01-02"},
    ).json["id"]


def test_point_one_and_point_two_come_back_exactly(api):
    created = post_raw(api, "/api/goals", goal_body("0.1", "0.2"))

    assert created.status_code == 201, created.json
    assert b'"target_amount": 0.1,' in created.data and b'"current_savings": 0.2,' in created.data
    read = api.get(created.headers["Location"])
    body = literal(read)
    assert (body["target_amount"], body["current_savings"]) == ("0.1", "0.2")
    # Summed as the decimals they are, they make 0.3 exactly (floats would give 0.30000000000000004).
    assert decimal.Decimal(body["target_amount"]) + decimal.Decimal(body["current_savings"]) == decimal.Decimal("0.3")
    assert json.loads(read.data)["target_amount"] == 0.1  # and a float client still gets the nearest double


def test_point_one_plus_point_two_saved_as_an_amount_reads_back_as_point_three(api):
    goal = post_raw(api, "/api/goals", goal_body("0.1", "0.2")).json["id"]

    patched = api.patch(f"/api/goals/{goal}", json={"current_savings": decimal.Decimal("0.1") + decimal.Decimal("0.2")})

    assert patched.status_code == 200, patched.json
    assert b'"current_savings": 0.3,' in patched.data
    assert literal(api.get(f"/api/goals/{goal}"))["current_savings"] == "0.3"


@pytest.mark.parametrize(
    "written, read",
    [
        ("12345678901.23", "12345678901.23"),
        ("999999999999.99", "999999999999.99"),
        ("0.01", "0.01"),
        ("100", "100"),
        ("100.00", "100"),
        ("1E+2", "100"),
        ("1000000", "1000000"),
        ("2500.50", "2500.5"),
        ("0.10", "0.1"),
    ],
)
def test_money_round_trips_exactly_without_exponents(api, written, read):
    created = post_raw(api, "/api/goals", goal_body(written, written))

    assert created.status_code == 201, created.json
    assert literal(created)["target_amount"] == read
    body = literal(api.get(created.headers["Location"]))
    assert (body["target_amount"], body["current_savings"]) == (read, read)


def test_zero_is_written_as_zero(api):
    body = literal(post_raw(api, "/api/goals", goal_body("1", "0.00")))

    assert body["current_savings"] == "0"


@pytest.mark.parametrize(
    "written, read",
    [
        ("0.00012345", "0.00012345"),
        ("0.00000001", "0.00000001"),
        ("64123.12345678", "64123.12345678"),
        ("187.50", "187.5"),
        ("1E+3", "1000"),
    ],
)
def test_prices_keep_eight_decimal_places(api, asset, written, read):
    created = post_raw(api, f"/api/assets/{asset}/prices", f'{{"date": "2024-01-02", "price": {written}}}')

    assert created.status_code == 201, created.json
    assert literal(created)["price"] == read
    assert literal(api.get(created.headers["Location"]))["price"] == read
    assert [p["price"] for p in literal(api.get(f"/api/assets/{asset}/prices"))["items"]] == [read]


def test_quantities_keep_eight_decimal_places(api, asset):
    response = api.patch(f"/api/assets/{asset}", json={"quantity": decimal.Decimal("0.12345678")})

    assert literal(response)["quantity"] == "0.12345678"
    assert literal(api.get(f"/api/assets/{asset}"))["quantity"] == "0.12345678"


def test_monthly_income_round_trips_exactly(api):
    api.patch("/api/auth/me", json={"monthly_income": decimal.Decimal("12345678901.23")})

    assert literal(api.get("/api/auth/me"))["monthly_income"] == "12345678901.23"


@pytest.mark.parametrize(
    "amount",
    [
        "1000000000000",
        "1e12",
        "-0.01",
        "0.001",
        "1e-400",
        "999999999999999999999999999.999",
        "1.00000000000000000000000000001",
    ],
)
def test_amounts_out_of_range_or_too_precise_are_400_not_rounded(api, count_rows, amount):
    response = post_raw(api, "/api/goals", goal_body("1", amount))

    assert response.status_code == 400, response.data
    assert "current_savings" in response.json["error"]["fields"]
    assert count_rows("goals") == 0


@pytest.mark.parametrize("value", ['"NaN"', '"Infinity"', '"-Infinity"', '"nan"', '"1e999999"'])
def test_nan_and_infinity_as_strings_are_400(api, count_rows, value):
    response = post_raw(api, "/api/goals", goal_body(value))

    assert response.status_code == 400, response.data
    assert "target_amount" in response.json["error"]["fields"]
    assert count_rows("goals") == 0


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_bare_nan_and_infinity_are_not_json_and_answer_400(api, count_rows, value):
    response = post_raw(api, "/api/goals", goal_body(value))

    assert response.status_code == 400, response.data
    assert response.json["error"]["code"] == 400
    assert count_rows("goals") == 0


def test_the_json_provider_never_writes_nan_or_exponents(app):
    provider = DecimalJSONProvider(app)

    text = provider.dumps(
        {
            "nan": float("nan"),
            "inf": float("-inf"),
            "dnan": decimal.Decimal("NaN"),
            "dinf": decimal.Decimal("Infinity"),
            "hundred": decimal.Decimal("1E+2"),
            "cents": decimal.Decimal("0.30"),
            "tiny": decimal.Decimal("1E-8"),
            "nested": [decimal.Decimal("2.50"), {"x": float("nan")}],
            "float": 0.1,
            "day": dt.date(2024, 2, 29),
            "zero": decimal.Decimal("-0.00"),
            "long": decimal.Decimal("123456789012345678901234567890.50"),
            "negative": decimal.Decimal("-1.10"),
        }
    )

    assert json.loads(text, parse_float=str, parse_int=str) == {
        "nan": None,
        "inf": None,
        "dnan": None,
        "dinf": None,
        "hundred": "100",
        "cents": "0.3",
        "tiny": "0.00000001",
        "nested": ["2.5", {"x": None}],
        "float": "0.1",
        "day": "2024-02-29",
        "zero": "0",
        "long": "123456789012345678901234567890.5",
        "negative": "-1.1",
    }


def test_naive_and_offset_datetimes_are_written_in_utc(app):
    provider = DecimalJSONProvider(app)
    paris = dt.timezone(dt.timedelta(hours=1))

    assert (
        provider.dumps([dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 1, 13, tzinfo=paris)])
        == '["2024-01-01T12:00:00Z", "2024-01-01T12:00:00Z"]'
    )
