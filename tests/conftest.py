"""Shared fixtures: the app on SQLite and on PostgreSQL, clients, users, their API tokens and browser sessions.

Every test that uses ``app`` runs twice, once per database. PostgreSQL tests get a throwaway database
created for the run and dropped after it; when the server is unreachable they are skipped, except
under CI (``CI=true``) where that is an error.
"""

import contextlib
import os
import uuid
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import g

os.environ.setdefault("APP_ENV", "testing")

from financial_dashboard import create_app  # noqa: E402
from financial_dashboard.auth import services as auth_services  # noqa: E402
from financial_dashboard.common import clock  # noqa: E402
from financial_dashboard.extensions import db  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASES = [d.strip() for d in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]


@contextlib.contextmanager
def throwaway_postgres(prefix="fd_test"):
    """A new empty PostgreSQL database, dropped afterwards. Unreachable server: skip, or fail under CI."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL} under CI: {error}")
        pytest.skip(f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}")
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_collection_modifyitems(items):
    """Tests that import TensorFlow into this process run after all others.

    TensorFlow's native library brings its own copy of libcurl's symbols, and once it is loaded curl_cffi
    (yfinance's HTTP client) in the same process fails every request as a network error: the market
    adapter tests would then see the wrong error. The app never imports TensorFlow in a web process (the
    LSTM trains in a child process); only tests/analytics/forecasting/test_lstm.py does, on purpose.
    """
    items.sort(key=lambda item: item.get_closest_marker("tensorflow") is not None)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def session_app(database_url):
    """One app per database for the whole run; the schema comes from the real migrations."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(session_app):
    """The session app, with every table emptied after each test."""
    with session_app.app_context():
        yield session_app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class ApiClient:
    """A test client that sends a bearer token (when it has one) and JSON bodies."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        return merged

    def open(self, method, url, json=None, headers=None, **kwargs):
        return self.client.open(url, method=method, json=json, headers=self._headers(headers), **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, json=None, **kwargs):
        return self.open("POST", url, json=json, **kwargs)

    def patch(self, url, json=None, **kwargs):
        return self.open("PATCH", url, json=json, **kwargs)

    def delete(self, url, json=None, **kwargs):
        return self.open("DELETE", url, json=json, **kwargs)


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    """Factory: create a user straight through the service (the real flow is tested in test_auth)."""
    counter = iter(range(1, 1000))

    def make(email=None, password=PASSWORD, name="Test User", role="user", **extra):
        email = email or f"user{next(counter)}@example.com"
        return auth_services.register_user({"email": email, "password": password, "name": name, **extra}, role=role)

    return make


@pytest.fixture
def make_api(client, app):
    """Factory: an ApiClient holding a fresh token for ``user``."""

    def make(user):
        _, plain = auth_services.issue_token(user, app.config["API_TOKEN_TTL"])
        return ApiClient(client, plain)

    return make


@pytest.fixture
def user(make_user):
    return make_user(email="alice@example.com", name="Alice")


@pytest.fixture
def other_user(make_user):
    return make_user(email="bob@example.com", name="Bob")


@pytest.fixture
def api(make_api, user):
    return make_api(user)


@pytest.fixture
def other_api(make_api, other_user):
    return make_api(other_user)


@pytest.fixture
def anon(client):
    return ApiClient(client)


@pytest.fixture
def today():
    """The app's today (UTC), not the machine's local date: the two differ for hours around midnight."""
    return clock.today_utc()


# --- Shared by the issue-2 API suite (tests/api, tests/test_*.py) ---


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Real password hashing, but PBKDF2 with one round instead of scrypt's deliberate ~0.1 s per call.

    ``check_password_hash`` reads the method from the stored hash, so checks stay real too.
    test_auth undoes this once to check the production default.
    """
    from functools import partial

    from werkzeug.security import generate_password_hash

    from financial_dashboard.auth import models

    monkeypatch.setattr(models, "generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture
def count_rows(app):
    """``count_rows("goals")``: committed rows of a table, read on a connection of its own.

    A separate connection sees only what was committed, so a request that left rows pending in the
    session (or forgot to commit) cannot make a count look right.
    """

    def count(table):
        with db.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))

    return count


@pytest.fixture
def seed():
    """Factory: through ``api``, create a goal, a portfolio holding one asset, and three prices of it.

    Returns a dict of their ids: goal, portfolio, asset, prices (list, in date order), price (the first).
    """

    def make(api, portfolio_name="Main"):
        def created(response):
            assert response.status_code == 201, response.get_data(as_text=True)
            return response.json

        goal = created(
            api.post(
                "/api/goals",
                json={
                    "title": "House",
                    "target_amount": "50000.00",
                    "current_savings": "1234.56",
                    "target_date": "2030-06-30",
                },
            )
        )
        portfolio = created(api.post("/api/portfolios", json={"name": portfolio_name}))
        asset = created(
            api.post(
                f"/api/portfolios/{portfolio['id']}/assets",
                json={
                    "name": "Apple",
                    "type": "stock",
                    "symbol": "AAPL",
                    "quantity": "10",
                    "amount_invested": "1500.00",
                    "purchase_date": "2024-01-02",
                },
            )
        )
        prices = created(
            api.post(
                f"/api/assets/{asset['id']}/prices",
                json=[
                    {"date": "2024-01-02", "price": "150.25"},
                    {"date": "2024-01-03", "price": "151.5"},
                    {"date": "2024-01-04", "price": "149.75"},
                ],
            )
        )["items"]
        return {
            "goal": goal["id"],
            "portfolio": portfolio["id"],
            "asset": asset["id"],
            "prices": [p["id"] for p in prices],
            "price": prices[0]["id"],
        }

    return make


@pytest.fixture
def db_snapshot(app):
    """``db_snapshot()``: every committed row of every table, read on a connection of its own.

    Two snapshots compare equal only if nothing at all was written in between, to any table the app has
    now or gains later.
    """

    def snapshot():
        # Requests share the test's session; a real request's session ends with it, taking anything uncommitted.
        db.session.rollback()
        with db.engine.connect() as conn:
            return {
                table.name: conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables
            }

    return snapshot


# --- Pages: signed-in browser sessions, HTML and CSRF ---


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with their attributes, ids, labels and forms."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag=None, **attrs):
        return [a for t, a in self.tags if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())]

    def input_value(self, name):
        (field,) = [a for t, a in self.tags if t in ("input", "textarea") and a.get("name") == name]
        return field.get("value")


@pytest.fixture
def login_as(client):
    """Sign ``user`` in by writing the Flask-Login session, as the login form would."""

    def login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        # Requests share the test's app context, hence ``g``, where Flask-Login keeps the user it loaded:
        # forget it, or the next request would still be the previous user.
        g.pop("_login_user", None)
        return client

    return login


@pytest.fixture
def csrf_token(client):
    """``csrf_token(url="/")``: the CSRF token of the client's session, read from a form on ``url``.

    Every signed-in page has one (the log-out button); signed out, ask for "/login".
    """

    def read(url="/"):
        response = client.get(url)
        tokens = [a.get("value") for a in Page(response.get_data(as_text=True)).find("input", name="csrf_token")]
        assert response.status_code == 200 and tokens, f"no csrf_token input on {url} ({response.status_code})"
        return tokens[0]

    return read


@pytest.fixture
def no_csrf(app):
    """Switch CSRF protection off, for a test about something else."""
    missing = object()
    saved = app.config.get("WTF_CSRF_ENABLED", missing)
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    if saved is missing:
        app.config.pop("WTF_CSRF_ENABLED")
    else:
        app.config["WTF_CSRF_ENABLED"] = saved


# --- Shared services of our own: the machine's Redis (a database of the tests' own) and a local SMTP server ---

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_client():
    """A client of the shared Redis; unreachable: skip, or fail under CI. Tests use key prefixes of their own."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is unreachable at {REDIS_URL} under CI: {error}")
        pytest.skip(f"Redis is unreachable at {REDIS_URL}")
    yield client
    client.close()


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []
        self.port = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=policy.default),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test; ``smtp_server.messages`` holds what it received."""
    from aiosmtpd.controller import Controller

    from tests.live_server import free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()
