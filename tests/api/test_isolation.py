"""Isolation matrix: another user's id is answered exactly like a missing id, and changes nothing.

Alice owns a goal, a portfolio, an asset and its prices. For every route that takes an id, Bob uses
Alice's id and must get the same 404 as for an id that does not exist (apart from the number), while
everything Alice can read stays exactly as it was.
"""
import re

import pytest

from financial_dashboard.extensions import db

NEW_ASSET = {"name": "Sneaky", "type": "stock", "amount_invested": "1", "purchase_date": "2024-01-02"}

# (method, url template, body); the templates name Alice's objects.
ROUTES = [
    ("GET", "/api/goals/{goal}", None),
    ("PATCH", "/api/goals/{goal}", {"title": "Pwned", "current_savings": "0"}),
    ("DELETE", "/api/goals/{goal}", None),
    ("GET", "/api/portfolios/{portfolio}", None),
    ("PATCH", "/api/portfolios/{portfolio}", {"name": "Pwned"}),
    ("DELETE", "/api/portfolios/{portfolio}", None),
    ("GET", "/api/portfolios/{portfolio}/assets", None),
    ("POST", "/api/portfolios/{portfolio}/assets", NEW_ASSET),
    ("GET", "/api/assets/{asset}", None),
    ("PATCH", "/api/assets/{asset}", {"name": "Pwned", "amount_invested": "0"}),
    ("PATCH", "/api/assets/{asset}", {"portfolio_id": "{bobs_portfolio}"}),
    ("DELETE", "/api/assets/{asset}", None),
    ("GET", "/api/assets/{asset}/prices", None),
    ("POST", "/api/assets/{asset}/prices", {"date": "2024-01-02", "price": "0.01"}),
    ("POST", "/api/assets/{asset}/prices", [{"date": "2024-01-03", "price": "0.01"},
                                            {"date": "2030-01-01", "price": "1"}]),
    ("GET", "/api/assets/{asset}/prices/{price}", None),
    ("PATCH", "/api/assets/{asset}/prices/{price}", {"price": "0.01"}),
    ("DELETE", "/api/assets/{asset}/prices/{price}", None),
]
ROUTE_IDS = [f"{method} {url}" + (f" {sorted(body)[0]}" if isinstance(body, dict) else "")
             for method, url, body in ROUTES]


@pytest.fixture
def alices(api, seed):
    return seed(api)


@pytest.fixture
def bobs(other_api, seed):
    return seed(other_api)


def snapshot(api, ids):
    """Everything Alice can read about her data, through her own API."""
    db.session.rollback()  # read what is stored, not what a failed request may have left in the session
    urls = ["/api/goals", "/api/portfolios", f"/api/goals/{ids['goal']}", f"/api/portfolios/{ids['portfolio']}",
            f"/api/portfolios/{ids['portfolio']}/assets", f"/api/assets/{ids['asset']}",
            f"/api/assets/{ids['asset']}/prices"] + [f"/api/assets/{ids['asset']}/prices/{p}" for p in ids["prices"]]
    state = {}
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, (url, response.json)
        state[url] = response.get_data(as_text=True)
    return state


def fill(template, values):
    if isinstance(template, str):
        filled = template.format(**values)
        return int(filled) if template.startswith("{") and filled.isdigit() else filled
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    return template


def without_numbers(response):
    return re.sub(r"\d+", "N", response.get_data(as_text=True))


@pytest.mark.parametrize("method, url, body", ROUTES, ids=ROUTE_IDS)
def test_another_users_id_is_a_404_like_a_missing_one_and_changes_nothing(
        api, other_api, alices, bobs, count_rows, method, url, body):
    before = snapshot(api, alices)
    rows = {table: count_rows(table) for table in ("goals", "portfolios", "assets", "price_history")}
    theirs = {**alices, "bobs_portfolio": bobs["portfolio"]}
    missing = {**{key: 900_000 + n for n, key in enumerate(("goal", "portfolio", "asset", "price"))},
               "bobs_portfolio": bobs["portfolio"]}

    response = other_api.open(method, fill(url, theirs), json=fill(body, theirs))
    absent = other_api.open(method, fill(url, missing), json=fill(body, missing))

    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert (error["code"], error["message"]) == (404, "Not Found")
    assert error["description"].endswith("does not exist.")
    assert absent.status_code == 404
    assert without_numbers(response) == without_numbers(absent)
    assert snapshot(api, alices) == before
    assert {table: count_rows(table) for table in rows} == rows


@pytest.mark.parametrize("method, body", [("GET", None), ("PATCH", {"price": "0.01"}), ("DELETE", None)])
def test_another_users_price_is_not_reachable_through_your_own_asset(api, other_api, alices, bobs, method, body):
    before = snapshot(api, alices)

    response = other_api.open(method, f"/api/assets/{bobs['asset']}/prices/{alices['price']}", json=body)

    assert response.status_code == 404
    assert response.json["error"]["description"] == f"Price {alices['price']} does not exist."
    assert snapshot(api, alices) == before
    assert other_api.get(f"/api/assets/{bobs['asset']}/prices").json["total"] == 3


def test_lists_show_only_your_own_objects(api, other_api, alices, bobs):
    for url, key in (("/api/goals", "goal"), ("/api/portfolios", "portfolio")):
        assert [item["id"] for item in other_api.get(url).json["items"]] == [bobs[key]]
        assert [item["id"] for item in api.get(url).json["items"]] == [alices[key]]


def test_bob_cannot_move_his_asset_into_alices_portfolio(api, other_api, alices, bobs):
    before = other_api.get(f"/api/assets/{bobs['asset']}").json

    response = other_api.patch(f"/api/assets/{bobs['asset']}", json={"portfolio_id": alices["portfolio"]})

    assert response.status_code == 400
    assert other_api.get(f"/api/assets/{bobs['asset']}").json == before
    assert api.get(f"/api/portfolios/{alices['portfolio']}/assets").json["total"] == 1
