"""Every Flask extension the app uses, created unbound here and initialised in the app factory."""

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_caching import Cache
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names let Alembic create and drop them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
cache = Cache()
cors = CORS()
csrf = CSRFProtect()
mail = Mail()


class AppLimiter(Limiter):
    """Flask-Limiter, with its storage in Redis when REDIS_URL is set (so every worker counts together)
    and in process memory otherwise, or while Redis is unreachable (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).

    Flask-Limiter keeps its settings on the extension object, so the last app initialised would decide
    them for every app of the process (the tests build many; production has one): the on/off switch is
    read from the current app's config instead, and each initialisation takes its own key prefix rather
    than keeping the first one.
    """

    _configuring = None  # the app being initialised, whatever app context is active meanwhile

    def init_app(self, app):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
        self._key_prefix = None  # re-read from this app's RATELIMIT_KEY_PREFIX
        self._storage_dead = False  # a new storage: try it before falling back
        self._configuring = app
        try:
            super().init_app(app)
        finally:
            self._configuring = None

    @property
    def enabled(self):
        app = self._configuring or (current_app._get_current_object() if has_app_context() else None)
        if app is not None and "RATELIMIT_ENABLED" in app.config:
            return app.config["RATELIMIT_ENABLED"]
        return self._enabled

    @enabled.setter
    def enabled(self, value):
        self._enabled = value


limiter = AppLimiter(key_func=get_remote_address)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores ON DELETE CASCADE unless foreign keys are switched on for each connection.
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
