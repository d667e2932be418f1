"""The HTML pages through the Flask test client: each renders, forms keep input and show messages,
destructive actions need POST (and ask first), nothing loads from outside the app, errors are styled.

Signed-in requests write the session directly (``login_as``, tests/conftest.py); the real login form is
exercised by the browser walkthrough. CSRF is switched off by ``no_csrf`` where a test is about something
else; test_csrf.py checks every form, and tests/test_isolation.py every page that takes an id.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from financial_dashboard.auth import services as auth_services

from ..conftest import Page

STATIC = Path(__file__).resolve().parents[2] / "static"
APP_HOSTS = {None, "", "127.0.0.1", "localhost"}


@pytest.fixture
def seeded(api, seed, user, login_as):
    """Alice signed in, with a goal (one contribution), a portfolio holding AAPL with three prices, a token."""
    ids = seed(api)
    response = api.post(f"/api/goals/{ids['goal']}/contributions", json={"amount": "100", "date": "2024-02-01"})
    assert response.status_code == 201, response.json
    ids["contribution"] = response.json["id"]
    ids["token"] = auth_services.list_tokens(user)[0].id
    login_as(user)
    return ids


PAGES = [
    "/",
    "/goals",
    "/goals/new",
    "/goals/{goal}",
    "/goals/{goal}/edit",
    "/portfolios",
    "/portfolios/{portfolio}",
    "/assets/{asset}",
    "/market",
    "/market?symbol=AAPL",
    "/profile",
    "/tokens",
]
PUBLIC_PAGES = ["/", "/login", "/register", "/market", "/market?symbol=AAPL&period=5y", "/no-such-page"]


def get_page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:500])
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_signed_in_user(client, seeded, path):
    html = get_page(client, path.format(**seeded))
    page = Page(html)
    assert page.find("main", id="content") and page.find("nav", **{"aria-label": "Main"})
    assert len(page.find("h1")) == 1
    assert "Log out" in html


def external(url):
    return urlsplit(url).hostname not in APP_HOSTS


def loaded_resources(page):
    """Every URL the browser fetches by itself while loading the page."""
    urls = [a.get("src") for t, a in page.tags if t in ("script", "img", "iframe", "source", "audio", "video", "embed")]
    urls += [a.get("href") for t, a in page.tags if t == "link"]
    return [url for url in urls if url]


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_pages_load_nothing_from_outside_the_app(client, seeded, path):
    page = Page(get_page(client, path.format(**seeded)))
    resources = loaded_resources(page)
    assert any(url.endswith("bootstrap.min.css") for url in resources)
    assert [url for url in resources if external(url)] == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_load_nothing_from_outside_the_app(client, path):
    page = Page(get_page(client, path, status=404 if path == "/no-such-page" else 200))
    assert [url for url in loaded_resources(page) if external(url)] == []


def test_stylesheets_fetch_nothing_from_outside_the_app():
    for sheet in STATIC.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", sheet.read_text()), sheet


def test_charts_use_plotly_from_the_app(client, seeded):
    page = Page(get_page(client, f"/portfolios/{seeded['portfolio']}"))
    assert "/vendor/plotly.min.js" in [a.get("src") for a in page.find("script")]
    assert client.get("/vendor/plotly.min.js").status_code == 200


def test_pages_without_charts_do_not_download_plotly(client, user, login_as):
    """plotly.js is megabytes of script: a dashboard with nothing to draw must not fetch it."""
    login_as(user)
    for path in ("/", "/goals", "/portfolios", "/profile"):
        page = Page(get_page(client, path))
        assert not page.find("script", src="/vendor/plotly.min.js"), path
        assert not page.find("div", **{"class": "chart"}), path


@pytest.mark.parametrize("path", PAGES)
def test_labels_and_ids_are_unambiguous(client, seeded, path):
    """Each label names exactly one control (two forms on a page must not share field ids)."""
    page = Page(get_page(client, path.format(**seeded)))
    ids = [a["id"] for _, a in page.tags if a.get("id") and a["id"] != "csrf_token"]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    for label in page.find("label"):
        if label.get("for"):
            assert ids.count(label["for"]) == 1, label


# --- Forms ---


def test_invalid_goal_keeps_what_was_typed_and_says_why(client, seeded, no_csrf, count_rows):
    response = client.post(
        "/goals/new",
        data={
            "title": "Trip to Japan",
            "target_amount": "2500",
            "target_date": "2023-02-30",
            "monthly_contribution": "abc",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.input_value("title") == "Trip to Japan"
    assert page.input_value("target_amount") == "2500"
    assert page.input_value("target_date") == "2023-02-30"
    assert page.input_value("monthly_contribution") == "abc"
    for name in ("target_date", "monthly_contribution"):
        (field,) = page.find("input", name=name)
        assert "is-invalid" in field["class"] and field["aria-describedby"] == f"{name}-errors"
        assert page.find("div", id=f"{name}-errors")
    assert re.search(r'id="target_date-errors">[^<]*[Dd]ate', html)
    assert count_rows("goals") == 1  # only the seeded one


def test_registration_error_keeps_input_but_never_the_password(client, user, no_csrf):
    response = client.post(
        "/register", data={"name": "Alice Again", "email": "alice@example.com", "password": "another secret"}
    )
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.input_value("name") == "Alice Again"
    assert page.input_value("email") == "alice@example.com"
    assert page.input_value("password") in (None, "")
    assert "another secret" not in response.get_data(as_text=True)


def test_login_error_is_shown_on_the_form(client, user, no_csrf):
    response = client.post("/login", data={"email": "alice@example.com", "password": "wrong password"})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.find("div", role="alert") and page.input_value("email") == "alice@example.com"


def test_invalid_contribution_and_price_keep_input(client, seeded, no_csrf, count_rows):
    response = client.post(f"/goals/{seeded['goal']}/contributions", data={"amount": "lots", "date": "2024-02-05"})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.input_value("amount") == "lots" and page.find("div", id="amount-errors")
    response = client.post(f"/assets/{seeded['asset']}/prices/add", data={"date": "2024-13-01", "price": "12"})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.input_value("date") == "2024-13-01" and page.find("div", id="date-errors")
    assert count_rows("goal_contributions") == 1 and count_rows("price_history") == 3


def test_failed_asset_form_keeps_the_portfolio_name_in_the_rename_box(client, seeded, no_csrf, count_rows):
    """The portfolio page holds two forms with a "name" field: each must keep its own value."""
    response = client.post(
        f"/portfolios/{seeded['portfolio']}/assets/new",
        data={"name": "Gold", "type": "other", "amount_invested": "-5", "purchase_date": "2024-01-01"},
    )
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    values = {a.get("value") for a in page.find("input") if a.get("name", "").endswith("name")}
    assert values == {"Main", "Gold"}
    assert count_rows("assets") == 1


def test_bulk_price_paste_saves_all_lines_or_none(client, seeded, no_csrf, count_rows):
    url = f"/assets/{seeded['asset']}/prices/bulk"
    bad = "2024-02-01,160\n\n2024-02-02,161.5\n2024-02-30,162\n"
    response = client.post(url, data={"lines": bad})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="lines-errors">\s*Line 4: date', html), html[html.find("lines-errors") - 200 :][:600]
    assert Page(html).find("textarea", name="lines") and "2024-02-30,162" in html  # what was pasted stays
    assert count_rows("price_history") == 3

    for broken in ("2024-02-01;160;1", "2024-02-01,160\n2024-02-01,161", "   \n"):
        assert client.post(url, data={"lines": broken}).status_code == 400, broken
    assert count_rows("price_history") == 3

    response = client.post(url, data={"lines": "2024-01-03,155\n2024-02-01\t160\n2024-02-02;161.5"})
    assert response.status_code == 302
    assert count_rows("price_history") == 5
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 prices added, 1 replaced." in follow


# --- Destructive actions ---

DESTRUCTIVE = {
    "goal": ("/goals/{goal}/delete", "goals"),
    "contribution": ("/goals/{goal}/contributions/{contribution}/delete", "goal_contributions"),
    "portfolio": ("/portfolios/{portfolio}/delete", "portfolios"),
    "asset": ("/assets/{asset}/delete", "assets"),
    "price": ("/assets/{asset}/prices/{price}/delete", "price_history"),
    "token": ("/tokens/{token}/revoke", "api_tokens"),
    "account": ("/profile/delete", "users"),
}


@pytest.mark.parametrize("what", DESTRUCTIVE)
def test_destructive_actions_need_post(client, seeded, no_csrf, count_rows, what):
    url, table = DESTRUCTIVE[what]
    before = count_rows(table)
    response = client.get(url.format(**seeded))
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert count_rows(table) == before


@pytest.mark.parametrize("url", ["/logout", "/assets/{asset}/sync"])
def test_other_state_changes_need_post_too(client, seeded, url):
    assert client.get(url.format(**seeded)).status_code == 405


@pytest.mark.parametrize("what", DESTRUCTIVE)
def test_destructive_post_does_it(client, seeded, no_csrf, count_rows, what, user):
    url, table = DESTRUCTIVE[what]
    before = count_rows(table)
    data = {"password": "correct horse battery"} if what == "account" else {}
    response = client.post(url.format(**seeded), data=data)
    assert response.status_code == 302
    assert count_rows(table) < before


@pytest.mark.parametrize(
    "path", ["/goals/{goal}", "/goals", "/portfolios/{portfolio}", "/assets/{asset}", "/tokens", "/profile"]
)
def test_destructive_forms_ask_for_confirmation(client, seeded, path):
    page = Page(get_page(client, path.format(**seeded)))
    forms = [a for a in page.find("form") if re.search(r"/(delete|revoke)$", a.get("action", ""))]
    assert forms or path == "/goals"
    for form in forms:
        assert form.get("method") == "post" and form.get("data-confirm"), form


# --- Signed out ---

PROTECTED = [
    "/goals",
    "/goals/new",
    "/goals/1",
    "/goals/1/edit",
    "/portfolios",
    "/portfolios/1",
    "/assets/1",
    "/profile",
    "/tokens",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_signed_out_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=" + path.replace("/", "%2F")


def test_signed_out_start_page_is_the_landing_page(client):
    html = get_page(client, "/")
    assert 'href="/register"' in html and "Log out" not in html


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(client, user, no_csrf):
    form = {"email": "alice@example.com", "password": "correct horse battery"}
    response = client.post("/login?next=%2Fgoals", data=form)
    assert response.headers["Location"] == "/goals"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post("/login", query_string={"next": target}, data=form)
        assert response.headers["Location"] == "/", target
        client.post("/logout")


# --- Error pages ---


@pytest.fixture(scope="module")
def error_app():
    """A separate app with routes that fail on purpose (routes cannot be added to the shared app)."""
    from flask import abort

    from financial_dashboard import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "errors"})

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail: SELECT * FROM users")

    return app


@pytest.mark.parametrize(
    "path, status, heading, explanation",
    [
        ("/no-such-page", 404, "404 Not Found", "not yours to see"),
        ("/forbidden", 403, "403 Forbidden", "needs more rights"),
        ("/boom", 500, "500 Internal Server Error", "unexpected error"),
    ],
)
def test_error_pages_are_styled(error_app, path, status, heading, explanation):
    response = error_app.test_client().get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = Page(html)
    assert any(a["href"].endswith("bootstrap.min.css") for a in page.find("link"))
    assert page.find("nav", **{"aria-label": "Main"}) and page.find("main", id="content")
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", html)
    assert explanation in html
    assert "SELECT" not in html and "Traceback" not in html


def test_error_pages_answer_json_to_json_clients(error_app):
    response = error_app.test_client().get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]["code"] == 404


def test_rename_from_the_portfolio_page(client, seeded, no_csrf, api):
    url = f"/portfolios/{seeded['portfolio']}/rename"
    api.post("/api/portfolios", json={"name": "Taken"})
    response = client.post(url, data={"rename-name": "Taken"})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.input_value("rename-name") == "Taken" and page.input_value("name") in (None, "")
    assert client.post(url, data={"rename-name": "Pension"}).status_code == 302
    assert api.get(f"/api/portfolios/{seeded['portfolio']}").json["name"] == "Pension"


def test_empty_portfolio_page_explains_instead_of_drawing_empty_charts(client, user, login_as, api):
    portfolio = api.post("/api/portfolios", json={"name": "Fresh"}).json
    login_as(user)
    page = Page(get_page(client, f"/portfolios/{portfolio['id']}"))
    assert not page.find("div", **{"class": "chart"}) and not page.find("script", src="/vendor/plotly.min.js")
    assert "Add an asset below" in client.get(f"/portfolios/{portfolio['id']}").get_data(as_text=True)


@pytest.mark.parametrize(
    "path, name", [("/portfolios/{portfolio}", "type"), ("/assets/{asset}", "type"), ("/goals/new", "portfolio_id")]
)
def test_select_fields_look_like_drop_downs(client, seeded, path, name):
    page = Page(get_page(client, path.format(**seeded)))
    (select,) = page.find("select", name=name)
    assert "form-select" in select["class"].split() and "form-control" not in select["class"].split()


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2030-01-01&to=2020-01-01", "Must not be before"),
        ("benchmark=ZZZZ", "ZZZZ"),
        ("from=2099-01-01", "from"),  # valid on its own, refused by the service: the page once answered 400
    ],
)
def test_a_bad_period_or_benchmark_keeps_the_portfolio_page_with_a_message(client, seeded, query, message):
    html = get_page(client, f"/portfolios/{seeded['portfolio']}?{query}")
    assert "alert-warning" in html and message in html
    assert 'id="value-chart"' in html


def test_asset_and_portfolio_pages_say_when_prices_are_sample_data(client, seeded, api):
    assert 'id="badge-sample"' not in get_page(client, f"/assets/{seeded['asset']}")
    # Bought within the bundled period (it ends 2013-03-01), so the sync finds sample closes.
    assert api.patch(f"/api/assets/{seeded['asset']}", json={"purchase_date": "2012-06-01"}).status_code == 200
    assert api.post(f"/api/assets/{seeded['asset']}/prices/sync").json["created"] > 0

    assert 'id="badge-sample"' in get_page(client, f"/assets/{seeded['asset']}")
    assert "include bundled sample data" in get_page(client, f"/portfolios/{seeded['portfolio']}")
    assert "include bundled sample data" in get_page(client, "/")


def test_sync_from_the_asset_page_keeps_typed_prices_and_says_which(client, seeded, api, no_csrf):
    assert api.patch(f"/api/assets/{seeded['asset']}", json={"purchase_date": "2013-02-01"}).status_code == 200
    assert (
        api.post(f"/api/assets/{seeded['asset']}/prices", json={"date": "2013-02-04", "price": "7"}).status_code == 201
    )

    html = client.post(f"/assets/{seeded['asset']}/sync", follow_redirects=True).get_data(as_text=True)

    assert "Kept 1 price you typed (2013-02-04)." in html
    assert "Currency set to USD." in html  # the bundled sample is in dollars
    assert 'id="asset-currency">in USD<' in html and "Price (USD)" in html
    assert api.get(f"/api/assets/{seeded['asset']}/prices?from=2013-02-04&to=2013-02-04").json["items"][0]["price"] == 7


def test_the_asset_page_edits_the_currency_refuses_pence_and_clears_it(client, seeded, api, no_csrf):
    url = f"/assets/{seeded['asset']}"
    form = {
        "name": "Apple",
        "type": "stock",
        "symbol": "M&M.NS",
        "amount_invested": "1500",
        "purchase_date": "2024-01-02",
    }

    refused = client.post(f"{url}/edit", data={**form, "currency": "GBp"})
    assert refused.status_code == 400
    assert "Use an upper-case code such as USD, EUR or USDT." in refused.get_data(as_text=True)
    assert api.get(f"/api/assets/{seeded['asset']}").json["currency"] is None

    assert client.post(f"{url}/edit", data={**form, "currency": "INR"}).status_code == 302
    assert api.get(f"/api/assets/{seeded['asset']}").json["symbol"] == "M&M.NS"
    assert "Price (INR)" in get_page(client, url)

    assert client.post(f"{url}/edit", data={**form, "currency": ""}).status_code == 302
    assert api.get(f"/api/assets/{seeded['asset']}").json["currency"] is None


def test_a_new_asset_from_the_portfolio_page_takes_a_currency(client, seeded, api, no_csrf):
    response = client.post(
        f"/portfolios/{seeded['portfolio']}/assets/new",
        data={
            "name": "Vodafone",
            "type": "stock",
            "symbol": "VOD.L",
            "amount_invested": "1000",
            "purchase_date": "2024-01-02",
            "currency": "GBP",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    created = api.get(response.headers["Location"].replace("/assets/", "/api/assets/")).json
    assert (created["symbol"], created["currency"]) == ("VOD.L", "GBP")


# --- Validation shared with the API (issue 8) ---


def test_a_token_name_too_long_is_refused_next_to_the_field_not_cut(client, seeded, user, no_csrf, count_rows):
    response = client.post("/tokens", data={"name": "x" * 81})

    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert page.find("div", id="name-errors") and page.input_value("name") == "x" * 81
    assert not page.find(id="new-token")
    assert count_rows("api_tokens") == 1

    response = client.post("/tokens", data={"name": "  "})
    assert response.status_code == 200 and Page(response.get_data(as_text=True)).find(id="new-token")
    assert [t.name for t in auth_services.list_tokens(user)][-1] == "api"


def test_bulk_paste_names_the_lines_of_a_repeated_date_and_counts_blank_leading_lines(
    client, seeded, no_csrf, count_rows
):
    url = f"/assets/{seeded['asset']}/prices/bulk"

    repeated = client.post(url, data={"lines": "2024-02-01,160\n2024-02-01,161"}).get_data(as_text=True)
    shifted = client.post(url, data={"lines": "\n\n2024-02-30,160"}).get_data(as_text=True)

    assert re.search(r'id="lines-errors">\s*Line 2: 2024-02-01 is also on line 1\.', repeated)
    assert re.search(r'id="lines-errors">\s*Line 3: date', shifted)
    assert count_rows("price_history") == 3
