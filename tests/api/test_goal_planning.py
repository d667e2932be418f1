"""The plan on every goal read (status, required monthly amounts, time to target), portfolio funding, projection.

"Today" is frozen at 2026-01-01 (``common.clock.today_utc``) so that every figure is a whole-month hand
calculation; one test runs on the real clock. Months are calendar months; the monthly rate of a yearly
return r is (1 + r)^(1/12) - 1; contributions are paid at the end of each month (see README).
"""

import datetime as dt
import json

import pytest

from financial_dashboard.common import clock

TODAY = dt.date(2026, 1, 1)
REAL_TODAY = clock.today_utc
PLAN = (
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
    "current_savings",
)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "today_utc", lambda: TODAY)


def body_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.data)  # floats, as a JavaScript client sees them


def goal(target="12000", savings="0", date="2027-01-01", **extra):
    return {"title": "Goal", "target_amount": target, "current_savings": savings, "target_date": date, **extra}


def every_read(api, body):
    """Create the goal, then read it back by id, in the list and after a PATCH that changes nothing in the
    plan; the plan must be the same in all four. Returns it."""
    made = body_of(api.post("/api/goals", json=body), 201)
    reads = [
        made,
        body_of(api.get(f"/api/goals/{made['id']}")),
        next(g for g in body_of(api.get("/api/goals"))["items"] if g["id"] == made["id"]),
        body_of(api.patch(f"/api/goals/{made['id']}", json={"title": "Renamed"})),
    ]
    plans = [{key: read[key] for key in PLAN} for read in reads]
    assert plans[1:] == plans[:1] * 3
    return made


def test_every_read_carries_the_plan_worked_out_by_hand(api):
    # 3000 of 12000 saved, 12 months left, 750 a month: 3000 + 12 × 750 = 12000 exactly.
    plan = every_read(api, goal(savings="3000", monthly_contribution="750"))

    assert plan["progress_pct"] == 25
    assert plan["remaining"] == 9000
    assert plan["months_left"] == 12
    assert plan["required_monthly"] == 750  # 9000 / 12
    assert plan["required_monthly_with_return"] is None
    assert plan["months_to_target"] == 12  # 9000 / 750
    assert plan["projected_at_target_date"] == 12000
    assert plan["status"] == "on_track"
    assert plan["reasons"] == {
        "required_monthly_with_return": "no expected return is set",
        "required_share_of_income_pct": "the monthly income is not known",
    }


@pytest.mark.parametrize(
    "monthly, projected, status",
    [
        ("1000", 12000, "on_track"),  # 12 × 1000 = 100 % of the target
        ("950", 11400, "at_risk"),  # 95 %
        ("900", 10800, "at_risk"),  # exactly 90 %: still at risk
        ("899.99", 10799.88, "behind"),  # a cent a month short of 90 %
        ("800", 9600, "behind"),  # 80 %
    ],
)
def test_status_follows_the_projection_at_the_target_date(api, monthly, projected, status):
    plan = every_read(api, goal(monthly_contribution=monthly))

    assert (plan["projected_at_target_date"], plan["status"]) == (projected, status)
    assert plan["required_monthly"] == 1000


def test_without_a_monthly_contribution_nothing_grows(api):
    plan = every_read(api, goal(savings="11000"))

    assert (plan["projected_at_target_date"], plan["projected_pct"], plan["status"]) == (11000, 91.67, "at_risk")
    assert plan["months_to_target"] is None and plan["reasons"]["months_to_target"]


@pytest.mark.parametrize("date", ["2027-01-01", "2025-06-30"])
def test_savings_at_or_above_the_target_are_achieved_whatever_the_date(api, date):
    plan = every_read(api, goal(savings="12000.00", date=date))

    assert plan["status"] == "achieved"
    assert (plan["progress_pct"], plan["remaining"], plan["required_monthly"], plan["months_to_target"]) == (
        100,
        0,
        0,
        0,
    )


def test_a_passed_target_date_short_of_the_target_is_overdue(api):
    plan = every_read(api, goal(savings="100", date="2025-12-31", monthly_contribution="500"))

    assert plan["status"] == "overdue"
    assert (plan["months_left"], plan["required_monthly"], plan["projected_at_target_date"]) == (0, None, None)
    assert plan["reasons"]["required_monthly"] == "the target date has passed"
    assert plan["reasons"]["projected_at_target_date"] == "the target date has passed"
    assert plan["months_to_target"] == 23.8  # 11900 / 500: still useful to know


def test_a_goal_reachable_only_with_the_expected_return(api):
    # 10000 growing 10 % a year for 2 years is 12100 ≥ 12000; without growth it stays at 10000 (83 %).
    made = every_read(api, goal(savings="10000", date="2028-01-01", expected_annual_return_pct="10"))

    assert (made["status"], made["projected_at_target_date"]) == ("on_track", 12100)
    assert made["required_monthly_with_return"] == 0
    assert made["required_monthly"] == 83.34  # 2000 / 24 = 83.333..., rounded up to the cent
    assert made["months_to_target"] == 22.96  # ln(1.2) / ln(1.1^(1/12)) = 12 × ln 1.2 / ln 1.1 = 22.955

    plain = body_of(api.patch(f"/api/goals/{made['id']}", json={"expected_annual_return_pct": None}))

    assert (plain["status"], plain["projected_at_target_date"], plain["projected_pct"]) == ("behind", 10000, 83.33)
    assert plain["required_monthly_with_return"] is None
    assert plain["months_to_target"] is None
    assert plain["reasons"]["months_to_target"] == "the target is never reached at the current contribution and return"


def test_required_monthly_with_a_return_and_its_share_of_income(make_user, make_api):
    # 12.68 % a year is i = 1.1268^(1/12) - 1 = 0.99981 % a month; the annuity P with
    # P × ((1 + i)^12 - 1) / i = 12000 is P = 12000 × i / 0.1268 = 946.195..., rounded up: 946.20.
    api = make_api(make_user(monthly_income="5000"))

    plan = every_read(api, goal(expected_annual_return_pct="12.68", monthly_contribution="1000"))

    assert plan["required_monthly"] == 1000
    assert plan["required_monthly_with_return"] == 946.2
    assert plan["required_share_of_income_pct"] == 18.92  # 946.20 / 5000, with the return since one is set
    # n = ln((T + P/i) / (S + P/i)) / ln(1 + i) = ln(1 + 12000 i / 1000) / ln(1 + i) = 11.39
    assert plan["months_to_target"] == 11.39
    assert plan["status"] == "on_track"
    assert "required_share_of_income_pct" not in plan["reasons"]


def test_share_of_income_without_a_return_uses_the_plain_amount(make_user, make_api):
    api = make_api(make_user(monthly_income="4000"))

    assert every_read(api, goal())["required_share_of_income_pct"] == 25  # 1000 / 4000


def test_share_of_income_is_null_with_a_reason_when_the_income_is_unknown(api):
    plan = every_read(api, goal())

    assert plan["required_share_of_income_pct"] is None
    assert plan["reasons"]["required_share_of_income_pct"] == "the monthly income is not known"


def test_the_plan_follows_a_patch(api):
    made = every_read(api, goal(monthly_contribution="1000"))

    moved = body_of(api.patch(f"/api/goals/{made['id']}", json={"target_date": "2026-07-01"}))

    # Six months left now: 12000 / 6 a month, and 6 × 1000 only reaches half of it.
    assert (moved["months_left"], moved["required_monthly"], moved["status"]) == (6, 2000, "behind")


def test_the_plan_uses_the_real_date_when_today_is_not_frozen(api, monkeypatch):
    monkeypatch.setattr(clock, "today_utc", REAL_TODAY)
    today = REAL_TODAY()
    # 365 days ahead: 11 or 12 whole months plus leftover days, never exactly 12 on a leap-year boundary.
    target = today + dt.timedelta(days=365)

    plan = body_of(api.post("/api/goals", json=goal(date=target.isoformat())), 201)
    late = body_of(api.post("/api/goals", json=goal(date=(today - dt.timedelta(days=1)).isoformat())), 201)

    assert 11.9 < plan["months_left"] < 12.05
    assert plan["status"] == "behind"
    assert late["status"] == "overdue"


# --- a goal funded by a portfolio ---


@pytest.fixture
def fund(api):
    """A portfolio holding 10 units of a fund priced 100 then 123.45: worth 1234.50."""
    portfolio = body_of(api.post("/api/portfolios", json={"name": "Savings"}), 201)["id"]
    asset = body_of(
        api.post(
            f"/api/portfolios/{portfolio}/assets",
            json={
                "name": "World fund",
                "type": "fund",
                "quantity": "10",
                "amount_invested": "1000",
                "purchase_date": "2024-01-02",
            },
        ),
        201,
    )["id"]
    body_of(
        api.post(
            f"/api/assets/{asset}/prices",
            json=[{"date": "2024-01-02", "price": "100"}, {"date": "2024-06-03", "price": "123.45"}],
        ),
        201,
    )
    return {"portfolio": portfolio, "asset": asset}


def test_a_portfolio_funded_goal_saves_what_the_portfolio_is_worth(api, fund):
    made = every_read(api, goal(target="5000", savings="0", portfolio_id=fund["portfolio"]))

    assert made["portfolio_id"] == fund["portfolio"]
    assert made["current_savings"] == 1234.5
    assert made["progress_pct"] == 24.69  # 1234.50 / 5000

    body_of(api.post(f"/api/assets/{fund['asset']}/prices", json={"date": "2024-07-01", "price": "150"}), 201)

    assert body_of(api.get(f"/api/goals/{made['id']}"))["current_savings"] == 1500


def test_linking_an_existing_goal_to_a_portfolio_by_patch(api, fund):
    made = body_of(api.post("/api/goals", json=goal(target="5000", savings="10")), 201)

    linked = body_of(api.patch(f"/api/goals/{made['id']}", json={"portfolio_id": fund["portfolio"]}))

    assert (linked["portfolio_id"], linked["current_savings"]) == (fund["portfolio"], 1234.5)


def test_another_users_portfolio_cannot_fund_a_goal(api, other_api, count_rows):
    bobs = body_of(other_api.post("/api/portfolios", json={"name": "Bob's"}), 201)["id"]
    mine = body_of(api.post("/api/goals", json=goal()), 201)

    errors = [
        body_of(response, 400)["error"]
        for response in (
            api.post("/api/goals", json=goal(portfolio_id=bobs)),
            api.patch(f"/api/goals/{mine['id']}", json={"portfolio_id": bobs}),
            api.post("/api/goals", json=goal(portfolio_id=bobs + 1000)),
        )
    ]

    # Bob's portfolio is refused in the same words as one that does not exist.
    assert [e["fields"] for e in errors] == [
        {"portfolio_id": [f"Portfolio {n} does not exist."]} for n in (bobs, bobs, bobs + 1000)
    ]
    assert count_rows("goals") == 1
    assert body_of(api.get(f"/api/goals/{mine['id']}")) == mine


def test_deleting_the_portfolio_unlinks_the_goal(api, fund):
    made = body_of(api.post("/api/goals", json=goal(savings="250", portfolio_id=fund["portfolio"])), 201)

    assert api.delete(f"/api/portfolios/{fund['portfolio']}").status_code == 204

    after = body_of(api.get(f"/api/goals/{made['id']}"))
    assert after["portfolio_id"] is None
    assert after["current_savings"] == 250  # its own savings again


def test_unlinking_by_patch_returns_to_the_goals_own_savings(api, fund):
    made = body_of(api.post("/api/goals", json=goal(savings="250", portfolio_id=fund["portfolio"])), 201)

    after = body_of(api.patch(f"/api/goals/{made['id']}", json={"portfolio_id": None}))

    assert (after["portfolio_id"], after["current_savings"]) == (None, 250)


# --- projection ---


def projection(api, goal_id, status=200):
    return body_of(api.get(f"/api/goals/{goal_id}/projection"), status)


def test_projection_grows_by_the_monthly_contribution_to_the_target_date(api):
    made = body_of(
        api.post("/api/goals", json=goal(target="5000", savings="1000", date="2026-07-01", monthly_contribution="500")),
        201,
    )

    body = projection(api, made["id"])

    assert (body["goal_id"], body["target_amount"], body["target_date"]) == (made["id"], 5000, "2026-07-01")
    assert body["projected"] == [{"date": f"2026-{m:02d}-01", "balance": 1000 + 500 * (m - 1)} for m in range(1, 8)]
    assert (body["contributions"], body["actual"]) == ([], [])


def test_projection_ends_on_a_target_date_between_two_monthly_points(api):
    made = body_of(
        api.post("/api/goals", json=goal(target="5000", savings="1000", date="2026-03-15", monthly_contribution="500")),
        201,
    )

    points = projection(api, made["id"])["projected"]

    assert [p["date"] for p in points] == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-03-15"]
    # 2 months and 14 days = 2 + 14 / 30.4375 months of 500 each.
    assert [p["balance"] for p in points] == [1000, 1500, 2000, 2229.98]


def test_projection_with_a_return_compounds_monthly(api):
    made = body_of(
        api.post(
            "/api/goals", json=goal(target="20000", savings="10000", date="2027-01-01", expected_annual_return_pct="10")
        ),
        201,
    )

    points = projection(api, made["id"])["projected"]

    assert len(points) == 13
    assert (points[0]["balance"], points[-1]["balance"]) == (10000, 11000)  # one year at 10 %
    assert points[6]["balance"] == 10488.09  # half a year: 10000 × √1.1


def test_projection_shows_the_balance_after_each_contribution(api):
    made = body_of(
        api.post("/api/goals", json=goal(target="5000", savings="1000", date="2026-03-01", monthly_contribution="100")),
        201,
    )
    for amount, date in (("-50", "2025-12-01"), ("200", "2025-11-01")):
        body_of(api.post(f"/api/goals/{made['id']}/contributions", json={"amount": amount, "date": date}), 201)

    body = projection(api, made["id"])

    assert body["actual"] == [{"date": "2025-11-01", "balance": 1200}, {"date": "2025-12-01", "balance": 1150}]
    assert [c["amount"] for c in body["contributions"]] == [200, -50]
    assert body["projected"][0] == {"date": "2026-01-01", "balance": 1150}
    assert body["projected"][-1] == {"date": "2026-03-01", "balance": 1350}


def test_projection_of_an_overdue_goal_is_today_only(api):
    made = body_of(api.post("/api/goals", json=goal(savings="300", date="2025-06-30")), 201)

    assert projection(api, made["id"])["projected"] == [{"date": "2026-01-01", "balance": 300}]


def test_projection_of_another_users_goal_answers_404(api, other_api):
    made = body_of(api.post("/api/goals", json=goal()), 201)

    error = projection(other_api, made["id"], status=404)["error"]

    assert error["description"] == f"Goal {made['id']} does not exist."
