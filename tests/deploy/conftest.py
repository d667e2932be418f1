"""Fixtures for tests against a real gunicorn on a migrated throwaway PostgreSQL database."""

import pytest

from financial_dashboard import create_app
from financial_dashboard.extensions import db
from tests.conftest import throwaway_postgres


@pytest.fixture(scope="module")
def live_database():
    """A migrated PostgreSQL database of this module's own, dropped afterwards."""
    from flask_migrate import upgrade

    with throwaway_postgres("fd_live") as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url
