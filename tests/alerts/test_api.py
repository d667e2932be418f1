"""/api/alerts: create (checked against the market data), read, change, re-arm, pause, mark read, delete."""

import pytest

pytestmark = pytest.mark.usefixtures("fresh_cache")


def make(api, status=201, **body):
    response = api.post("/api/alerts", json={"symbol": "AAPL", "condition": "above", "target": "450", **body})
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_create_remembers_the_newest_bar_so_only_later_closes_count(api):
    alert = make(api, symbol="aapl", target="450.125", note="breakout")

    assert (alert["symbol"], alert["condition"], alert["note"]) == ("AAPL", "above", "breakout")
    assert alert["target"] == 450.125
    assert (alert["status"], alert["description"]) == ("active", "AAPL closes above 450.125")
    assert alert["last_seen_at"] == "2013-03-01T00:00:00Z"  # the newest bundled AAPL bar
    assert alert["triggered_at"] is None and alert["seen"] is False
    assert api.get(f"/api/alerts/{alert['id']}").json == alert


@pytest.mark.parametrize(
    "body, field",
    [
        ({"symbol": "ZZZZ"}, "symbol"),
        ({"condition": "sideways"}, "condition"),
        ({"target": "0"}, "target"),
        ({"target": "1.123456789"}, "target"),
        ({"condition": "change_pct_above", "target": "1001"}, "target"),
        ({"symbol": None}, "symbol"),
    ],
)
def test_invalid_alerts_are_400_naming_the_field(api, body, field, count_rows):
    error = make(api, status=400, **body)["error"]
    assert field in error["fields"]
    assert count_rows("alerts") == 0


def test_an_unknown_symbol_is_refused_in_plain_words(api):
    error = make(api, status=400, symbol="ZZZZ")["error"]
    assert error["description"] == "ZZZZ does not exist in the market data."


def test_patch_changes_pauses_rearms_and_refuses_a_new_symbol(api):
    alert = make(api)
    url = f"/api/alerts/{alert['id']}"

    assert api.patch(url, json={"active": False}).json["status"] == "paused"
    changed = api.patch(url, json={"target": "500", "condition": "below"}).json
    assert (changed["status"], changed["description"]) == ("active", "AAPL closes below 500")
    assert api.patch(url, json={"note": None}).json["note"] is None
    refused = api.patch(url, json={"symbol": "MSFT"})
    assert refused.status_code == 400 and "symbol" in refused.json["error"]["fields"]
    too_big = api.patch(url, json={"condition": "change_pct_above", "target": "2000"})
    assert too_big.status_code == 400


def test_list_filters_and_delete(api):
    first, second = make(api), make(api, symbol="MSFT", target="10", condition="below")
    api.patch(f"/api/alerts/{second['id']}", json={"active": False})

    assert [a["id"] for a in api.get("/api/alerts").json["items"]] == [first["id"], second["id"]]
    assert [a["id"] for a in api.get("/api/alerts?status=paused").json["items"]] == [second["id"]]
    assert api.get("/api/alerts?status=triggered").json["total"] == 0
    assert api.get("/api/alerts?status=nope").status_code == 400
    assert api.delete(f"/api/alerts/{first['id']}").status_code == 204
    assert api.get(f"/api/alerts/{first['id']}").status_code == 404


def test_another_users_alerts_are_404(api, other_api):
    alert = make(api)
    for method in ("get", "patch", "delete"):
        response = getattr(other_api, method)(f"/api/alerts/{alert['id']}", json={"note": "x"})
        assert response.status_code == 404
    assert other_api.get("/api/alerts").json["items"] == []


def test_signed_out_is_401(anon):
    assert anon.get("/api/alerts").status_code == 401
