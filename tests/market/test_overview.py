"""/api/market/overview and the explorer's landing view: movers of the last trading day among the universe."""

import pytest

from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider

from .conftest import strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")


def overview(client, query="", status=200):
    response = client.get(f"/api/market/overview{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    return strict_json(response.data)


def test_on_sample_data_the_movers_are_the_quotes_sorted(client):
    body = overview(client)
    quotes = strict_json(client.get("/api/market/quotes?symbols=AAPL,GOOG,IBM,MSFT").data)["items"]
    by_change = sorted(quotes, key=lambda q: -q["change_pct"])

    assert (body["universe"], body["priced"], body["as_of"]) == (4, 4, "2013-03-01")
    assert [q["symbol"] for q in body["gainers"]] == [q["symbol"] for q in by_change if q["change_pct"] > 0]
    assert [q["symbol"] for q in body["losers"]] == [q["symbol"] for q in reversed(by_change) if q["change_pct"] < 0]
    by_volume = sorted(quotes, key=lambda q: -q["volume"])
    assert [q["symbol"] for q in body["most_active"]] == [q["symbol"] for q in by_volume]
    (first,) = [q for q in quotes if q["symbol"] == body["gainers"][0]["symbol"]]
    assert body["gainers"][0]["change_pct"] == first["change_pct"] and body["gainers"][0]["price"] == first["price"]
    assert body["sample"] is True and body["indices"] == []
    assert "The main indices are not in the bundled sample data." in body["notes"]


def test_limit_cuts_each_list_and_is_validated(client):
    assert len(overview(client, "?limit=1")["most_active"]) == 1
    for bad in ("0", "21", "x"):
        assert "limit" in overview(client, f"?limit={bad}", status=400)["error"]["fields"]


def test_the_universe_is_configurable_and_includes_every_watchlist_symbol(client, app, api, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_UNIVERSE", ["AAPL", "MSFT"])
    watchlist = api.post("/api/watchlists", json={"name": "Mine"}).json["id"]
    assert api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "IBM"}).status_code == 201

    body = overview(client, "?limit=20")

    assert body["universe"] == 3
    assert {q["symbol"] for q in body["most_active"]} == {"AAPL", "MSFT", "IBM"}


def test_live_indices_are_shown_where_reachable(client, app, live, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_UNIVERSE", ["AAPL", "MSFT"])
    live.use("yfinance", FakeProvider())  # generated bars for any symbol, indices included

    body = overview(client)

    assert [q["symbol"] for q in body["indices"]] == ["^GSPC", "^IXIC", "^DJI"]
    assert body["sample"] is False and body["notes"] == []


def test_an_outage_answers_with_notes_not_an_error(client, app, live, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_UNIVERSE", ["AAPL", "MSFT"])
    live.use("yfinance", FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout")))

    body = overview(client)

    assert body["gainers"] == body["losers"] == body["most_active"] == body["indices"] == []
    assert body["notes"][0] == "No quote for 2 of 2 symbols: AAPL, MSFT."
    assert "Some indices are unavailable right now." in body["notes"]


def test_the_explorer_landing_view_shows_the_overview(client):
    html = client.get("/market").get_data(as_text=True)
    for table in ("overview-gainers", "overview-losers", "overview-most_active"):
        assert f'id="{table}"' in html
    assert "Market overview" in html and "Sample data" in html
