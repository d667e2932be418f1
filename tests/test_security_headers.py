"""Every answer carries the security headers; personal answers are never stored; HSTS in production."""

import pytest

from financial_dashboard import create_app
from financial_dashboard.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "path", ["/", "/login", "/health", "/api/goals", "/apidocs/", "/no-such-page", "/apispec.json"]
)
def test_pages_and_api_answers_carry_the_security_headers(client, path):
    headers = client.get(path).headers

    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain HTTP outside production


def test_the_policy_allows_nothing_from_other_origins():
    for directive in CONTENT_SECURITY_POLICY.split("; "):
        sources = directive.split()[1:]
        assert all(s in ("'self'", "'none'", "'unsafe-inline'", "data:", "blob:") for s in sources), directive
    assert "'unsafe-inline'" not in next(d for d in CONTENT_SECURITY_POLICY.split("; ") if d.startswith("script-src"))


def test_a_new_token_is_never_cacheable(client, user):
    response = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 200 and response.json["access_token"]
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    assert "no-store" not in client.get("/static/app.css").headers["Cache-Control"]
    assert "max-age" in client.get("/vendor/plotly.min.js").headers["Cache-Control"]


def test_production_sends_hsts():
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    headers = app.test_client().get("/login").headers

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_behind_the_paas_router_the_forwarded_scheme_counts(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXY_HOPS": 1, "TESTING": True})

    headers = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"}).headers

    assert "Strict-Transport-Security" in headers
