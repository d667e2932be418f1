"""Isolation matrix, generated from the URL map: another user's id is answered exactly like a missing id,
and changes nothing, on every API and page route that takes an id, now and as routes are added.

Alice owns one of everything (tests/routes.py makes it: one owner fixture per URL argument). For every
route and method, Bob sends Alice's ids (by bearer token to /api, by signed-in session with a valid CSRF
token to pages) and must get the same 404 as for ids that do not exist, while not one row anywhere
changes. Routes with two ids are also tried with one of them Bob's own. Alice then makes the same call
on her own objects, which must be accepted: that proves the body is valid, so a route that forgot the
owner would have changed something. A route whose URL argument has no owner fixture fails, naming it.
"""

import dataclasses
import itertools
import re

import pytest

from financial_dashboard import create_app

from .routes import (
    Owner,
    bodies,
    build_url,
    fill,
    methods,
    owned_arguments,
    unknown_arguments,
    url_rules,
)

MISSING = 900_000  # ids far beyond anything a test creates


@dataclasses.dataclass(frozen=True)
class Case:
    rule: str
    endpoint: str
    method: str
    arguments: tuple = ()
    alices: tuple = ()  # the arguments that get Alice's ids; the others get Bob's own
    body: object = None
    variant: int = 0
    problem: str | None = None

    @property
    def api(self):
        return self.rule.startswith("/api/")

    @property
    def checks_owner(self):
        """Alice repeats the call (first body, all ids hers) to show it is accepted."""
        return self.variant == 0 and self.alices == self.arguments

    def __str__(self):
        label = f"{self.method} {self.rule}"
        if self.alices != self.arguments:
            label += " with Bob's " + ", ".join(a for a in self.arguments if a not in self.alices)
        return label + (f" body {self.variant + 1}" if self.variant else "")


def cases(rules):
    """One case per route, method, body and choice of whose ids; a route with an unknown argument, one failing case."""
    for rule in rules:
        arguments = tuple(owned_arguments(rule))
        if not arguments:
            continue
        problem = unknown_arguments(rule)
        if problem:
            yield Case(rule.rule, rule.endpoint, methods(rule)[0], arguments, arguments, problem=problem)
            continue
        mixes = [mix for size in range(len(arguments), 0, -1) for mix in itertools.combinations(arguments, size)]
        for method in methods(rule):
            for variant, body in enumerate(bodies(rule.endpoint, method)):
                for alices in mixes:
                    yield Case(rule.rule, rule.endpoint, method, arguments, alices, body, variant)


CASES = list(cases(url_rules()))


def caller(case, user, api, client, login_as, csrf_token):
    """Send the case's request as ``user``: bearer token for /api, signed-in session plus CSRF token for pages."""
    if case.api:
        return lambda url, body: api.open(case.method, url, json=body)
    login_as(user)
    if case.method == "GET":
        return lambda url, body: client.open(url, method="GET")
    token = csrf_token()
    return lambda url, body: client.open(url, method=case.method, data={**(body or {}), "csrf_token": token})


def comparable(response):
    """The answer without ids and CSRF tokens, which differ between two otherwise equal answers."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))
    return re.sub(r"\d+", "N", text)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_another_users_id_is_a_404_like_a_missing_one_and_changes_nothing(
    case, user, other_user, api, other_api, client, login_as, csrf_token, db_snapshot
):
    if case.problem:
        pytest.fail(case.problem)
    alice, bob = Owner(user, api).own_everything(), Owner(other_user, other_api)
    theirs = {arg: alice[arg] if arg in case.alices else bob[arg] for arg in case.arguments}
    missing = {arg: MISSING + n if arg in case.alices else bob[arg] for n, arg in enumerate(case.arguments)}
    body = fill(case.body, alice=alice, bob=bob)
    as_bob = caller(case, other_user, other_api, client, login_as, csrf_token)
    before = db_snapshot()

    response = as_bob(build_url(case.rule, theirs), body)
    absent = as_bob(build_url(case.rule, missing), body)

    assert response.status_code == 404, (
        f"{case}: Bob got {response.status_code} for Alice's object, so the route does not check the owner.\n"
        + response.get_data(as_text=True)[:500]
    )
    if case.api:
        error = response.json["error"]
        assert (error["code"], error["message"]) == (404, "Not Found")
        assert error["description"].endswith("does not exist.")
    else:
        assert response.mimetype == "text/html" and "404 Not Found" in response.get_data(as_text=True)
    assert absent.status_code == 404
    assert comparable(response) == comparable(absent)
    assert db_snapshot() == before, f"{case}: Bob's request changed stored data"

    if case.checks_owner:
        as_alice = caller(case, user, api, client, login_as, csrf_token)
        own = as_alice(build_url(case.rule, alice.ids), body)
        assert own.status_code < 400, (
            f"{case}: Alice's own call answered {own.status_code}, so Bob's 404 proves nothing. Give the route a "
            f"valid body in BODIES in tests/routes.py.\n" + own.get_data(as_text=True)[:500]
        )


def test_every_url_argument_has_an_owner_fixture_or_is_public():
    problems = [unknown_arguments(rule) for rule in url_rules() if unknown_arguments(rule)]
    assert problems == [], "\n".join(problems)


def test_the_matrix_covers_api_and_page_routes_and_grows_with_the_url_map():
    covered = {(case.method, case.rule) for case in CASES}
    for method, rule in [
        ("GET", "/goals/<int:goal_id>"),
        ("POST", "/goals/<int:goal_id>/contributions"),
        ("POST", "/tokens/<int:token_id>/revoke"),
        ("PATCH", "/api/assets/<int:asset_id>"),
        ("DELETE", "/api/assets/<int:asset_id>/prices/<int:price_id>"),
    ]:
        assert (method, rule) in covered
    assert {case.api for case in CASES} == {True, False}

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "widgets"})
    app.add_url_rule("/goals/<int:goal_id>/widgets/<int:widget_id>", "widget", lambda goal_id, widget_id: "")
    (case,) = [case for case in cases(app.url_map.iter_rules()) if case.endpoint == "widget"]
    assert "<widget_id>" in case.problem and "OWNERS" in case.problem


def test_lists_show_only_your_own_objects(user, other_user, api, other_api):
    alice, bob = Owner(user, api).own_everything(), Owner(other_user, other_api).own_everything()
    for url, key in (("/api/goals", "goal_id"), ("/api/portfolios", "portfolio_id")):
        assert [item["id"] for item in other_api.get(url).json["items"]] == [bob[key]]
        assert [item["id"] for item in api.get(url).json["items"]] == [alice[key]]


def test_bob_cannot_move_his_asset_into_alices_portfolio(user, other_user, api, other_api):
    alice, bob = Owner(user, api), Owner(other_user, other_api)
    before = other_api.get(f"/api/assets/{bob['asset_id']}").json

    response = other_api.patch(f"/api/assets/{bob['asset_id']}", json={"portfolio_id": alice["portfolio_id"]})

    assert response.status_code == 400
    assert other_api.get(f"/api/assets/{bob['asset_id']}").json == before
    assert api.get(f"/api/portfolios/{alice['portfolio_id']}/assets").json["total"] == 0
