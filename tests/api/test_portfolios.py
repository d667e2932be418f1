"""Portfolios over the API: CRUD, names unique per user, and deletion cascading to assets and prices."""

import pytest


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == status
    return response.json["error"]


def test_create_answers_201_with_location_and_the_portfolio(api):
    response = api.post("/api/portfolios", json={"name": "  Retirement "})

    assert response.status_code == 201, response.json
    portfolio = response.json
    assert set(portfolio) == {"id", "name", "created_at"}
    assert portfolio["name"] == "Retirement"
    assert response.headers["Location"].endswith(f"/api/portfolios/{portfolio['id']}")
    assert api.get(response.headers["Location"]).json == portfolio


def test_read_a_missing_portfolio_answers_404(api):
    error = assert_error(api.get("/api/portfolios/4242"), 404)

    assert error["description"] == "Portfolio 4242 does not exist."


def test_list_pages_oldest_first(api):
    ids = [api.post("/api/portfolios", json={"name": f"P{i}"}).json["id"] for i in range(3)]

    first = api.get("/api/portfolios?per_page=2").json
    second = api.get("/api/portfolios?per_page=2&page=2").json

    assert [p["id"] for p in first["items"]] == ids[:2]
    assert [p["id"] for p in second["items"]] == ids[2:]
    assert (first["total"], first["per_page"], second["page"]) == (3, 2, 2)
    assert api.get("/api/portfolios?page=3&per_page=2").json["items"] == []
    assert_error(api.get("/api/portfolios?per_page=500"), 400)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": 5}, "name"),
        ({"name": "P", "currency": "EUR"}, "currency"),
    ],
)
def test_create_rejects_invalid_fields(api, count_rows, body, field):
    assert field in assert_error(api.post("/api/portfolios", json=body), 400)["fields"]
    assert count_rows("portfolios") == 0


@pytest.mark.parametrize("name", ["Main", " Main "])
def test_names_are_unique_per_user(api, count_rows, name):
    assert api.post("/api/portfolios", json={"name": "Main"}).status_code == 201

    error = assert_error(api.post("/api/portfolios", json={"name": name}), 409)

    assert "name" in error["fields"]
    assert count_rows("portfolios") == 1
    assert api.post("/api/portfolios", json={"name": "Other"}).status_code == 201  # the session still works


def test_two_users_may_use_the_same_name(api, other_api):
    assert api.post("/api/portfolios", json={"name": "Main"}).status_code == 201
    assert other_api.post("/api/portfolios", json={"name": "Main"}).status_code == 201


def test_rename(api):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json

    response = api.patch(f"/api/portfolios/{portfolio['id']}", json={"name": "Savings"})

    assert response.status_code == 200, response.json
    assert response.json == {**portfolio, "name": "Savings"}
    assert api.get(f"/api/portfolios/{portfolio['id']}").json["name"] == "Savings"


def test_rename_to_its_own_name_or_with_nothing_to_change_is_fine(api):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json

    assert api.patch(f"/api/portfolios/{portfolio['id']}", json={"name": "Main"}).json == portfolio
    assert api.patch(f"/api/portfolios/{portfolio['id']}", json={}).json == portfolio


def test_rename_onto_another_of_my_names_answers_409_and_changes_nothing(api):
    first = api.post("/api/portfolios", json={"name": "Main"}).json
    second = api.post("/api/portfolios", json={"name": "Savings"}).json

    assert_error(api.patch(f"/api/portfolios/{second['id']}", json={"name": "Main"}), 409)

    assert api.get(f"/api/portfolios/{second['id']}").json == second
    assert api.get(f"/api/portfolios/{first['id']}").json == first


@pytest.mark.parametrize("body", [{"name": None}, {"name": ""}, {"id": 3}, {"user_id": 2}])
def test_rename_rejects_invalid_fields(api, body):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json

    assert_error(api.patch(f"/api/portfolios/{portfolio['id']}", json=body), 400)

    assert api.get(f"/api/portfolios/{portfolio['id']}").json == portfolio


def test_delete_removes_its_assets_and_their_prices_but_nothing_else(api, other_api, seed, count_rows):
    doomed = seed(api, portfolio_name="Doomed")
    kept = seed(api, portfolio_name="Kept")
    bobs = seed(other_api, portfolio_name="Doomed")
    assert (count_rows("portfolios"), count_rows("assets"), count_rows("price_history")) == (3, 3, 9)

    response = api.delete(f"/api/portfolios/{doomed['portfolio']}")

    assert response.status_code == 204 and response.data == b""
    # Counted in the database itself: this is ON DELETE CASCADE (and SQLite's foreign_keys pragma) at work.
    assert (count_rows("portfolios"), count_rows("assets"), count_rows("price_history")) == (2, 2, 6)
    assert count_rows("goals") == 3
    assert_error(api.get(f"/api/portfolios/{doomed['portfolio']}"), 404)
    assert_error(api.get(f"/api/assets/{doomed['asset']}"), 404)
    assert api.get(f"/api/assets/{kept['asset']}/prices").json["total"] == 3
    assert other_api.get(f"/api/assets/{bobs['asset']}/prices").json["total"] == 3
    assert_error(api.delete(f"/api/portfolios/{doomed['portfolio']}"), 404)
