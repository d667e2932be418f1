"""The per-user cache of performance and dashboard figures: served until the user's data changes, never after.

Every kind of write made through the API (goals, contributions, portfolios, assets, prices, a price sync)
must show in the next answer, in-process and across two apps sharing a real Redis (two gunicorn workers);
an answer served after a write must equal the one computed with the cache switched off.
"""

import uuid

import pytest

from financial_dashboard import create_app
from financial_dashboard.common import usercache
from financial_dashboard.extensions import cache, db
from financial_dashboard.portfolios import figures_cache
from tests.conftest import REDIS_URL, ApiClient

URLS = (
    "/api/dashboard",
    "/api/portfolios/{portfolio}/performance",
    "/api/portfolios/{portfolio}/performance?benchmark=MSFT&from=2012-01-01",
    "/api/portfolios/summary",
    "/api/goals",
)  # the goal list values the portfolio of a funded goal


@pytest.fixture
def computations(monkeypatch):
    """How many times the figures were computed rather than served from the cache."""
    counter = {"count": 0}

    class Counting(figures_cache.MarketInputs):
        def __init__(self):
            counter["count"] += 1
            super().__init__()

    monkeypatch.setattr(figures_cache, "MarketInputs", Counting)
    return counter


@pytest.fixture
def world(api, seed):
    """Alice's goal with a contribution, a goal funded by her portfolio, which holds AAPL (3 prices) and IBM
    (in the sample data's range, no prices yet)."""
    cache.clear()
    ids = seed(api)
    ok(
        api.post(
            "/api/goals",
            json={
                "title": "Pension",
                "target_amount": "90000",
                "target_date": "2040-01-31",
                "portfolio_id": ids["portfolio"],
            },
        )
    )
    contribution = api.post(f"/api/goals/{ids['goal']}/contributions", json={"amount": "100", "date": "2024-02-01"})
    ibm = api.post(
        f"/api/portfolios/{ids['portfolio']}/assets",
        json={
            "name": "IBM",
            "type": "stock",
            "symbol": "IBM",
            "quantity": "5",
            "amount_invested": "900",
            "purchase_date": "2012-06-01",
        },
    )
    assert contribution.status_code == ibm.status_code == 201
    return {**ids, "contribution": contribution.json["id"], "ibm": ibm.json["id"]}


def ok(response, status=(200, 201, 204)):
    assert response.status_code in status, response.get_data(as_text=True)
    return response


WRITES = {
    "goal create": lambda api, ids: ok(
        api.post(
            "/api/goals",
            json={"title": "Car", "target_amount": "9000", "current_savings": "10", "target_date": "2031-01-31"},
        )
    ),
    "goal update": lambda api, ids: ok(api.patch(f"/api/goals/{ids['goal']}", json={"current_savings": "5000"})),
    "goal delete": lambda api, ids: ok(api.delete(f"/api/goals/{ids['goal']}")),
    "contribution create": lambda api, ids: ok(
        api.post(f"/api/goals/{ids['goal']}/contributions", json={"amount": "250", "date": "2024-03-01"})
    ),
    "contribution delete": lambda api, ids: ok(
        api.delete(f"/api/goals/{ids['goal']}/contributions/{ids['contribution']}")
    ),
    "portfolio create": lambda api, ids: ok(api.post("/api/portfolios", json={"name": "Second"})),
    "portfolio rename": lambda api, ids: ok(api.patch(f"/api/portfolios/{ids['portfolio']}", json={"name": "Renamed"})),
    "portfolio delete": lambda api, ids: ok(api.delete(f"/api/portfolios/{ids['portfolio']}")),
    "asset create": lambda api, ids: ok(
        api.post(
            f"/api/portfolios/{ids['portfolio']}/assets",
            json={"name": "Cash", "type": "cash", "amount_invested": "700", "purchase_date": "2024-01-05"},
        )
    ),
    "asset update": lambda api, ids: ok(api.patch(f"/api/assets/{ids['asset']}", json={"quantity": "12"})),
    "asset delete": lambda api, ids: ok(api.delete(f"/api/assets/{ids['asset']}")),
    "price create": lambda api, ids: ok(
        api.post(f"/api/assets/{ids['asset']}/prices", json={"date": "2024-01-10", "price": "170"})
    ),
    "price upsert": lambda api, ids: ok(
        api.post(f"/api/assets/{ids['asset']}/prices", json=[{"date": "2024-01-04", "price": "160"}])
    ),
    "price update": lambda api, ids: ok(
        api.patch(f"/api/assets/{ids['asset']}/prices/{ids['prices'][-1]}", json={"price": "140"})
    ),
    "price delete": lambda api, ids: ok(api.delete(f"/api/assets/{ids['asset']}/prices/{ids['prices'][-1]}")),
    "price sync": lambda api, ids: ok(api.post(f"/api/assets/{ids['ibm']}/prices/sync")),
}


def answers(api, ids) -> dict:
    """Status and body of every cached URL (a deleted portfolio's performance is a 404)."""
    return {url: (r.status_code, r.json) for url in URLS for r in [api.get(url.format(**ids))]}


def uncached(app, api, ids) -> dict:
    saved, app.config["USER_CACHE_TTL_S"] = app.config["USER_CACHE_TTL_S"], 0
    try:
        return answers(api, ids)
    finally:
        app.config["USER_CACHE_TTL_S"] = saved


def test_a_repeated_question_is_answered_from_the_cache(api, world, computations):
    first = answers(api, world)
    computed = computations["count"]

    assert answers(api, world) == first
    # Performance twice, the dashboard, and the portfolio summaries (shared by the summary and the goal list).
    assert computed == 4 and computations["count"] == computed
    assert all(status == 200 for status, _ in first.values())


@pytest.mark.parametrize("write", WRITES)
def test_every_write_shows_in_the_next_answer_in_process(app, api, world, computations, write):
    before = answers(api, world)
    computed = computations["count"]
    answers(api, world)
    assert computations["count"] == computed  # the second round came from the cache

    WRITES[write](api, world)
    after = answers(api, world)

    assert after != before
    assert after == uncached(app, api, world)


def test_another_users_write_leaves_my_answers_cached(api, other_api, world, seed, computations):
    seed(other_api, "Bob's")
    answers(api, world)
    computed = computations["count"]

    ok(other_api.post("/api/goals", json={"title": "Bike", "target_amount": "900", "target_date": "2030-01-31"}))

    answers(api, world)
    assert computations["count"] == computed


def test_a_deleted_users_id_reused_by_a_new_account_gets_none_of_its_answers(api, make_user, make_api, world):
    old = answers(api, world)
    ok(api.delete("/api/auth/me", json={"password": "correct horse battery"}))

    newcomer = make_api(make_user(email="new@example.com"))  # SQLite hands out the freed id again

    body = newcomer.get("/api/dashboard").json
    assert body["portfolios"] == [] and body != old["/api/dashboard"][1]


def test_a_page_shows_a_renamed_goal_at_once(app, api, world, user):
    client = api.client
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
    assert "House" in client.get("/").get_data(as_text=True)

    ok(api.patch(f"/api/goals/{world['goal']}", json={"title": "Cottage"}))

    page = client.get("/").get_data(as_text=True)
    assert "Cottage" in page and "House" not in page


def test_new_split_data_is_used_as_soon_as_the_market_cache_has_it(app, api, world, monkeypatch):
    """Split histories are market data, not the user's: a hit re-reads them and recomputes when they changed."""
    from tests.api.test_performance import SplitProvider

    url = f"/api/portfolios/{world['portfolio']}/performance?to=2024-01-04"
    before = float(api.get(url).json["value"])
    monkeypatch.setitem(
        app.extensions.setdefault("market_providers", {}), "sample", SplitProvider([("2024-01-03", 2.0)])
    )
    cache.delete("splits:sample:AAPL")  # the day-long split cache entry expires

    assert api.get(url).json["value"] == pytest.approx(before + 10 * 149.75)  # AAPL's 10 shares are now 20


def test_a_hit_costs_two_round_trips_to_the_cache(api, world, monkeypatch):
    """Versions and answer in one read, every split history in another (under gevent each wait costs a turn)."""
    url = f"/api/portfolios/{world['portfolio']}/performance"
    api.get(url)
    calls = []
    for method in ("get", "get_many"):
        real = getattr(cache, method)
        monkeypatch.setattr(cache, method, lambda *keys, _real=real, _name=method: calls.append(_name) or _real(*keys))

    assert api.get(url).status_code == 200
    assert calls == ["get_many", "get_many"]


class BrokenCache:
    """Every call fails, as Redis does when it is down."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_the_cache_failing_counts_as_a_miss_and_serves_nothing_stale(app, api, world, monkeypatch):
    answers(api, world)  # cached under the current version
    monkeypatch.setattr(usercache, "cache", BrokenCache())

    assert answers(api, world) == uncached(app, api, world)
    WRITES["price update"](api, world)  # the new version cannot be stored while the cache is down
    monkeypatch.undo()  # back: the answers cached before the write must not be served

    assert answers(api, world) == uncached(app, api, world)


# --- two workers sharing Redis ---


@pytest.fixture
def workers(app, database_url, redis_client, world, api):
    """Two apps on one database and one Redis (a key prefix of this test's own), each with a client for Alice."""
    prefix = f"fd-test-{uuid.uuid4().hex}:"
    apps = [
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "REDIS_URL": REDIS_URL,
                "CACHE_KEY_PREFIX": prefix,
            }
        )
        for _ in range(2)
    ]
    yield prefix, apps, [ApiClient(worker.test_client(), api.token) for worker in apps]
    for worker in apps:
        with worker.app_context():
            db.engine.dispose()
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


@pytest.mark.parametrize("write", WRITES)
def test_a_write_through_one_worker_shows_in_the_other(workers, world, computations, redis_client, write):
    prefix, (first, second), (one, two) = workers
    assert first.config["CACHE_TYPE"].endswith("RedisCache")  # the fault-tolerant Redis backend
    before = answers(two, world)
    computed = computations["count"]
    answers(one, world)
    assert computations["count"] == computed  # the first worker answered from what the second stored
    assert any(key.startswith(f"{prefix}userdata:".encode()) for key in redis_client.scan_iter(match=prefix + "*"))

    WRITES[write](one, world)
    after = answers(two, world)

    assert after != before
    assert after == uncached(second, two, world)
