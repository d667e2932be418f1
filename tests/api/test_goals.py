"""Goals over the API: list, create, read, partial update, delete, pagination and validation."""

import pytest

GOAL = {"title": "Car", "target_amount": "20000.00", "current_savings": "1500.50", "target_date": "2028-12-31"}


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == status
    return response.json["error"]


def make_goals(api, count):
    return [api.post("/api/goals", json={**GOAL, "title": f"Goal {i}"}).json["id"] for i in range(count)]


def test_create_answers_201_with_location_and_the_goal(api):
    response = api.post("/api/goals", json=GOAL)

    assert response.status_code == 201, response.json
    goal = response.json
    assert response.headers["Location"].endswith(f"/api/goals/{goal['id']}")
    assert set(goal) == {
        "id",
        "title",
        "target_amount",
        "current_savings",
        "target_date",
        "created_at",
        "monthly_contribution",
        "expected_annual_return_pct",
        "portfolio_id",
        "progress_pct",
        "remaining",
        "months_left",
        "required_monthly",
        "required_monthly_with_return",
        "required_share_of_income_pct",
        "months_to_target",
        "projected_at_target_date",
        "projected_pct",
        "status",
        "reasons",
    }
    assert (goal["title"], str(goal["target_amount"]), str(goal["current_savings"]), goal["target_date"]) == (
        "Car",
        "20000",
        "1500.5",
        "2028-12-31",
    )
    assert api.get(response.headers["Location"]).json == goal


def test_current_savings_defaults_to_zero(api):
    goal = api.post("/api/goals", json={k: v for k, v in GOAL.items() if k != "current_savings"}).json

    assert goal["current_savings"] == 0


def test_read_a_missing_goal_answers_404(api):
    error = assert_error(api.get("/api/goals/12345"), 404)

    assert error == {"code": 404, "message": "Not Found", "description": "Goal 12345 does not exist."}


def test_list_pages_in_a_stable_oldest_first_order(api):
    ids = make_goals(api, 5)

    pages = [api.get(f"/api/goals?per_page=2&page={page}").json for page in (1, 2, 3)]

    assert [[g["id"] for g in p["items"]] for p in pages] == [ids[0:2], ids[2:4], ids[4:5]]
    assert [(p["page"], p["per_page"], p["total"]) for p in pages] == [(1, 2, 5), (2, 2, 5), (3, 2, 5)]
    assert api.get("/api/goals?per_page=2&page=1").json == pages[0]


def test_list_defaults_to_page_one_of_twenty(api):
    ids = make_goals(api, 21)

    body = api.get("/api/goals").json

    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 21)
    assert [g["id"] for g in body["items"]] == ids[:20]


def test_a_page_beyond_the_end_is_empty(api):
    make_goals(api, 3)

    body = api.get("/api/goals?page=5").json

    assert body == {"items": [], "page": 5, "per_page": 20, "total": 3}


def test_per_page_may_be_100_but_not_more(api):
    assert api.get("/api/goals?per_page=100").status_code == 200

    assert "per_page" in assert_error(api.get("/api/goals?per_page=101"), 400)["fields"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1.5", "per_page"),
    ],
)
def test_bad_page_parameters_answer_400(api, query, field):
    assert field in assert_error(api.get(f"/api/goals?{query}"), 400)["fields"]


def test_unknown_query_parameters_are_ignored(api):
    assert api.get("/api/goals?_=12345").status_code == 200


@pytest.mark.parametrize(
    "change, field",
    [
        ({"colour": "red"}, "colour"),
        ({"user_id": 1}, "user_id"),
        ({"id": 7}, "id"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"title": None}, "title"),
        ({"target_amount": "-1"}, "target_amount"),
        ({"target_amount": "0"}, "target_amount"),
        ({"target_amount": "10.001"}, "target_amount"),
        ({"target_amount": "lots"}, "target_amount"),
        ({"target_amount": True}, "target_amount"),
        ({"target_amount": None}, "target_amount"),
        ({"current_savings": "-0.01"}, "current_savings"),
        ({"current_savings": "0.005"}, "current_savings"),
        ({"target_date": "2023-02-30"}, "target_date"),
        ({"target_date": "tomorrow"}, "target_date"),
        ({"target_date": "31/12/2028"}, "target_date"),
        ({"target_date": 20281231}, "target_date"),
    ],
)
def test_create_rejects_invalid_fields_with_400_and_writes_nothing(api, count_rows, change, field):
    error = assert_error(api.post("/api/goals", json={**GOAL, **change}), 400)

    assert field in error["fields"]
    assert count_rows("goals") == 0


@pytest.mark.parametrize("missing", ["title", "target_amount", "target_date"])
def test_create_requires_title_amount_and_date(api, missing):
    body = {k: v for k, v in GOAL.items() if k != missing}

    assert missing in assert_error(api.post("/api/goals", json=body), 400)["fields"]


def test_title_is_trimmed(api):
    assert api.post("/api/goals", json={**GOAL, "title": "  Car  "}).json["title"] == "Car"


def test_patch_changes_only_the_fields_sent(api):
    goal = api.post("/api/goals", json=GOAL).json

    response = api.patch(f"/api/goals/{goal['id']}", json={"current_savings": "2000"})

    assert response.status_code == 200, response.json
    stored = (
        "id",
        "title",
        "target_amount",
        "target_date",
        "created_at",
        "monthly_contribution",
        "expected_annual_return_pct",
        "portfolio_id",
    )
    assert {k: response.json[k] for k in stored} == {k: goal[k] for k in stored}
    assert response.json["current_savings"] == 2000
    # The plan follows the new savings: 2000 of 20000 is 10 %.
    assert response.json["progress_pct"] == 10
    assert api.get(f"/api/goals/{goal['id']}").json == response.json


def test_patch_can_change_every_editable_field(api):
    goal = api.post("/api/goals", json=GOAL).json
    change = {"title": "Boat", "target_amount": "999.99", "current_savings": "0", "target_date": "2031-01-01"}

    body = api.patch(f"/api/goals/{goal['id']}", json=change).json

    assert (body["title"], str(body["target_amount"]), body["current_savings"], body["target_date"]) == (
        "Boat",
        "999.99",
        0,
        "2031-01-01",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"target_amount": "-5"},
        {"target_date": "2023-02-30"},
        {"title": None},
        {"current_savings": None},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"title": "Boat", "oops": 1},
    ],
)
def test_patch_rejects_invalid_fields_and_changes_nothing(api, change):
    goal = api.post("/api/goals", json=GOAL).json

    assert_error(api.patch(f"/api/goals/{goal['id']}", json=change), 400)

    assert api.get(f"/api/goals/{goal['id']}").json == goal


def test_delete_removes_the_goal(api, count_rows):
    goal_id, other_id = make_goals(api, 2)

    response = api.delete(f"/api/goals/{goal_id}")

    assert response.status_code == 204 and response.data == b""
    assert_error(api.get(f"/api/goals/{goal_id}"), 404)
    assert_error(api.delete(f"/api/goals/{goal_id}"), 404)
    assert count_rows("goals") == 1
    assert [g["id"] for g in api.get("/api/goals").json["items"]] == [other_id]


def test_goals_are_listed_per_user(api, other_api):
    make_goals(api, 2)
    make_goals(other_api, 1)

    assert api.get("/api/goals").json["total"] == 2
    assert other_api.get("/api/goals").json["total"] == 1
