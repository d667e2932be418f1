"""Configuration from the environment: database URL, production safety, cache and CORS."""

import runpy
import time

import pytest

import config
from financial_dashboard import create_app
from financial_dashboard.extensions import cache, db
from financial_dashboard.market import services as market

ALLOWED = "https://app.example.com"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql+psycopg://u:p@h/d", "postgresql+psycopg://u:p@h/d"),
        ("sqlite:////var/data/app.db", "sqlite:////var/data/app.db"),
    ],
)
def test_database_url_accepts_the_paas_forms(given, expected):
    assert config.database_url(given) == expected


def test_database_url_reads_database_url_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://env@db/prod")

    assert config.database_url() == "postgresql+psycopg://env@db/prod"


def test_the_default_database_is_a_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    url = config.database_url()

    assert url == "sqlite:///financial_dashboard.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert db.engine.url.get_backend_name() == "sqlite"
        assert db.engine.url.database.endswith("instance/financial_dashboard.db")


def test_production_without_a_secret_key_refuses_to_start():
    class Production(config.ProductionConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_with_a_secret_key_starts_with_secure_cookies():
    class Production(config.ProductionConfig):
        SECRET_KEY = "a real secret"
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Production)

    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not app.debug and not app.testing


def test_development_has_a_secret_key_of_its_own():
    assert create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]


@pytest.mark.parametrize(
    "name, cls",
    [
        ("development", config.DevelopmentConfig),
        ("testing", config.TestingConfig),
        ("production", config.ProductionConfig),
        ("PRODUCTION", config.ProductionConfig),
    ],
)
def test_app_env_picks_the_config_class(monkeypatch, name, cls):
    monkeypatch.setenv("APP_ENV", name)

    assert config.config_from_env() is cls


def test_an_unknown_app_env_is_refused(monkeypatch):
    monkeypatch.setenv("APP_ENV", "staging")

    with pytest.raises(RuntimeError, match="APP_ENV"):
        config.config_from_env()


def test_the_cache_uses_redis_only_when_redis_url_is_set():
    with_redis = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    without = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None})

    assert (with_redis.config["CACHE_TYPE"], with_redis.config["CACHE_REDIS_URL"]) == (
        "financial_dashboard.common.cache_backend.FaultTolerantRedisCache",
        "redis://127.0.0.1:6379/0",
    )
    assert without.config["CACHE_TYPE"] == "SimpleCache"


def settings_from(monkeypatch, **env):
    """config.py as a fresh start reads it, with MARKET_CACHE_TTL_S unset unless given in ``env``.

    The testing config pins the TTL, and the imported module read the environment long ago; a fresh copy
    of the module's namespace sees the environment set here and leaves the imported module alone.
    """
    monkeypatch.delenv("MARKET_CACHE_TTL_S", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(config.__file__)


def market_cache_ttl(settings):
    """What an app built from the development config gives the cache and the market bars it caches."""

    class Development(settings["DevelopmentConfig"]):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Development)
    with app.app_context():
        start = time.time()
        bars = market.get_bars("stock", "AAPL", "60d")
        return app.config["CACHE_DEFAULT_TIMEOUT"], cache.cache.default_timeout, round(bars.expires - start)


def test_market_data_is_cached_for_20_seconds_when_market_cache_ttl_s_is_not_set(monkeypatch):
    settings = settings_from(monkeypatch, MARKET_DATA_SOURCE="sample")

    assert {settings[name].CACHE_DEFAULT_TIMEOUT for name in ("DevelopmentConfig", "ProductionConfig")} == {20}
    assert market_cache_ttl(settings) == (20, 20, 20)


def test_market_cache_ttl_s_sets_the_cache_timeout_in_whole_seconds(monkeypatch):
    settings = settings_from(monkeypatch, MARKET_DATA_SOURCE="sample", MARKET_CACHE_TTL_S="7.9")

    assert market_cache_ttl(settings) == (7, 7, 7)


@pytest.fixture
def cors_client():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CORS_ORIGINS": [ALLOWED]})
    return app.test_client()


def test_cors_allows_a_configured_origin_on_the_api(cors_client):
    response = cors_client.get("/api/goals", headers={"Origin": ALLOWED})

    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Location" in response.headers["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_the_authorization_header(cors_client):
    response = cors_client.options(
        "/api/goals",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )

    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "origin, path",
    [
        ("https://evil.example.com", "/api/goals"),
        (ALLOWED, "/health"),
        ("https://app.example.com.evil.example", "/api/goals"),
    ],
)
def test_cors_headers_are_absent_for_other_origins_and_outside_the_api(cors_client, origin, path):
    response = cors_client.get(path, headers={"Origin": origin})

    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_cross_origin_access_when_no_origin_is_configured():
    client = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "CORS_ORIGINS": []}).test_client()

    assert "Access-Control-Allow-Origin" not in client.get("/api/goals", headers={"Origin": ALLOWED}).headers


def test_the_database_pool_is_sized_from_the_environment_only_when_asked(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "16")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "8")
    assert config._pool_options() == {"pool_size": 16, "max_overflow": 8}
    monkeypatch.delenv("DATABASE_POOL_SIZE")
    monkeypatch.delenv("DATABASE_MAX_OVERFLOW")
    assert config._pool_options() == {}  # SQLAlchemy's own defaults (and SQLite's pools take no size)
