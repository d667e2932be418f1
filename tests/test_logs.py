"""Logs: a request id on every line and in X-Request-ID, JSON in production, and no secret written."""

import io
import json
import logging

import pytest

from financial_dashboard import create_app
from financial_dashboard.logs import _formatter
from tests.conftest import PASSWORD


def test_every_answer_has_its_own_request_id(client):
    first, second = client.get("/health"), client.get("/api/goals")

    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize(
    "incoming, kept",
    [
        ("req-1234abcd", True),
        ("a" * 64, True),
        ("short", False),
        ("evil<script>", False),
        ("a b c d e f g h", False),
        ("a" * 65, False),
    ],
)
def test_a_sane_incoming_request_id_is_kept_and_others_replaced(client, incoming, kept):
    answered = client.get("/health", headers={"X-Request-ID": incoming}).headers["X-Request-ID"]

    assert (answered == incoming) is kept


def test_the_request_line_carries_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="financial_dashboard.requests")

    response = client.get("/api/goals?secret=query", headers={"X-Request-ID": "trace-12345678"})

    (record,) = [r for r in caplog.records if r.name == "financial_dashboard.requests"]
    assert record.getMessage().startswith("GET /api/goals 401 ")
    assert "secret" not in record.getMessage()
    assert record.request_id == "trace-12345678"
    assert response.headers["X-Request-ID"] == "trace-12345678"


def test_production_logs_are_one_json_object_a_line_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter(json_logs=True))
    logger = logging.getLogger("financial_dashboard.requests")
    logger.addHandler(handler)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "LOG_FORMAT": "json"})
    try:
        app.test_client().get("/login", headers={"X-Request-ID": "json-line-1"})
    finally:
        logger.removeHandler(handler)

    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "json-line-1" and line["level"] == "INFO"
    assert line["logger"] == "financial_dashboard.requests" and line["message"].startswith("GET /login 200")
    assert line["timestamp"].endswith("+00:00")


def test_production_config_logs_json_by_default(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    import runpy

    import config

    # A fresh read of config.py, not a reload: reloading would swap the config classes other tests hold.
    fresh = runpy.run_path(config.__file__)
    assert fresh["ProductionConfig"].LOG_FORMAT == "json"
    assert fresh["DevelopmentConfig"].LOG_FORMAT == "text"


def test_no_password_token_or_secret_in_any_log_line(app, client, user, caplog, no_csrf_for_logs):
    caplog.set_level(logging.DEBUG)
    wrong = "Wrong-Password-Sentinel-9"

    client.post("/login", data={"email": user.email, "password": wrong})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    token = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD}).json["access_token"]
    client.post("/api/auth/token", json={"email": user.email, "password": wrong})
    client.get("/api/goals", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/goals", headers={"Authorization": "Bearer not-a-real-token-sentinel"})
    client.post(
        "/api/auth/password",
        json={"current_password": wrong, "new_password": "another-pass-sentinel"},
        headers={"Authorization": f"Bearer {token}"},
    )

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "GET /api/goals" in logged  # the capture did see the requests
    for secret in (
        PASSWORD,
        wrong,
        token,
        "not-a-real-token-sentinel",
        "another-pass-sentinel",
        app.config["SECRET_KEY"],
    ):
        assert secret not in logged


@pytest.fixture
def no_csrf_for_logs(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True
