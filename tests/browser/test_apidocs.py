"""Swagger UI at /apidocs: served from the app under its CSP, deaf to ?url=, and a bare token authorizes."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def collect_csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_swagger_ui_draws_the_apps_own_spec_with_nothing_from_outside(page, external_requests):
    violations = collect_csp_violations(page)

    page.goto("/apidocs/")

    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    assert violations == [] and external_requests == []


def test_a_spec_url_in_the_query_string_is_ignored(page, external_requests):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    page.goto("/apidocs/?url=http://attacker.example/spec.json&configUrl=http://attacker.example/c.json")

    expect(page.locator(".opblock").first).to_be_visible()
    assert external_requests == []
    assert not [url for url in fetched if urlsplit(url).hostname == "attacker.example"]
    assert any(url.endswith("/apispec.json") for url in fetched)


def test_authorize_takes_the_token_as_the_tokens_page_shows_it(page, live_server):
    from financial_dashboard.auth import services

    email = live_server.create_user()
    with live_server.app.app_context():
        _, token = services.issue_token(services.find_user_by_email(email), live_server.app.config["API_TOKEN_TTL"])

    page.goto("/apidocs/")
    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").first.fill(token)  # no "Bearer " typed
    dialog.get_by_role("button", name="Apply credentials").click()
    dialog.get_by_role("button", name="Close").click()

    # Swagger UI escapes the dot of the operation id with a backslash in the element's id.
    operation = page.locator('[id="operations-goals-goals\\\\.list_goals"]')
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
