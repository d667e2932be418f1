"""Every timestamp the API writes is ISO 8601 in UTC with a Z, whichever serializer produced it."""

import datetime as dt

import pytest


@pytest.mark.parametrize(
    "url, body",
    [
        ("/api/goals", {"title": "Car", "target_amount": 100, "target_date": "2030-01-01"}),
        ("/api/portfolios", {"name": "Main"}),
    ],
)
def test_created_at_is_utc_with_z(api, url, body):
    created = api.post(url, json=body).json["created_at"]
    assert created.endswith("Z"), created
    parsed = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    assert abs(parsed - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_user_and_token_timestamps_share_the_format(api, anon, user):
    assert api.get("/api/auth/me").json["created_at"].endswith("Z")
    token = anon.post("/api/auth/token", json={"email": user.email, "password": "correct horse battery"}).json
    assert token["expires_at"].endswith("Z")
