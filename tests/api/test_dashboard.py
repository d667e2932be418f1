"""GET /api/portfolios/summary and GET /api/dashboard: every portfolio today, net worth, goals, movers.

"Today" is frozen for valuations (``common.clock.today_utc``): prices are dated a few days before it, and goals end a whole
year after it, so that goal statuses are whole-month hand calculations.
"""

import datetime as dt
import json

import pytest

from financial_dashboard.common import clock

TODAY = dt.date(2025, 6, 16)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "today_utc", lambda: TODAY)


def ago(days):
    return (TODAY - dt.timedelta(days=days)).isoformat()


def body_of(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    assert b"NaN" not in response.data and b"Infinity" not in response.data
    return json.loads(response.data)


def portfolio(api, name):
    return body_of(api.post("/api/portfolios", json={"name": name}), 201)["id"]


def holding(api, portfolio_id, name, kind, invested, prices, quantity=None):
    """An asset bought 10 days ago with ``prices`` {days ago: price}; returns its id."""
    asset = {"name": name, "type": kind, "amount_invested": invested, "purchase_date": ago(10)}
    if quantity:
        asset["quantity"] = quantity
    asset_id = body_of(api.post(f"/api/portfolios/{portfolio_id}/assets", json=asset), 201)["id"]
    if prices:
        rows = [{"date": ago(days), "price": price} for days, price in prices.items()]
        body_of(api.post(f"/api/assets/{asset_id}/prices", json=rows), 201)
    return asset_id


@pytest.fixture
def holdings(api):
    """Two portfolios, worked out by hand (value today / yesterday):

    Stocks:  A 10 units, 100 → 110 today: 1100 / 1000.    B 500 at 50 = 10 units, 60 today: 600 / 500.
    Pension: D 2 units at 200, 150 two days ago: 300 / 300. E no prices, carried at its cost: 500 / 500.
    """
    stocks, pension = portfolio(api, "Stocks"), portfolio(api, "Pension")
    ids = {
        "stocks": stocks,
        "pension": pension,
        "A": holding(api, stocks, "A", "stock", "1000", {10: "100", 1: "100", 0: "110"}, quantity="10"),
        "B": holding(api, stocks, "B", "fund", "500", {10: "50", 0: "60"}),
        "D": holding(api, pension, "D", "etf", "300", {10: "150", 3: "200", 2: "150"}, quantity="2"),
        "E": holding(api, pension, "E", "bond", "500", {}, quantity="5"),
    }
    return ids


def test_summary_lists_each_portfolio_and_totals_them(api, holdings):
    body = body_of(api.get("/api/portfolios/summary"))

    stocks, pension = body["items"]
    assert stocks == {
        "id": holdings["stocks"],
        "name": "Stocks",
        "invested": 1500,
        "value": 1700,
        "profit": 200,
        "return_pct": 13.33,
        "change_today": 200,
        "holdings": 2,
        "unpriced": 0,
    }
    assert pension == {
        "id": holdings["pension"],
        "name": "Pension",
        "invested": 800,
        "value": 800,
        "profit": 0,
        "return_pct": 0,
        "change_today": 0,
        "holdings": 2,
        "unpriced": 1,
    }
    assert body["total"] == {
        "invested": 2300,
        "value": 2500,
        "profit": 200,
        "return_pct": 8.7,
        "change_today": 200,
        "holdings": 4,
        "unpriced": 1,
    }
    for key in ("invested", "value", "profit", "change_today", "holdings", "unpriced"):
        assert body["total"][key] == sum(item[key] for item in body["items"]), key


def test_summary_of_a_user_without_portfolios_is_zero(api):
    body = body_of(api.get("/api/portfolios/summary"))

    assert body == {
        "items": [],
        "total": {
            "invested": 0,
            "value": 0,
            "profit": 0,
            "return_pct": None,
            "change_today": None,
            "holdings": 0,
            "unpriced": 0,
        },
    }


@pytest.fixture
def goals(api, holdings):
    """Six goals whose plans are easy, a whole year from today: one achieved, two on track, one at
    risk, one behind (funded by the Pension portfolio, worth 800) and one overdue."""
    year = {"target_date": TODAY.replace(year=TODAY.year + 1).isoformat()}
    bodies = [
        {"target_amount": "1000", "current_savings": "1000", **year},  # achieved
        {"target_amount": "12000", "current_savings": "0", "monthly_contribution": "1000", **year},  # 12000
        {"target_amount": "1000", "current_savings": "250", "monthly_contribution": "100", **year},  # 1450
        {"target_amount": "12000", "current_savings": "0", "monthly_contribution": "950", **year},  # 95 %
        {"target_amount": "10000", "current_savings": "5000", "portfolio_id": holdings["pension"], **year},  # 8 %
        {"target_amount": "1000", "current_savings": "100", "target_date": ago(31)},  # overdue
    ]
    return [
        body_of(api.post("/api/goals", json={"title": f"Goal {i}", **body}), 201)["id"] for i, body in enumerate(bodies)
    ]


def test_dashboard_net_worth_goals_and_movers(api, holdings, goals):
    body = body_of(api.get("/api/dashboard"))

    assert body["as_of"] == TODAY.isoformat()
    assert (body["portfolio_value"], body["invested"], body["profit"], body["return_pct"], body["profit_today"]) == (
        2500,
        2300,
        200,
        8.7,
        200,
    )
    # Savings of the goals not funded by a portfolio: 1000 + 0 + 250 + 0 + 100. The funded goal's
    # money is the Pension portfolio's, already in the portfolio value (and its stored 5000 is ignored).
    assert body["goal_savings"] == 1350
    assert body["net_worth"] == 2500 + 1350
    assert body["goals"] == {"achieved": 1, "on_track": 2, "at_risk": 1, "behind": 1, "overdue": 1}
    summary = body_of(api.get("/api/portfolios/summary"))
    assert body["portfolios"] == summary["items"]
    # Last price against the one before it: D 200 → 150, B 50 → 60, A 100 → 110; E has no prices.
    assert body["movers"] == [
        {"asset_id": holdings["D"], "name": "D", "type": "etf", "price": 150, "date": ago(2), "change_pct": -25},
        {"asset_id": holdings["B"], "name": "B", "type": "fund", "price": 60, "date": ago(0), "change_pct": 20},
        {"asset_id": holdings["A"], "name": "A", "type": "stock", "price": 110, "date": ago(0), "change_pct": 10},
    ]


def test_the_funded_goal_follows_the_portfolio_in_the_goal_list(api, holdings, goals):
    funded = body_of(api.get(f"/api/goals/{goals[4]}"))

    assert (funded["current_savings"], funded["progress_pct"], funded["status"]) == (800, 8, "behind")


def test_movers_are_the_five_largest_absolute_changes(api):
    stocks = portfolio(api, "Movers")
    changes = {"up 1": "101", "down 7": "93", "up 3": "103", "down 2": "98", "up 9": "109", "up 5": "105"}
    ids = {name: holding(api, stocks, name, "stock", "100", {1: "100", 0: price}) for name, price in changes.items()}

    movers = body_of(api.get("/api/dashboard"))["movers"]

    assert [(m["asset_id"], m["change_pct"]) for m in movers] == [
        (ids["up 9"], 9),
        (ids["down 7"], -7),
        (ids["up 5"], 5),
        (ids["up 3"], 3),
        (ids["down 2"], -2),
    ]


def test_dashboard_shows_only_my_own_money(api, other_api, holdings, goals):
    before = body_of(api.get("/api/dashboard"))
    bobs = portfolio(other_api, "Bob")
    holding(other_api, bobs, "Z", "stock", "9999", {1: "1", 0: "50"}, quantity="100")
    body_of(
        other_api.post(
            "/api/goals",
            json={"title": "Bob", "target_amount": "10", "current_savings": "10", "target_date": "2027-01-01"},
        ),
        201,
    )

    assert body_of(api.get("/api/dashboard")) == before
    bob = body_of(other_api.get("/api/dashboard"))
    assert (bob["net_worth"], bob["goals"]["achieved"], len(bob["portfolios"])) == (5010, 1, 1)


def test_each_request_loads_the_holdings_afresh(api, holdings):
    """The tests make many requests in one app context: what one request loaded must not serve the next."""
    first = body_of(api.get("/api/dashboard"))["portfolio_value"]
    holding(api, holdings["stocks"], "C", "stock", "100", {0: "30"}, quantity="5")  # 5 × 30 today

    assert body_of(api.get("/api/dashboard"))["portfolio_value"] == first + 150
    assert body_of(api.get("/api/portfolios/summary"))["total"]["value"] == first + 150


def test_dashboard_of_a_new_user_is_all_zeros(api):
    body = body_of(api.get("/api/dashboard"))

    assert (body["net_worth"], body["portfolio_value"], body["goal_savings"], body["invested"]) == (0, 0, 0, 0)
    assert (body["return_pct"], body["profit_today"], body["portfolios"], body["movers"]) == (None, None, [], [])
    assert set(body["goals"].values()) == {0}


def test_dashboard_requires_a_login(anon):
    assert anon.get("/api/dashboard").status_code == 401
    assert anon.get("/api/portfolios/summary").status_code == 401


def test_money_added_today_is_not_profit_today(api):
    stocks = portfolio(api, "Stocks")
    holding(api, stocks, "Held", "stock", "1000", {10: "100", 0: "102"}, quantity="10")  # +20 today
    bought = {"name": "New", "type": "fund", "amount_invested": "500", "purchase_date": ago(0)}
    body_of(api.post(f"/api/portfolios/{stocks}/assets", json=bought), 201)  # carried at its cost

    summary = body_of(api.get("/api/portfolios/summary"))
    dashboard = body_of(api.get("/api/dashboard"))

    assert (summary["total"]["value"], summary["total"]["invested"]) == (1520, 1500)
    assert summary["items"][0]["change_today"] == 20
    assert dashboard["profit_today"] == 20


def test_a_history_since_1900_gives_a_bounded_dashboard_with_the_figures_of_every_day(api, app, monkeypatch):
    stocks = portfolio(api, "Since 1900")
    for i in range(20):
        asset = {"name": f"Old {i}", "type": "stock", "amount_invested": "100", "purchase_date": "1900-01-02"}
        asset_id = body_of(api.post(f"/api/portfolios/{stocks}/assets", json=asset), 201)["id"]
        prices = [
            {"date": "1900-01-02", "price": "10"},
            {"date": "1987-10-19", "price": "30"},
            {"date": ago(1), "price": "90"},
        ]
        body_of(api.post(f"/api/assets/{asset_id}/prices", json=prices), 201)

    response = api.get("/api/dashboard")
    thinned = body_of(response)
    assert len(response.data) < 150_000 and len(thinned["series"]) <= 2000  # every day: 46,000 points, 2.4 MB

    from financial_dashboard.analytics import holdings  # the unthinned computation, without the per-user cache

    monkeypatch.setattr(holdings, "thin", lambda frame, max_points=None: (frame, "1d"))
    monkeypatch.setitem(app.config, "USER_CACHE_TTL_S", 0)
    full = body_of(api.get("/api/dashboard"))

    assert (thinned["series_step"], full["series_step"], len(full["series"])) == (
        "1mo",
        "1d",
        (TODAY - dt.date(1900, 1, 2)).days + 1,
    )
    assert {k: v for k, v in thinned.items() if k not in ("series", "series_step")} == {
        k: v for k, v in full.items() if k not in ("series", "series_step")
    }
    assert thinned["series"][-1] == full["series"][-1] and thinned["series"][0] == full["series"][0]
