"""Configuration classes, read from the environment (every variable is documented in README.md)."""

import json
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
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _csv(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def _float(name, default):
    return float(os.environ.get(name, default))


def _json(name, default):
    try:
        return json.loads(os.environ.get(name) or default)
    except ValueError as error:
        raise RuntimeError(f"{name} must be JSON: {error}") from None


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
    # "json" (one JSON object a line, for a PaaS log drain) or "text"; production defaults to json.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()
    CORS_ORIGINS = _csv(os.environ.get("CORS_ORIGINS", ""))
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Redis only holds copies: a slow or dead one must cost a request at most this long, then count as a miss.
    REDIS_TIMEOUT_S = _float("REDIS_TIMEOUT_S", 0.5)
    REDIS_RETRY_S = _float("REDIS_RETRY_S", 5)
    # A database that stops answering must fail a request within seconds (503), never hold a worker.
    DATABASE_CONNECT_TIMEOUT_S = _float("DATABASE_CONNECT_TIMEOUT_S", 3)
    DATABASE_STATEMENT_TIMEOUT_MS = int(_float("DATABASE_STATEMENT_TIMEOUT_MS", 5000))
    DATABASE_POOL_TIMEOUT_S = _float("DATABASE_POOL_TIMEOUT_S", 3)
    API_TOKEN_TTL = timedelta(hours=_float("API_TOKEN_TTL_HOURS", 24 * 30))
    RISK_FREE_RATE_PCT = _float("RISK_FREE_RATE_PCT", 0)
    MARKET_DATA_SOURCE = os.environ.get("MARKET_DATA_SOURCE", "live").lower()
    CCXT_EXCHANGE = os.environ.get("CCXT_EXCHANGE", "binance")
    MARKET_TIMEOUT_S = _float("MARKET_TIMEOUT_S", 10)
    CACHE_DEFAULT_TIMEOUT = int(_float("MARKET_CACHE_TTL_S", 20))
    # The market overview's symbols; empty: the bundled stocks and ETFs (plus every watchlist's symbols).
    MARKET_UNIVERSE = _csv(os.environ.get("MARKET_UNIVERSE", ""))

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
    # Browser sessions end on the server (auth/sessions.py): after this long unused, and this long after
    # sign-in whatever happens; "remember me" keeps one for REMEMBER_ME_DAYS, capped at 30 (ASVS 3.3.2).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=_float("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_float("SESSION_MAX_HOURS", 12))
    REMEMBER_COOKIE_DURATION = timedelta(days=min(_float("REMEMBER_ME_DAYS", 30), 30))
    # Sign-in throttling (auth/throttling.py; figures in README "Accounts and security"), in the "limits"
    # notation. Failed sign-ins (login form and token API together) per account and per client address,
    # and registrations per address. Counted in Redis when REDIS_URL is set, else in process memory.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute; 100 per hour")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute; 300 per hour")
    REGISTER_LIMIT_PER_ADDRESS = os.environ.get("REGISTER_LIMIT_PER_ADDRESS", "10 per hour")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "fd")
    # Redis down: count in memory meanwhile (checked again for recovery), never fail the request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    # Live API tokens one account may hold; issuing one more revokes the oldest.
    API_TOKENS_PER_USER = int(_float("API_TOKENS_PER_USER", 50))
    # E-mail for triggered price alerts (Flask-Mailman); nothing is sent while MAIL_SERVER is unset.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(_float("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or None
    MAIL_TIMEOUT = _float("MAIL_TIMEOUT", 10)
    # How many proxies in front of the app set X-Forwarded-For/-Proto (a PaaS router: 1). 0 trusts none.
    TRUSTED_PROXY_HOPS = int(_float("TRUSTED_PROXY_HOPS", 0))
    # Forecasts (predictions/): history trained on, backtest origins, how long a request waits for a
    # training before answering 202 (under a PaaS router's 30 s), the longest a training may run, model lifetime.
    PREDICTIONS_HISTORY = os.environ.get("PREDICTIONS_HISTORY", "2y")
    PREDICTIONS_ORIGINS = int(_float("PREDICTIONS_ORIGINS", 60))
    PREDICTIONS_WAIT_S = _float("PREDICTIONS_WAIT_S", 25)
    PREDICTIONS_TRAIN_TIMEOUT_S = _float("PREDICTIONS_TRAIN_TIMEOUT_S", 120)
    PREDICTIONS_MAX_AGE_H = _float("PREDICTIONS_MAX_AGE_H", 24)
    PREDICTIONS_MODELS = _csv(os.environ.get("PREDICTIONS_MODELS", ""))
    # Models trained inside the web process rather than in a child process (faster to start, heavier worker).
    PREDICTIONS_TRAIN_IN_PROCESS = _csv(os.environ.get("PREDICTIONS_TRAIN_IN_PROCESS", ""))
    # Per model constructor options as JSON, e.g. {"lstm": {"epochs": 20}} on a small machine.
    PREDICTIONS_MODEL_OPTIONS: dict = _json("PREDICTIONS_MODEL_OPTIONS", "{}")


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
    # Every test of the suite signs in from 127.0.0.1; the throttling tests switch it on for their app.
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").lower()
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
