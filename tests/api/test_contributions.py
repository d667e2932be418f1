"""Goal contributions: money in and out of a goal's savings, exact to the cent, never below zero."""

import decimal

import pytest

from financial_dashboard.extensions import db

GOAL = {"title": "Trip", "target_amount": "3000", "current_savings": "0.20", "target_date": "2030-01-01"}


def body_of(response, status=200):
    """The parsed body, with numbers as exact Decimals (the app's JSON provider parses them so)."""
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def error_of(response, status):
    return body_of(response, status)["error"]


@pytest.fixture
def goal(api):
    return body_of(api.post("/api/goals", json=GOAL), 201)["id"]


def contribute(api, goal_id, amount, date="2025-01-15", status=201, **extra):
    return body_of(
        api.post(f"/api/goals/{goal_id}/contributions", json={"amount": amount, "date": date, **extra}), status
    )


def savings(api, goal_id):
    db.session.rollback()  # read what was committed, not what a refused request left in the session
    return body_of(api.get(f"/api/goals/{goal_id}"))["current_savings"]


def contributions(api, goal_id):
    return body_of(api.get(f"/api/goals/{goal_id}/contributions"))


def test_a_contribution_adds_to_the_savings_exactly(api, goal, count_rows):
    response = api.post(
        f"/api/goals/{goal}/contributions", json={"amount": "0.10", "date": "2025-01-15", "note": "  coins  "}
    )

    body = body_of(response, 201)
    assert response.headers["Location"].endswith(f"/api/goals/{goal}/contributions")
    assert {k: body[k] for k in ("goal_id", "amount", "date", "note", "current_savings")} == {
        "goal_id": goal,
        "amount": decimal.Decimal("0.1"),
        "date": "2025-01-15",
        "note": "coins",
        "current_savings": decimal.Decimal("0.3"),
    }
    # 0.20 + 0.10 is 0.3 in the JSON text, not 0.30000000000000004.
    assert b'"current_savings": 0.3' in response.data
    assert savings(api, goal) == decimal.Decimal("0.3")
    assert count_rows("goal_contributions") == 1


def test_a_negative_amount_withdraws(api, goal):
    contribute(api, goal, "100.05")

    body = contribute(api, goal, "-0.25")

    assert body["current_savings"] == decimal.Decimal("100")  # 0.20 + 100.05 - 0.25
    assert savings(api, goal) == decimal.Decimal("100")


def test_withdrawing_everything_leaves_exactly_zero(api, goal):
    assert contribute(api, goal, "-0.20")["current_savings"] == 0


def test_a_withdrawal_below_zero_is_refused_and_changes_nothing(api, goal, count_rows):
    error = error_of(api.post(f"/api/goals/{goal}/contributions", json={"amount": "-0.21", "date": "2025-01-15"}), 400)

    assert "amount" in error["fields"]
    assert savings(api, goal) == decimal.Decimal("0.2")
    assert count_rows("goal_contributions") == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"amount": "0", "date": "2025-01-15"}, "amount"),
        ({"amount": "-0.00", "date": "2025-01-15"}, "amount"),
        ({"amount": "1.001", "date": "2025-01-15"}, "amount"),
        ({"amount": "lots", "date": "2025-01-15"}, "amount"),
        ({"date": "2025-01-15"}, "amount"),
        ({"amount": "5"}, "date"),
        ({"amount": "5", "date": "2025-02-30"}, "date"),
        ({"amount": "5", "date": "2025-01-15", "goal_id": 1}, "goal_id"),
        ({"amount": "5", "date": "2025-01-15", "note": "x" * 201}, "note"),
    ],
)
def test_invalid_contributions_are_refused_and_change_nothing(api, goal, count_rows, body, field):
    error = error_of(api.post(f"/api/goals/{goal}/contributions", json=body), 400)

    assert field in error["fields"]
    assert savings(api, goal) == decimal.Decimal("0.2")
    assert count_rows("goal_contributions") == 0


def test_the_list_is_ordered_by_date_then_by_entry(api, goal):
    ids = {
        date: contribute(api, goal, amount, date)["id"]
        for amount, date in (("30", "2025-03-01"), ("10", "2025-01-01"), ("20", "2025-02-01"))
    }
    same_day = contribute(api, goal, "5", "2025-02-01")["id"]

    body = contributions(api, goal)

    assert [c["id"] for c in body["items"]] == [ids["2025-01-01"], ids["2025-02-01"], same_day, ids["2025-03-01"]]
    assert [c["amount"] for c in body["items"]] == [10, 20, 5, 30]
    assert body["total"] == 4


def test_deleting_a_contribution_reverses_it(api, goal, count_rows):
    kept = contribute(api, goal, "10")["id"]
    added = contribute(api, goal, "99.99")["id"]
    withdrawn = contribute(api, goal, "-5.05")["id"]

    assert api.delete(f"/api/goals/{goal}/contributions/{added}").status_code == 204
    assert savings(api, goal) == decimal.Decimal("5.15")  # 0.20 + 10 - 5.05
    assert api.delete(f"/api/goals/{goal}/contributions/{withdrawn}").status_code == 204
    assert savings(api, goal) == decimal.Decimal("10.2")
    assert [c["id"] for c in contributions(api, goal)["items"]] == [kept]
    assert count_rows("goal_contributions") == 1


def test_deleting_a_contribution_that_was_already_spent_is_refused(api, goal, count_rows):
    deposit = contribute(api, goal, "100")["id"]
    contribute(api, goal, "-80")  # 20.20 left

    error = error_of(api.delete(f"/api/goals/{goal}/contributions/{deposit}"), 400)

    assert "below zero" in error["description"]
    assert savings(api, goal) == decimal.Decimal("20.2")
    assert count_rows("goal_contributions") == 2


def test_a_missing_contribution_answers_404(api, goal):
    error = error_of(api.delete(f"/api/goals/{goal}/contributions/12345"), 404)

    assert error["description"] == "Contribution 12345 does not exist."


def test_a_portfolio_funded_goal_takes_no_contributions(api, count_rows):
    portfolio = body_of(api.post("/api/portfolios", json={"name": "Funds"}), 201)["id"]
    funded = body_of(api.post("/api/goals", json={**GOAL, "portfolio_id": portfolio}), 201)["id"]

    error = error_of(api.post(f"/api/goals/{funded}/contributions", json={"amount": "10", "date": "2025-01-15"}), 400)

    assert "portfolio" in error["description"]
    assert count_rows("goal_contributions") == 0


def test_another_users_goal_and_contributions_answer_404_and_change_nothing(api, other_api, goal, count_rows):
    contribution = contribute(api, goal, "10")["id"]
    bobs_goal = body_of(other_api.post("/api/goals", json=GOAL), 201)["id"]
    before = contributions(api, goal)

    responses = {
        "list": other_api.get(f"/api/goals/{goal}/contributions"),
        "add": other_api.post(f"/api/goals/{goal}/contributions", json={"amount": "-10", "date": "2025-01-15"}),
        "delete": other_api.delete(f"/api/goals/{goal}/contributions/{contribution}"),
        # Alice's contribution through Bob's own goal.
        "delete via own goal": other_api.delete(f"/api/goals/{bobs_goal}/contributions/{contribution}"),
    }

    for name, response in responses.items():
        assert response.status_code == 404, name
    assert responses["list"].json["error"]["description"] == f"Goal {goal} does not exist."
    assert (
        responses["delete via own goal"].json["error"]["description"] == f"Contribution {contribution} does not exist."
    )
    assert contributions(api, goal) == before
    assert savings(api, goal) == decimal.Decimal("10.2")
    assert savings(other_api, bobs_goal) == decimal.Decimal("0.2")
    assert count_rows("goal_contributions") == 1


def test_deleting_a_goal_deletes_its_contributions_only(api, goal, count_rows):
    other_goal = body_of(api.post("/api/goals", json=GOAL), 201)["id"]
    for amount in ("10", "20", "-5"):
        contribute(api, goal, amount)
    contribute(api, other_goal, "7")

    assert api.delete(f"/api/goals/{goal}").status_code == 204

    assert count_rows("goal_contributions") == 1
    assert [c["amount"] for c in contributions(api, other_goal)["items"]] == [7]


def test_contributions_stay_deletable_after_the_goal_is_linked_to_a_portfolio(api, count_rows):
    goal = api.post("/api/goals", json={"title": "g", "target_amount": 1000, "target_date": "2030-01-01"}).json["id"]
    contribution = api.post(f"/api/goals/{goal}/contributions", json={"amount": "50", "date": "2026-01-01"}).json["id"]
    portfolio = api.post("/api/portfolios", json={"name": "Funds"}).json["id"]
    assert api.patch(f"/api/goals/{goal}", json={"portfolio_id": portfolio}).status_code == 200

    response = api.delete(f"/api/goals/{goal}/contributions/{contribution}")

    assert response.status_code == 204, response.json
    assert count_rows("goal_contributions") == 0


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31", "tomorrow"])
def test_contribution_dates_are_bounded_and_never_in_the_future(api, goal, count_rows, day):
    import datetime as dt

    if day == "tomorrow":
        day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()

    error = error_of(api.post(f"/api/goals/{goal}/contributions", json={"amount": "5", "date": day}), 400)

    assert "date" in error["fields"]
    assert savings(api, goal) == decimal.Decimal("0.2")
    assert count_rows("goal_contributions") == 0


def test_a_contribution_dated_today_or_in_1900_counts(api, goal):
    import datetime as dt

    contribute(api, goal, "1", dt.datetime.now(dt.UTC).date().isoformat())
    contribute(api, goal, "2", "1900-01-01")

    assert savings(api, goal) == decimal.Decimal("3.2")
