"""A first walk through the API, end to end."""


def test_register_token_goal_roundtrip(anon, client):
    response = anon.post("/api/auth/register", json={"email": "A@Example.com ", "password": "longenough",
                                                     "name": "A"})
    assert response.status_code == 201, response.json
    assert response.json["email"] == "a@example.com"
    assert "password" not in response.json and "password_hash" not in response.json
    token = anon.post("/api/auth/token", json={"email": "a@example.com", "password": "longenough"}).json
    assert token["token_type"] == "bearer"
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    response = client.post("/api/goals", json={"title": "Car", "target_amount": 0.1, "current_savings": 0.2,
                                               "target_date": "2030-01-01"}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.headers["Location"].endswith(f"/api/goals/{response.json['id']}")
    assert b'"target_amount": 0.1' in response.data.replace(b'":0.1', b'": 0.1')
