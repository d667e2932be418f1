"""No lost updates: parallel requests against a real gunicorn (2 gevent workers) on PostgreSQL.

Every test fires its requests from threads released together by a barrier, so that they really overlap
inside the workers, then checks that each answer is one a client can act on (never a 5xx) and that the
stored state is exactly what the accepted answers add up to.
"""

import concurrent.futures
import datetime as dt
import decimal
import json
import threading
import urllib.error
import urllib.request

import pytest
import sqlalchemy as sa

from tests.live_server import gunicorn

D = decimal.Decimal
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory, live_database):
    with gunicorn(tmp_path_factory.mktemp("concurrency"), live_database) as base:
        yield base


@pytest.fixture(scope="module")
def database(live_database):
    """An engine on the server's database, to look behind the API for orphans."""
    engine = sa.create_engine(live_database)
    yield engine
    engine.dispose()


class Api:
    """A tiny JSON client: ``call`` answers (status, parsed body), numbers as exact Decimals."""

    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, (json.loads(raw, parse_float=D) if raw else None)

    def ok(self, method, path, body=None, status=(200, 201)):
        got, answer = self.call(method, path, body)
        assert got in status, (method, path, got, answer)
        return answer


@pytest.fixture(scope="module")
def api(server):
    """One account for the module (registration is rate-limited per address)."""
    anon = Api(server)
    user = {"email": "racer@example.com", "password": "correct horse battery", "name": "Racer"}
    anon.ok("POST", "/api/auth/register", user, status=(201,))
    token = anon.ok("POST", "/api/auth/token", {"email": user["email"], "password": user["password"]})
    return Api(server, token["access_token"])


def race(*calls):
    """Send every ``(api, method, path, body)`` at once, each from its own thread; the (status, body) of each."""
    barrier = threading.Barrier(len(calls))

    def run(api, *call):
        barrier.wait(timeout=TIMEOUT_S)
        return api.call(*call)

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: run(*call), calls))


def statuses(results):
    found = [status for status, _ in results]
    assert all(status < 500 for status in found), results
    return found


def new_goal(api, savings="0", **fields):
    return api.ok(
        "POST",
        "/api/goals",
        {"title": "Race", "target_amount": "100000", "current_savings": savings, "target_date": "2040-01-01", **fields},
    )["id"]


def savings_of(api, goal):
    return api.ok("GET", f"/api/goals/{goal}")["current_savings"]


def ledger_of(api, goal):
    """Every contribution of the goal (fewer than 100 in these tests)."""
    body = api.ok("GET", f"/api/goals/{goal}/contributions?per_page=100")
    assert body["total"] < 100
    return body["items"]


def contribution(amount):
    return {"amount": amount, "date": "2025-01-15"}


def test_fifty_parallel_contributions_all_count(api):
    goal = new_goal(api)

    results = race(*[(api, "POST", f"/api/goals/{goal}/contributions", contribution("1.00"))] * 50)

    assert statuses(results) == [201] * 50
    assert savings_of(api, goal) == D("50.00")
    assert sum(c["amount"] for c in ledger_of(api, goal)) == D("50.00")
    # Each answer's savings is the balance right after that contribution: 1 to 50, each once.
    assert sorted(body["current_savings"] for _, body in results) == [D(n) for n in range(1, 51)]


def test_parallel_withdrawals_never_take_the_savings_below_zero(api):
    goal = new_goal(api, savings="10.00")

    results = race(*[(api, "POST", f"/api/goals/{goal}/contributions", contribution("-1.00"))] * 40)

    found = statuses(results)
    assert found.count(201) == 10 and found.count(400) == 30, found
    assert savings_of(api, goal) == 0
    assert sum(c["amount"] for c in ledger_of(api, goal)) == D("-10.00")


def test_deposits_withdrawals_and_undos_in_parallel_keep_the_ledger_and_the_savings_equal(api):
    goal = new_goal(api)
    undone = [api.ok("POST", f"/api/goals/{goal}/contributions", contribution("5.00"))["id"] for _ in range(10)]

    calls = [(api, "DELETE", f"/api/goals/{goal}/contributions/{cid}", None) for cid in undone]
    calls += [(api, "DELETE", f"/api/goals/{goal}/contributions/{undone[0]}", None)]  # twice: one must lose
    calls += [(api, "POST", f"/api/goals/{goal}/contributions", contribution("3.00"))] * 10
    calls += [(api, "POST", f"/api/goals/{goal}/contributions", contribution("-4.00"))] * 10
    found = statuses(race(*calls))

    # An undo may be refused (400) when parallel withdrawals already spent the money; a second undo of the
    # same contribution finds it gone (404).
    assert set(found) <= {201, 204, 400, 404} and [found[0], found[10]].count(204) <= 1, found
    undone_ok = {cid for cid, status in zip(undone + undone[:1], found[:11], strict=False) if status == 204}
    ledger = ledger_of(api, goal)
    assert savings_of(api, goal) == sum((c["amount"] for c in ledger), D(0)) >= 0
    assert {c["id"] for c in ledger} & set(undone) == set(undone) - undone_ok


def test_undoing_a_deposit_that_parallel_withdrawals_spent_is_refused(api):
    goal = new_goal(api)
    deposit = api.ok("POST", f"/api/goals/{goal}/contributions", contribution("10.00"))["id"]

    calls = [(api, "POST", f"/api/goals/{goal}/contributions", contribution("-1.00"))] * 10
    found = statuses(race(*calls, (api, "DELETE", f"/api/goals/{goal}/contributions/{deposit}", None)))

    ledger = ledger_of(api, goal)
    assert savings_of(api, goal) == sum((c["amount"] for c in ledger), D(0)) >= 0
    # Either the undo came first (and every withdrawal found nothing), or some withdrawals did (and the undo,
    # which would then go below zero, was refused).
    assert (found[-1], found[:-1].count(201)) == (204, 0) or found[-1] == 400, found


def test_contributions_racing_the_deletion_of_their_goal_leave_nothing_behind(api, database):
    goals = [new_goal(api) for _ in range(5)]

    calls = []
    for goal in goals:
        calls += [(api, "POST", f"/api/goals/{goal}/contributions", contribution("1.00"))] * 6
        calls += [(api, "DELETE", f"/api/goals/{goal}", None)]
    found = statuses(race(*calls))

    assert set(found) <= {201, 204, 404}, found
    assert found.count(204) == len(goals)
    with database.connect() as conn:
        left = conn.scalar(sa.text("SELECT count(*) FROM goal_contributions WHERE goal_id = ANY(:ids)"), {"ids": goals})
    assert left == 0


def test_a_goal_changed_while_it_is_deleted_answers_404_not_500(api):
    goals = [new_goal(api) for _ in range(8)]

    calls = []
    for goal in goals:
        calls += [
            (api, "PATCH", f"/api/goals/{goal}", {"title": "Renamed", "current_savings": "3"}),
            (api, "DELETE", f"/api/goals/{goal}", None),
        ]
    found = statuses(race(*calls))

    assert set(found[0::2]) <= {200, 404} and set(found[1::2]) <= {204, 404}, found
    assert found[1::2].count(204) == len(goals)


def new_portfolio(api, name):
    return api.ok("POST", "/api/portfolios", {"name": name})["id"]


def new_asset(api, portfolio, **fields):
    body = {
        "name": "Apple",
        "type": "stock",
        "symbol": "AAPL",
        "quantity": "10",
        "amount_invested": "1000",
        "purchase_date": "2010-01-04",
        **fields,
    }
    return api.ok("POST", f"/api/portfolios/{portfolio}/assets", body)["id"]


def test_twenty_parallel_upserts_of_one_date_create_it_once(api):
    asset = new_asset(api, new_portfolio(api, "Upserts"))
    prices = [f"{100 + n}.5" for n in range(20)]

    results = race(*[(api, "POST", f"/api/assets/{asset}/prices", {"date": "2024-01-02", "price": p}) for p in prices])

    found = statuses(results)
    assert sorted(found) == [200] * 19 + [201], found
    stored = api.ok("GET", f"/api/assets/{asset}/prices")["items"]
    assert len(stored) == 1 and str(stored[0]["price"]) in prices
    assert {body["id"] for _, body in results} == {stored[0]["id"]}


def test_parallel_lists_of_overlapping_dates_count_each_row_once(api):
    asset = new_asset(api, new_portfolio(api, "Lists"))
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(300)]

    results = race(
        *[
            (
                api,
                "POST",
                f"/api/assets/{asset}/prices",
                [{"date": day, "price": str(k + 1)} for day in days[k * 20 : k * 20 + 200]],
            )
            for k in range(6)
        ]
    )

    statuses(results)
    assert sum(body["created"] for _, body in results) == api.ok("GET", f"/api/assets/{asset}/prices")["total"]


def test_a_double_click_on_sync_stores_every_close_once(api):
    asset = new_asset(api, new_portfolio(api, "Sync"), purchase_date="2012-01-03")

    results = race(*[(api, "POST", f"/api/assets/{asset}/prices/sync", None)] * 4)

    assert statuses(results) == [200] * 4
    total = api.ok("GET", f"/api/assets/{asset}/prices")["total"]
    assert total > 250
    assert sum(body["created"] for _, body in results) == total
    assert all(body["created"] + body["updated"] + body["unchanged"] == total for _, body in results)


def test_a_price_changed_while_it_is_deleted_answers_404_not_500(api):
    asset = new_asset(api, new_portfolio(api, "Patch delete"))
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(15)]
    ids = [
        p["id"]
        for p in api.ok("POST", f"/api/assets/{asset}/prices", [{"date": d, "price": "1"} for d in days])["items"]
    ]

    calls = []
    for n, price in enumerate(ids):
        calls += [
            (api, "PATCH", f"/api/assets/{asset}/prices/{price}", {"price": "2", "date": f"2023-06-{n + 1:02}"}),
            (api, "DELETE", f"/api/assets/{asset}/prices/{price}", None),
        ]
    found = statuses(race(*calls))

    assert set(found[0::2]) <= {200, 404} and found[1::2] == [204] * len(ids), found
    assert api.ok("GET", f"/api/assets/{asset}/prices")["total"] == 0


def test_writes_racing_the_deletion_of_their_asset_or_portfolio_answer_404_not_500(api, database):
    calls, portfolios, assets = [], [], []
    for n in range(4):
        portfolio = new_portfolio(api, f"Doomed {n}")
        asset = new_asset(api, portfolio)
        portfolios.append(portfolio)
        assets.append(asset)
        calls += [
            (api, "POST", f"/api/assets/{asset}/prices", [{"date": "2024-01-02", "price": "1"}]),
            (api, "POST", f"/api/assets/{asset}/prices/sync", None),
            (api, "PATCH", f"/api/assets/{asset}", {"name": "Renamed"}),
            (
                api,
                "POST",
                f"/api/portfolios/{portfolio}/assets",
                {"name": "New", "type": "etf", "amount_invested": "1", "purchase_date": "2024-01-02"},
            ),
            (api, "PATCH", f"/api/portfolios/{portfolio}", {"name": f"Renamed {n}"}),
            (api, "DELETE", f"/api/assets/{asset}", None),
            (api, "DELETE", f"/api/portfolios/{portfolio}", None),
        ]
    found = statuses(race(*calls))

    assert set(found) <= {200, 201, 204, 404}, found
    with database.connect() as conn:
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM assets WHERE portfolio_id = ANY(:ids)"), {"ids": portfolios}) == 0
        )
        assert (
            conn.scalar(sa.text("SELECT count(*) FROM price_history WHERE asset_id = ANY(:ids)"), {"ids": assets}) == 0
        )


def test_linking_a_goal_to_a_portfolio_being_deleted_is_refused_or_unlinked(api):
    pairs = [(new_goal(api, savings="7"), new_portfolio(api, f"Funding {n}")) for n in range(6)]

    calls = []
    for goal, portfolio in pairs:
        calls += [
            (api, "PATCH", f"/api/goals/{goal}", {"portfolio_id": portfolio}),
            (
                api,
                "POST",
                "/api/goals",
                {"title": "New", "target_amount": "10", "target_date": "2040-01-01", "portfolio_id": portfolio},
            ),
            (api, "DELETE", f"/api/portfolios/{portfolio}", None),
        ]
    found = statuses(race(*calls))

    assert set(found[0::3]) <= {200, 400} and set(found[1::3]) <= {201, 400}, found
    assert found[2::3] == [204] * len(pairs)
    for goal, _ in pairs:
        body = api.ok("GET", f"/api/goals/{goal}")
        # Whichever came first, the goal ends unlinked with its own savings back.
        assert (body["portfolio_id"], body["current_savings"]) == (None, D("7")), body
