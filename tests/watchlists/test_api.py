"""/api/watchlists: CRUD, items checked against the market data, each read with its quote and sparkline."""

import pytest

from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider
from financial_dashboard.watchlists import services

from ..market.conftest import strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")


def make_list(api, name="Tech", symbols=()):
    response = api.post("/api/watchlists", json={"name": name})
    assert response.status_code == 201, response.get_data(as_text=True)
    for symbol in symbols:
        added = api.post(f"/api/watchlists/{response.json['id']}/items", json={"symbol": symbol})
        assert added.status_code == 201, added.get_data(as_text=True)
    return response.json["id"]


def test_create_read_rename_delete(api, count_rows):
    response = api.post("/api/watchlists", json={"name": "  Tech  "})
    assert response.status_code == 201
    body = response.json
    assert (body["name"], body["items"]) == ("Tech", [])
    assert response.headers["Location"].endswith(f"/api/watchlists/{body['id']}")
    assert body["created_at"].endswith("Z")

    assert api.patch(f"/api/watchlists/{body['id']}", json={"name": "Growth"}).json["name"] == "Growth"
    listed = api.get("/api/watchlists").json
    assert (listed["total"], [w["name"] for w in listed["items"]]) == (1, ["Growth"])

    assert api.delete(f"/api/watchlists/{body['id']}").status_code == 204
    assert api.get(f"/api/watchlists/{body['id']}").status_code == 404
    assert count_rows("watchlists") == 0


def test_names_are_unique_per_user_only(api, other_api):
    make_list(api, "Tech")
    duplicate = api.post("/api/watchlists", json={"name": "Tech"})
    assert duplicate.status_code == 409 and "name" in duplicate.json["error"]["fields"]
    assert other_api.post("/api/watchlists", json={"name": "Tech"}).status_code == 201
    second = make_list(api, "Other")
    assert api.patch(f"/api/watchlists/{second}", json={"name": "Tech"}).status_code == 409


def test_items_carry_their_quote_and_30_day_sparkline(api, client):
    watchlist = make_list(api, symbols=["aapl", "MSFT"])

    body = strict_json(api.get(f"/api/watchlists/{watchlist}").data)
    quotes = {q["symbol"]: q for q in strict_json(client.get("/api/market/quotes?symbols=AAPL,MSFT").data)["items"]}
    history = strict_json(client.get("/api/stock/AAPL?period=60d").data)["history"]

    assert [item["symbol"] for item in body["items"]] == ["AAPL", "MSFT"]
    for item in body["items"]:
        for field in (
            "price",
            "previous_close",
            "change",
            "change_pct",
            "change_30d_pct",
            "volume",
            "currency",
            "as_of",
            "source",
            "sample",
            "stale",
        ):
            assert item[field] == quotes[item["symbol"]][field], field
        assert item["watchlist_id"] == watchlist and item["added_at"].endswith("Z")
    aapl = body["items"][0]
    # 30 days back from 2013-03-01: the closes from 2013-01-30 on.
    assert aapl["sparkline"] == [bar["close"] for bar in history if bar["date"] >= "2013-01-30"]
    assert (aapl["as_of"], aapl["sample"], aapl["stale"]) == ("2013-03-01T00:00:00Z", True, False)


def test_a_symbol_that_does_not_exist_is_a_400_that_says_so(api):
    watchlist = make_list(api)

    unknown = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "ZZZZ"})
    malformed = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "A$B"})
    missing = api.post(f"/api/watchlists/{watchlist}/items", json={})

    assert unknown.status_code == 400
    assert unknown.json["error"]["description"] == "ZZZZ does not exist in the market data."
    assert "ZZZZ" in unknown.json["error"]["fields"]["symbol"][0]
    assert malformed.status_code == 400 and "not a valid symbol" in malformed.json["error"]["fields"]["symbol"][0]
    assert missing.status_code == 400 and "symbol" in missing.json["error"]["fields"]
    assert api.get(f"/api/watchlists/{watchlist}").json["items"] == []


def test_a_duplicate_symbol_is_a_409(api, count_rows):
    watchlist = make_list(api, symbols=["AAPL"])
    response = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": " aapl "})
    assert response.status_code == 409 and "already" in response.json["error"]["description"]
    assert count_rows("watchlist_items") == 1


def test_a_full_list_refuses_more(api, monkeypatch):
    monkeypatch.setattr(services, "MAX_ITEMS", 2)
    watchlist = make_list(api, symbols=["AAPL", "MSFT"])
    response = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "IBM"})
    assert response.status_code == 400 and "at most 2" in response.json["error"]["description"]


def test_remove_an_item(api):
    watchlist = make_list(api, symbols=["AAPL", "MSFT"])
    (aapl, msft) = api.get(f"/api/watchlists/{watchlist}").json["items"]

    assert api.delete(f"/api/watchlists/{watchlist}/items/{aapl['id']}").status_code == 204
    assert [i["symbol"] for i in api.get(f"/api/watchlists/{watchlist}").json["items"]] == ["MSFT"]
    assert api.delete(f"/api/watchlists/{watchlist}/items/{aapl['id']}").status_code == 404
    # An item is found only through its own watchlist.
    other = make_list(api, "Other")
    assert api.delete(f"/api/watchlists/{other}/items/{msft['id']}").status_code == 404


def test_another_users_watchlists_and_items_are_404(api, other_api):
    watchlist = make_list(api, symbols=["AAPL"])
    item = api.get(f"/api/watchlists/{watchlist}").json["items"][0]["id"]

    assert other_api.get(f"/api/watchlists/{watchlist}").status_code == 404
    assert other_api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "MSFT"}).status_code == 404
    assert other_api.delete(f"/api/watchlists/{watchlist}/items/{item}").status_code == 404
    assert other_api.get("/api/watchlists").json["items"] == []


def test_during_an_outage_a_bundled_symbol_is_taken_on_trust_and_others_are_503(api, live):
    live.use("yfinance", FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout")))
    watchlist = make_list(api)

    trusted = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "NVDA"})
    unknown = api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "XYZQ"})

    assert trusted.status_code == 201 and trusted.json["error"]["code"] == 503
    assert unknown.status_code == 503 and "Retry-After" in unknown.headers


def test_signed_out_is_401(anon):
    assert anon.get("/api/watchlists").status_code == 401
