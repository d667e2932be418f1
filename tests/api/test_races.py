"""Races replayed deterministically through the test client, on SQLite and PostgreSQL: a row deleted by
another request between the moment a request reads it and the moment it writes (or answers) is a 404,
never a 500, and nothing is half-written. tests/deploy/test_concurrency.py runs the real thing."""

import pytest
import sqlalchemy as sa

from financial_dashboard.assets import api as assets_api
from financial_dashboard.extensions import db
from financial_dashboard.goals import api as goals_api
from financial_dashboard.goals import services as goal_services
from financial_dashboard.portfolios import api as portfolios_api
from financial_dashboard.prices import services as price_services


def delete_behind(table, row_id):
    """What a parallel request does: delete a row on a connection of its own, and commit."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})


def deleting_after(monkeypatch, module, name, table):
    """Make ``module.name`` (a loader) delete the row it just loaded behind the request's back."""
    real = getattr(module, name)

    def load_then_lose(*args):
        row = real(*args)
        delete_behind(table, row.id)
        return row

    monkeypatch.setattr(module, name, load_then_lose)


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json["error"]


@pytest.fixture
def ids(api, seed):
    return seed(api)


def test_a_goal_deleted_before_its_change_is_written_answers_404(api, ids, monkeypatch, count_rows):
    deleting_after(monkeypatch, goals_api.services, "get_goal", "goals")

    error = error_of(api.patch(f"/api/goals/{ids['goal']}", json={"title": "Renamed"}), 404)

    assert error["description"] == f"Goal {ids['goal']} does not exist."
    assert count_rows("goals") == 0


def test_a_goal_deleted_after_its_change_but_before_the_answer_answers_404(api, ids, monkeypatch):
    real = goal_services.update_goal

    def update_then_lose(user, goal, changes):
        real(user, goal, changes)
        delete_behind("goals", ids["goal"])
        return goal

    monkeypatch.setattr(goals_api.services, "update_goal", update_then_lose)

    assert error_of(api.patch(f"/api/goals/{ids['goal']}", json={"title": "Renamed"}), 404)["code"] == 404


def test_a_contribution_to_a_goal_deleted_meanwhile_answers_404_and_stores_nothing(api, ids, monkeypatch, count_rows):
    deleting_after(monkeypatch, goals_api.services, "get_goal", "goals")

    error = error_of(
        api.post(f"/api/goals/{ids['goal']}/contributions", json={"amount": "5", "date": "2025-01-15"}), 404
    )

    assert error["description"] == f"Goal {ids['goal']} does not exist."
    assert count_rows("goal_contributions") == 0


def test_undoing_a_contribution_undone_meanwhile_answers_404_and_moves_nothing(api, ids, monkeypatch):
    goal = ids["goal"]
    contribution = api.post(f"/api/goals/{goal}/contributions", json={"amount": "5", "date": "2025-01-15"}).json
    deleting_after(monkeypatch, goals_api.services, "get_contribution", "goal_contributions")

    error = error_of(api.delete(f"/api/goals/{goal}/contributions/{contribution['id']}"), 404)

    assert error["description"] == f"Contribution {contribution['id']} does not exist."
    db.session.rollback()
    assert str(api.get(f"/api/goals/{goal}").json["current_savings"]) == "1239.56"  # 1234.56 + 5, once


@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("patch", "", {"price": "9"}),
        ("delete", "", None),
    ],
)
def test_a_price_deleted_meanwhile_answers_404(api, ids, monkeypatch, count_rows, method, suffix, body):
    from financial_dashboard.prices import api as prices_api

    deleting_after(monkeypatch, prices_api.services, "get_price", "price_history")
    url = f"/api/assets/{ids['asset']}/prices/{ids['price']}{suffix}"

    error = error_of(getattr(api, method)(url, json=body), 404)

    assert error["description"] == f"Price {ids['price']} does not exist."
    assert count_rows("price_history") == 2


@pytest.mark.parametrize(
    "request_",
    [
        ("post", "/prices", [{"date": "2024-02-01", "price": "1"}]),
        ("post", "/prices/sync", None),
        ("patch", "", {"name": "Renamed"}),
        ("delete", "", None),
    ],
)
def test_writes_to_an_asset_deleted_meanwhile_answer_404_and_store_nothing(api, ids, monkeypatch, count_rows, request_):
    from financial_dashboard.prices import api as prices_api

    for module in (assets_api.services, prices_api):
        deleting_after(monkeypatch, module, "get_asset", "assets")
    method, suffix, body = request_

    error = error_of(getattr(api, method)(f"/api/assets/{ids['asset']}{suffix}", json=body), 404)

    assert error["description"] == f"Asset {ids['asset']} does not exist."
    assert (count_rows("assets"), count_rows("price_history")) == (0, 0)


@pytest.mark.parametrize(
    "request_",
    [
        ("post", "/assets", {"name": "New", "type": "etf", "amount_invested": "1", "purchase_date": "2024-01-02"}),
        ("patch", "", {"name": "Renamed"}),
        ("delete", "", None),
    ],
)
def test_writes_to_a_portfolio_deleted_meanwhile_answer_404_and_store_nothing(
    api, ids, monkeypatch, count_rows, request_
):
    for module in (portfolios_api.services, assets_api):
        deleting_after(monkeypatch, module, "get_portfolio", "portfolios")
    method, suffix, body = request_

    error = error_of(getattr(api, method)(f"/api/portfolios/{ids['portfolio']}{suffix}", json=body), 404)

    assert error["description"] == f"Portfolio {ids['portfolio']} does not exist."
    assert (count_rows("portfolios"), count_rows("assets")) == (0, 0)


def test_linking_a_goal_to_a_portfolio_deleted_after_the_check_is_refused(api, ids, monkeypatch, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip(
            "PostgreSQL: the check locks the portfolio, so the deletion waits for this request "
            "(tests/deploy/test_concurrency.py); SQLite has no row locks, so its foreign key decides"
        )
    from financial_dashboard.portfolios import services as portfolio_services

    real = portfolio_services.check_portfolio_id

    def check_then_lose(user, portfolio_id):
        real(user, portfolio_id)
        if portfolio_id is not None:
            delete_behind("portfolios", portfolio_id)

    monkeypatch.setattr(goal_services, "check_portfolio_id", check_then_lose)

    error = error_of(api.patch(f"/api/goals/{ids['goal']}", json={"portfolio_id": ids["portfolio"]}), 400)

    assert "portfolio_id" in error["fields"]
    db.session.rollback()
    assert api.get(f"/api/goals/{ids['goal']}").json["portfolio_id"] is None


def test_deleting_twice_answers_404_the_second_time(api, ids):
    urls = [
        f"/api/assets/{ids['asset']}/prices/{ids['price']}",
        f"/api/goals/{ids['goal']}",
        f"/api/assets/{ids['asset']}",
        f"/api/portfolios/{ids['portfolio']}",
    ]
    for url in urls:
        assert api.delete(url).status_code == 204
        error_of(api.delete(url), 404)


def test_the_bulk_upsert_sends_one_statement_per_batch(api, ids, monkeypatch):
    monkeypatch.setattr(price_services, "BATCH", 100)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "price_history" in statement and statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    rows = [{"date": f"19{n // 365:02}-01-01", "price": "1"} for n in range(0, 365 * 99, 365)]
    rows += [{"date": f"2000-{1 + n // 28:02}-{1 + n % 28:02}", "price": "2"} for n in range(12 * 28)]
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = api.post(f"/api/assets/{ids['asset']}/prices", json=rows)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    assert response.status_code == 201, response.json
    assert (response.json["created"], len(rows)) == (99 + 336, 435)
    assert len(statements) == 5  # 435 rows in batches of 100
