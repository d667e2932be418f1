"""Text no database can store (NUL, a lone surrogate) is a 400 naming the field, in every schema and form.

The cases are generated from the API's own route declarations (``@api_doc`` body and query schemas), so
a text field added to any schema is covered without touching this file. Also here: the other 500s of the
same hunt (an id beyond SQL INTEGER on a page route, a chunked body over MAX_CONTENT_LENGTH).
"""

import io
import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from marshmallow import fields

from financial_dashboard import create_app
from financial_dashboard.common.schemas import MAX_INT, UNSTORABLE_MESSAGE
from financial_dashboard.extensions import db

from .conftest import PASSWORD
from .routes import PUBLIC_ARGUMENTS, Owner, build_url

BAD_TEXT = {"nul": "a\u0000b", "surrogate": "a\ud800b"}
PUBLIC_BODIES = {"/api/auth/register", "/api/auth/token"}


def _declared_routes():
    """(method, rule, kind, schema) of every /api route that loads a body or a query string."""
    app = create_app("testing")
    routes = []
    for rule in app.url_map.iter_rules():
        doc = getattr(app.view_functions[rule.endpoint], "__apidoc__", None)
        if doc is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for kind in ("body", "query"):
                if doc[kind] is not None:
                    routes.append((method, rule.rule, kind, doc[kind]))
    return routes


def _text_fields(schema):
    return [
        f.data_key or name for name, f in schema().fields.items() if isinstance(f, fields.String) and not f.dump_only
    ]


CASES = [
    pytest.param(method, rule, kind, field, id=f"{method} {rule} {kind}:{field}")
    for method, rule, kind, schema in _declared_routes()
    for field in _text_fields(schema)
]
BODY_CASES = [case for case in CASES if case.values[2] == "body"]
QUERY_CASES = [case for case in CASES if case.values[2] == "query"]


def test_the_generated_cases_include_the_fields_that_used_to_fail():
    covered = {(rule, field) for _, rule, _, field in (case.values for case in CASES)}

    assert {
        ("/api/auth/token", "email"),
        ("/api/auth/register", "name"),
        ("/api/goals", "title"),
        ("/api/portfolios", "name"),
        ("/api/portfolios/<int:portfolio_id>/assets", "name"),
        ("/api/goals/<int:goal_id>/contributions", "note"),
        ("/api/auth/me", "name"),
        ("/api/auth/register", "password"),
        ("/api/market/symbols", "q"),
    } <= covered


PUBLIC_VALUES = {"ticker": "AAPL", "base": "BTC", "quote": "USDT", "pair": "BTC-USDT", "symbol": "AAPL"}


@pytest.fixture
def url_for_rule(api, user):
    """The rule with real ids of the user's own objects, made by the owner fixtures of tests/routes.py."""
    owner = Owner(user, api)

    def fill(rule):
        names = re.findall(r"<(?:[^<>:]+:)?([^<>]+)>", rule)
        return build_url(
            rule, {name: PUBLIC_VALUES[name] if name in PUBLIC_ARGUMENTS else owner[name] for name in names}
        )

    return fill


def assert_field_refused(response, field):
    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.json["error"]["code"] == 400
    messages = response.json["error"]["fields"][field]
    assert any(UNSTORABLE_MESSAGE in m or "indicator" in m.lower() for m in messages), messages


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
@pytest.mark.parametrize("method, rule, kind, field", BODY_CASES)
def test_every_text_field_of_every_body_refuses_unstorable_text(
    api, anon, url_for_rule, count_rows, method, rule, kind, field, bad
):
    caller = anon if rule in PUBLIC_BODIES else api
    users = count_rows("users")

    response = caller.open(method, url_for_rule(rule), json={field: bad})

    assert_field_refused(response, field)
    assert count_rows("users") == users


@pytest.mark.parametrize("method, rule, kind, field", QUERY_CASES)
def test_every_text_parameter_of_every_query_string_refuses_nul(api, url_for_rule, method, rule, kind, field):
    # A query string is percent-decoded as UTF-8: invalid bytes become U+FFFD, so only NUL can arrive.
    response = api.open(method, f"{url_for_rule(rule)}?{field}={quote(BAD_TEXT['nul'])}")

    assert_field_refused(response, field)


@pytest.fixture
def no_csrf(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # these tests are about the fields


@pytest.fixture
def pages(no_csrf, client, user):
    """Alice signed in through the login form."""
    response = client.post("/login", data={"email": "alice@example.com", "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


FORMS = [  # (page, field): every text input of every page form that writes to the database
    ("/goals/new", "title"),
    ("/goals/{goal}/edit", "title"),
    ("/goals/{goal}/contributions", "note"),
    ("/portfolios", "name"),
    ("/portfolios/{portfolio}/rename", "rename-name"),
    ("/portfolios/{portfolio}/assets/new", "name"),
    ("/portfolios/{portfolio}/assets/new", "symbol"),
    ("/assets/{asset}/edit", "name"),
    ("/assets/{asset}/edit", "symbol"),
    ("/profile", "name"),
    ("/tokens", "name"),
]


@pytest.mark.parametrize("page, field", FORMS)
def test_page_forms_refuse_nul_next_to_the_field(pages, api, seed, page, field):
    ids = seed(api)

    response = pages.post(page.format(**ids), data={field: BAD_TEXT["nul"]})

    assert response.status_code == 400, (response.status_code, response.get_data(as_text=True)[:300])
    assert UNSTORABLE_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "page, data",
    [
        ("/login", {"email": "a\u0000@example.com", "password": "whatever"}),
        ("/register", {"email": "new@example.com", "password": PASSWORD, "name": "A\u0000"}),
    ],
)
def test_forms_before_login_refuse_nul(no_csrf, client, page, data, count_rows):
    response = client.post(page, data=data)

    assert response.status_code == 400
    assert UNSTORABLE_MESSAGE in response.get_data(as_text=True)
    assert count_rows("users") == 0


def test_a_page_reading_its_query_string_answers_400_not_500(client):
    response = client.get("/market?symbol=AA%00PL")

    assert response.status_code == 400


def test_revoking_a_token_id_beyond_sql_integer_is_404(pages, user):
    response = pages.post(f"/tokens/{MAX_INT + 1}/revoke")

    assert response.status_code == 404


def chunked_post(client, path, body: bytes):
    """POST ``body`` as a chunked request: no Content-Length, a stream that the server terminates."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )


def test_a_chunked_body_over_the_size_limit_is_413(app, client, user):
    limit = app.config["MAX_CONTENT_LENGTH"]
    too_big = b'{"email": "' + b"x" * limit + b'", "password": "p"}'

    response = chunked_post(client, "/api/auth/token", too_big)

    assert response.status_code == 413
    assert response.json["error"]["code"] == 413


def test_a_chunked_body_within_the_limit_is_read_whole(client, user):
    body = b'{"email": "alice@example.com", "password": "%s"}' % PASSWORD.encode()

    response = chunked_post(client, "/api/auth/token", body)

    assert response.status_code == 200, response.json
    assert db.session.scalar(sa.text("SELECT count(*) FROM api_tokens")) == 1
