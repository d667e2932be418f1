"""Shared fixtures: the app on SQLite and on PostgreSQL, clients, users and their API tokens.

Every test that uses ``app`` runs twice, once per database. PostgreSQL tests get a throwaway database
created for the run and dropped after it; when the server is unreachable they are skipped, except
under CI (``CI=true``) where that is an error.
"""
import contextlib
import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

os.environ.setdefault("APP_ENV", "testing")

from financial_dashboard import create_app  # noqa: E402
from financial_dashboard.auth import services as auth_services  # noqa: E402
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
    return dt.date.today()


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

    monkeypatch.setattr(models, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


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

        goal = created(api.post("/api/goals", json={
            "title": "House", "target_amount": "50000.00", "current_savings": "1234.56", "target_date": "2030-06-30"}))
        portfolio = created(api.post("/api/portfolios", json={"name": portfolio_name}))
        asset = created(api.post(f"/api/portfolios/{portfolio['id']}/assets", json={
            "name": "Apple", "type": "stock", "symbol": "AAPL", "quantity": "10",
            "amount_invested": "1500.00", "purchase_date": "2024-01-02"}))
        prices = created(api.post(f"/api/assets/{asset['id']}/prices", json=[
            {"date": "2024-01-02", "price": "150.25"}, {"date": "2024-01-03", "price": "151.5"},
            {"date": "2024-01-04", "price": "149.75"}]))["items"]
        return {"goal": goal["id"], "portfolio": portfolio["id"], "asset": asset["id"],
                "prices": [p["id"] for p in prices], "price": prices[0]["id"]}

    return make
