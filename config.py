"""Configuration classes, read from the environment (every variable is documented in README.md)."""
import os
from datetime import timedelta

BASE_DIR = os.path.abspath(os.path.dirname(__file__))


def database_url(url=None):
    """Return an SQLAlchemy URL for DATABASE_URL, accepting the ``postgres://`` form PaaS hosts hand out."""
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        # Flask-SQLAlchemy resolves a relative SQLite path against the instance folder.
        return "sqlite:///financial_dashboard.db"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _csv(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def _float(name, default):
    return float(os.environ.get(name, default))


def _pool_options():
    # A gevent worker runs many requests at once, each holding a connection while it runs: too small a pool
    # makes them queue for it, unfairly (a few wait seconds). Only when set: SQLite's pools take no size.
    names = {"pool_size": "DATABASE_POOL_SIZE", "max_overflow": "DATABASE_MAX_OVERFLOW"}
    return {option: int(os.environ[name]) for option, name in names.items() if os.environ.get(name)}


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-secret-key"
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, **_pool_options()}
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    CORS_ORIGINS = _csv(os.environ.get("CORS_ORIGINS", ""))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    API_TOKEN_TTL = timedelta(hours=_float("API_TOKEN_TTL_HOURS", 24 * 30))
    RISK_FREE_RATE_PCT = _float("RISK_FREE_RATE_PCT", 0)
    MARKET_DATA_SOURCE = os.environ.get("MARKET_DATA_SOURCE", "live").lower()
    CCXT_EXCHANGE = os.environ.get("CCXT_EXCHANGE", "binance")
    MARKET_TIMEOUT_S = _float("MARKET_TIMEOUT_S", 10)
    CACHE_DEFAULT_TIMEOUT = int(_float("MARKET_CACHE_TTL_S", 20))
    # Portfolio performance and the dashboard are cached per user until that user's data changes; this
    # only bounds how long an answer may stay unused. 0 switches the per-user cache off.
    USER_CACHE_TTL_S = int(_float("USER_CACHE_TTL_S", 300))
    # Lets several apps (or a benchmark) share one Redis without sharing keys; Flask-Caching's own default.
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "flask_cache_")
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How many proxies in front of the app set X-Forwarded-For/-Proto (a PaaS router: 1). 0 trusts none.
    TRUSTED_PROXY_HOPS = int(_float("TRUSTED_PROXY_HOPS", 0))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    MARKET_DATA_SOURCE = "sample"
    CACHE_DEFAULT_TIMEOUT = 20


class ProductionConfig(Config):
    ENV_NAME = "production"
    TRUSTED_PROXY_HOPS = int(_float("TRUSTED_PROXY_HOPS", 1))
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    """The config class named by APP_ENV (default development)."""
    name = os.environ.get("APP_ENV", "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
