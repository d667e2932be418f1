"""CSRF, generated from the URL map: every form a page posts to (every POST route outside /api) refuses a
post without its token with 400 before anything is stored, and accepts the same post with the token.

The second half proves the body is one the form takes, so the refusal came from the missing token and
not from a validation error; a new form without a valid body in tests/routes.py fails there.
"""

import pytest

from ..routes import Owner, bodies, build_url, fill, is_api, unknown_arguments, url_rules

# Forms for visitors: tried signed out, where they act (signed in, they only redirect).
SIGNED_OUT = {"auth.login", "auth.register_page"}
PAGE_FORMS = [rule for rule in url_rules() if not is_api(rule) and "POST" in rule.methods]


@pytest.mark.parametrize("rule", PAGE_FORMS, ids=lambda rule: f"POST {rule.rule}")
def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    rule, user, api, client, login_as, csrf_token, db_snapshot
):
    if unknown_arguments(rule):
        pytest.fail(unknown_arguments(rule))
    alice = Owner(user, api)
    signed_out = rule.endpoint in SIGNED_OUT
    if not signed_out:
        login_as(user)
    url = build_url(rule.rule, {arg: alice[arg] for arg in rule.arguments})
    body = fill(bodies(rule.endpoint, "POST")[0], alice=alice)
    before = db_snapshot()

    response = client.post(url, data=body)

    assert response.status_code == 400, f"POST {rule.rule} without a CSRF token answered {response.status_code}"
    assert "The CSRF token is missing." in response.get_data(as_text=True), (
        f"POST {rule.rule} was refused, but not by the CSRF check (is the view exempt?)"
    )
    assert db_snapshot() == before

    accepted = client.post(url, data={**body, "csrf_token": csrf_token("/login" if signed_out else "/")})

    assert accepted.status_code < 400, (
        f"POST {rule.rule} with its token answered {accepted.status_code}: give it a valid body in BODIES in "
        f"tests/routes.py, so that the refusal above is known to be the CSRF check's."
    )


def test_every_page_form_is_checked():
    posted = {rule.rule for rule in PAGE_FORMS}
    assert {
        "/goals/new",
        "/goals/<int:goal_id>/contributions",
        "/logout",
        "/login",
        "/profile/delete",
        "/tokens/<int:token_id>/revoke",
    } <= posted
    assert not any(path.startswith("/api/") for path in posted)
