"""Database faults: a database that accepts connections and never answers (a "black hole"), and one that
refuses them. API routes answer 503 JSON and pages a styled 503, both with Retry-After, within a few
seconds; /health answers 503 naming the database; static files never wait for it; and once the
database answers again, so does the app, without a restart. The production-mode counterpart, through
gunicorn, is tests/deploy/test_faults.py.
"""

import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from financial_dashboard import create_app
from financial_dashboard.common.db_timeouts import engine_options
from financial_dashboard.extensions import db
from financial_dashboard.goals import services as goal_services
from tests.conftest import ApiClient
from tests.fault_tools import black_hole_port, refused_port, tcp_proxy

CONNECT_TIMEOUT_S = 2  # the least libpq allows; the default is 3
SLACK_S = 1.5  # the request's own work, on a busy test machine


def assert_503_json(response):
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert response.headers["Retry-After"] == "5"
    error = response.json["error"]
    assert (error["code"], error["message"]) == (503, "Service Unavailable")
    assert "database" in error["description"] and "127.0.0.1" not in response.get_data(as_text=True)


def assert_503_page(response):
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "<h1>503 Service Unavailable</h1>" in html and "database is not answering" in html
    assert "bootstrap.min.css" in html and 'aria-label="Main"' in html  # the site's layout, not a bare text
    assert "SELECT" not in html and "127.0.0.1" not in html


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, time.perf_counter() - start


@pytest.fixture(params=["black-hole", "refused"])
def dead_port(request):
    if request.param == "black-hole":
        with black_hole_port() as port:
            yield port
    else:
        yield refused_port()


@pytest.fixture
def dead_app(dead_port):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:{dead_port}/app",
            "DATABASE_CONNECT_TIMEOUT_S": CONNECT_TIMEOUT_S,
        }
    )


def test_api_routes_answer_503_json_with_retry_after_within_seconds(dead_app):
    client = dead_app.test_client()
    calls = [
        lambda: client.get("/api/goals", headers={"Authorization": "Bearer some-token"}),
        lambda: client.post("/api/auth/token", json={"email": "a@example.com", "password": "secret123"}),
    ]
    for call in calls:
        response, seconds = timed(call)
        assert_503_json(response)
        assert seconds < CONNECT_TIMEOUT_S + SLACK_S


def test_pages_answer_a_styled_503_within_seconds(dead_app):
    client = dead_app.test_client()
    response, seconds = timed(lambda: client.post("/login", data={"email": "a@example.com", "password": "x" * 8}))
    assert_503_page(response)
    assert seconds < CONNECT_TIMEOUT_S + SLACK_S

    # A signed-in visitor: loading the user is what fails, and the error page must not try it again.
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = "1:0", True
    response, seconds = timed(lambda: client.get("/goals"))
    assert_503_page(response)
    assert seconds < CONNECT_TIMEOUT_S + SLACK_S


def test_health_answers_503_naming_the_database_within_seconds(dead_app):
    response, seconds = timed(lambda: dead_app.test_client().get("/health"))

    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json == {"status": "error", "database": "unreachable", "cache": "none"}
    assert seconds < CONNECT_TIMEOUT_S + SLACK_S


@pytest.mark.parametrize(
    "path", ["/static/app.css", "/static/vendor/bootstrap/bootstrap.min.css", "/vendor/plotly.min.js"]
)
def test_static_files_never_wait_for_the_database(dead_app, path, monkeypatch):
    client = dead_app.test_client()
    with client.session_transaction() as session:  # even for a signed-in visitor
        session["_user_id"], session["_fresh"] = "1:0", True
    loads = []
    load_user = dead_app.login_manager._user_callback
    monkeypatch.setattr(dead_app.login_manager, "_user_callback", lambda *a: loads.append(a) or load_user(*a))

    response, seconds = timed(lambda: client.get(path))

    assert response.status_code == 200 and loads == []  # nobody asked the database who is signed in
    assert seconds < CONNECT_TIMEOUT_S / 2


# --- a real PostgreSQL behind a proxy this test controls ---


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    return make_url(database_url)


@pytest.fixture
def proxied(app, postgres_url):
    """(proxy, app): a second app on the test database, reaching it through a proxy that can go dark."""
    with tcp_proxy(postgres_url.host, postgres_url.port or 5432) as proxy:
        url = postgres_url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        proxied_app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": url,
                "DATABASE_CONNECT_TIMEOUT_S": CONNECT_TIMEOUT_S,
                "DATABASE_STATEMENT_TIMEOUT_MS": 1000,
            }
        )
        yield proxy, proxied_app
        with proxied_app.app_context():
            db.engine.dispose()


def test_the_app_recovers_without_a_restart_when_the_database_answers_again(proxied, make_api, user):
    proxy, proxied_app = proxied
    api = ApiClient(proxied_app.test_client(), make_api(user).token)
    assert api.get("/api/goals").status_code == 200

    proxy.black_hole()  # the pooled connection and every new one: no answer
    response, seconds = timed(lambda: api.get("/api/goals"))
    assert_503_json(response)
    # The pooled connection's pre-ping gives up after the connect timeout, then one reconnect does.
    assert seconds < 2 * CONNECT_TIMEOUT_S + SLACK_S
    response, seconds = timed(lambda: api.get("/health"))
    assert response.status_code == 503 and seconds < CONNECT_TIMEOUT_S + SLACK_S

    proxy.forward()
    assert api.get("/api/goals").status_code == 200
    assert api.get("/health").json == {"status": "ok", "database": "ok", "cache": "none"}


def test_a_statement_past_the_statement_timeout_answers_503_and_the_next_request_works(
    proxied, make_api, user, monkeypatch
):
    _, proxied_app = proxied
    api = ApiClient(proxied_app.test_client(), make_api(user).token)
    monkeypatch.setattr(
        goal_services, "create_goal", lambda user, data: db.session.execute(sa.text("SELECT pg_sleep(5)"))
    )

    response, seconds = timed(
        lambda: api.post("/api/goals", json={"title": "Car", "target_amount": "1", "target_date": "2030-01-01"})
    )

    assert_503_json(response)
    assert seconds < 1 + SLACK_S
    monkeypatch.undo()
    assert api.get("/api/goals").status_code == 200


def test_a_statement_that_meets_a_frozen_database_gives_up_and_drops_the_connection(postgres_url):
    with tcp_proxy(postgres_url.host, postgres_url.port or 5432) as proxy:
        config = {
            "SQLALCHEMY_DATABASE_URI": postgres_url.set(host="127.0.0.1", port=proxy.port),
            "DATABASE_STATEMENT_TIMEOUT_MS": 1000,
            "DATABASE_CONNECT_TIMEOUT_S": 2,
        }
        engine = sa.create_engine(config["SQLALCHEMY_DATABASE_URI"], **engine_options(config))
        try:
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT 1")) == 1
                proxy.black_hole()  # the server's statement_timeout can no longer reach us
                start = time.perf_counter()
                with pytest.raises(sa.exc.OperationalError, match="did not answer within 2 s") as raised:
                    conn.execute(sa.text("SELECT 2"))
                assert time.perf_counter() - start < 2 + SLACK_S
                assert raised.value.connection_invalidated
            proxy.forward()
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT 3")) == 3
        finally:
            engine.dispose()


# --- the settings ---


def test_postgresql_gets_connect_statement_and_pool_timeouts_from_the_config():
    options = engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/app",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "DATABASE_CONNECT_TIMEOUT_S": 4,
            "DATABASE_STATEMENT_TIMEOUT_MS": 2500,
            "DATABASE_POOL_TIMEOUT_S": 6,
        }
    )

    assert options["pool_timeout"] == 6 and options["pool_pre_ping"] is True
    assert options["connect_args"] == {
        "connect_timeout": 4,
        "ping_timeout_s": 4,
        "options": "-c statement_timeout=2500",
        "answer_timeout_s": 3.5,
    }


def test_a_zero_statement_timeout_sends_no_startup_option_and_explicit_settings_win():
    options = engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/app",
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_timeout": 1, "connect_args": {"connect_timeout": 9}},
            "DATABASE_STATEMENT_TIMEOUT_MS": 0,
        }
    )

    assert options == {"pool_timeout": 1, "connect_args": {"connect_timeout": 9, "ping_timeout_s": 3}}


def test_sqlite_is_left_as_it_is():
    assert engine_options({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {"echo": False}}) == {
        "echo": False
    }
