"""financial_dashboard: a self-hosted personal finance and market dashboard (Flask app factory)."""

import os

from flask import Flask

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_DESCRIPTION = (
    "JSON API of financial_dashboard. Authenticate with `POST /api/auth/token`, then click "
    "**Authorize** and paste the token. Errors always have the shape "
    '`{"error": {"code", "message", "description", "fields"}}`; invalid input answers 400 with a `fields` object.'
)


def create_app(config=None):
    """Build the app. ``config``: a config class, a name (development, testing, production) or a dict."""
    app = Flask(
        __name__,
        instance_path=os.path.join(ROOT, "instance"),
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    load_config(app, config)
    configure_logging(app)
    register_json(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_security(app)
    register_templates(app)
    register_commands(app)
    register_apidocs(app)
    return app


def load_config(app, config):
    import config as settings

    if config is None or isinstance(config, dict):
        app.config.from_object(settings.config_from_env())
        app.config.update(config or {})
    elif isinstance(config, str):
        app.config.from_object(settings.CONFIGS[config])
    else:
        app.config.from_object(config)
    if app.config.get("ENV_NAME") == "production" and not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
    if app.config["MARKET_DATA_SOURCE"] not in ("live", "sample"):
        raise RuntimeError("MARKET_DATA_SOURCE must be 'live' or 'sample'.")
    from .market.providers.ccxt_provider import exchange_problem

    if problem := exchange_problem(app.config["CCXT_EXCHANGE"]):
        raise RuntimeError(f"CCXT_EXCHANGE: {problem}")
    if app.config.get("REDIS_URL"):
        # Redis errors count as misses, with short timeouts (REDIS_TIMEOUT_S): the app works without it.
        app.config.setdefault("CACHE_TYPE", "financial_dashboard.common.cache_backend.FaultTolerantRedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    from .common.db_timeouts import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    os.makedirs(app.instance_path, exist_ok=True)


def configure_logging(app):
    from .logs import configure_logging as configure

    configure(app)


def register_json(app):
    from .common.api import no_type_without_content
    from .common.jsonprovider import DecimalJSONProvider

    app.json = DecimalJSONProvider(app)
    app.after_request(no_type_without_content)


def register_extensions(app):
    from .extensions import cache, cors, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    cache.init_app(app)
    cors.init_app(
        app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}}, expose_headers=["Location", "Retry-After"]
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from .auth.sessions import load_user

    login_manager.user_loader(load_user)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)


def register_blueprints(app):
    from . import (
        alerts,
        assets,
        auth,
        dashboard,
        goals,
        health,
        market,
        portfolios,
        predictions,
        prices,
        signals,
        watchlists,
    )

    for module in (
        health,
        dashboard,
        auth,
        goals,
        portfolios,
        assets,
        prices,
        market,
        predictions,
        watchlists,
        signals,
        alerts,
    ):
        app.register_blueprint(module.bp)
    exempt_api_from_csrf(app)


def exempt_api_from_csrf(app):
    """Every page form is CSRF-protected; /api routes change data only with a bearer token, which a
    browser never sends by itself, so they are exempt (see auth/tokens.py)."""
    from .extensions import csrf

    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            csrf.exempt(app.view_functions[rule.endpoint])


def register_errors(app):
    from .common.body_limit import register_body_limit
    from .errors import register_errors as register

    register(app)
    register_body_limit(app)  # an oversized chunked body is a 413 like one with a Content-Length


def register_security(app):
    from .security import register_security as register

    register(app)


def register_templates(app):
    from flask import send_from_directory
    from flask_login import current_user

    from .common.formatting import FILTERS
    from .common.nav import nav_items

    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def layout():
        return {
            "nav": nav_items(app, current_user.is_authenticated),
            "market_source": app.config["MARKET_DATA_SOURCE"],
            "ccxt_exchange": app.config["CCXT_EXCHANGE"],
        }

    @app.get("/vendor/plotly.min.js")
    def plotly_js():
        """plotly.js from the installed plotly package: same version as the figures, and no CDN."""
        import plotly

        folder = os.path.join(os.path.dirname(plotly.__file__), "package_data")
        return send_from_directory(folder, "plotly.min.js", max_age=86400 * 30)


def register_commands(app):
    from .alerts.cli import alerts_cli
    from .auth.cli import users_cli
    from .market.cli import market_cli
    from .predictions.cli import predictions_cli
    from .prices.cli import prices_cli

    for group in (users_cli, market_cli, prices_cli, alerts_cli, predictions_cli):
        app.cli.add_command(group)


def register_apidocs(app):
    from flasgger import Swagger
    from flask import render_template

    from .common.openapi import build_spec, keep_current

    # flasgger serves the spec; the UI is a current Swagger UI vendored in static/ (flasgger's own
    # loads fonts from Google and an old jQuery, and reads a spec URL from the query string).
    app.config["SWAGGER"] = {
        "title": "financial_dashboard API",
        "swagger_ui": False,
        "specs": [{"endpoint": "apispec", "route": "/apispec.json"}],
    }

    def spec():
        return build_spec(app, "financial_dashboard API", "1.0", API_DESCRIPTION)

    keep_current(app, Swagger(app, template=spec()), spec)

    @app.get("/apidocs/")
    def apidocs():
        """Swagger UI for /apispec.json."""
        return render_template("apidocs.html")
