"""GET /health: up, and able to reach the database."""
import pytest

from financial_dashboard import create_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_needs_no_credentials_and_ignores_a_bad_token(client):
    assert client.get("/health", headers={"Authorization": "Bearer nonsense"}).status_code == 200


@pytest.mark.parametrize("settings", [
    {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nope",
     "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}}},
    {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-directory/for/sure/app.db"},
], ids=["postgresql-refused", "sqlite-unopenable"])
def test_health_answers_503_naming_the_database_when_it_is_unreachable(settings):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", **settings})

    response = app.test_client().get("/health")

    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.json == {"status": "error", "database": "unreachable"}
    assert b"127.0.0.1" not in response.data and b"nonexistent" not in response.data


def test_health_recovers_once_the_database_is_back(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'later' / 'app.db'}"})
    client = app.test_client()
    assert client.get("/health").status_code == 503

    (tmp_path / "later").mkdir()

    assert client.get("/health").json == {"status": "ok", "database": "ok"}
