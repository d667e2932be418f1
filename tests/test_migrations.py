"""`flask db upgrade` builds exactly the models' schema on SQLite and PostgreSQL; downgrade undoes it."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from financial_dashboard import create_app
from financial_dashboard.extensions import db

from .conftest import throwaway_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A brand-new empty database of its own (not the suite's shared one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with throwaway_postgres("fd_migrations") as url:
        yield url


@pytest.fixture
def migrating_app(empty_database):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "t"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def differences():
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), db.metadata)


def tables():
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_creates_exactly_the_models_schema(migrating_app):
    assert differences(), "an empty database must differ from the models, or the comparison checks nothing"

    upgrade()

    assert differences() == []
    assert tables() == set(db.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_leaves_only_the_version_table(migrating_app):
    upgrade()

    downgrade(revision="base")

    assert tables() <= {"alembic_version"}
    upgrade()  # and the way back up still works
    assert differences() == []


def test_the_migrated_schema_enforces_the_models_constraints(migrating_app):
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, password_hash, name, created_at) "
                "VALUES (1, 'a@example.com', 'x', 'A', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO portfolios (id, user_id, name, created_at) VALUES (1, 1, 'P', CURRENT_TIMESTAMP)")
        )
        role = conn.scalar(sa.text("SELECT role FROM users"))
    assert role == "user"

    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO assets (portfolio_id, name, type, amount_invested, purchase_date, "
                "created_at) "
                "VALUES (1, 'A', 'gold', 1, '2024-01-01', CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO portfolios (user_id, name, created_at) VALUES (1, 'P', CURRENT_TIMESTAMP)"))
