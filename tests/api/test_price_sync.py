"""POST /api/assets/<id>/prices/sync: daily closes from the market-data service into the price history."""

import json

import pandas as pd
import pytest

from financial_dashboard.extensions import cache
from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider

BOUGHT = "2010-01-04"
LAST_SAMPLE_DAY = "2013-03-01"


@pytest.fixture(autouse=True)
def fresh_cache(app):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live(app, monkeypatch):
    """MARKET_DATA_SOURCE=live with ``live(provider)`` standing in for yfinance; all restored afterwards."""
    monkeypatch.setitem(app.config, "MARKET_DATA_SOURCE", "live")
    providers = app.extensions.setdefault("market_providers", {})

    def use(provider):
        monkeypatch.setitem(providers, "yfinance", provider)
        cache.clear()
        return provider

    use(FakeProvider(fail_with=AssertionError("no yfinance provider injected")))
    return use


def body_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.data)


def new_asset(api, **fields):
    portfolio = body_of(api.post("/api/portfolios", json={"name": "Main"}), 201)["id"]
    asset = {
        "name": "Apple",
        "type": "stock",
        "symbol": "AAPL",
        "quantity": "10",
        "amount_invested": "2140.10",
        "purchase_date": BOUGHT,
        **fields,
    }
    return body_of(api.post(f"/api/portfolios/{portfolio}/assets", json=asset), 201)["id"]


def stored_prices(api, asset):
    """{ISO date: price} of every stored price, read page by page."""
    prices, page = {}, 1
    while True:
        body = body_of(api.get(f"/api/assets/{asset}/prices?per_page=100&page={page}"), 200)
        prices.update({p["date"]: p["price"] for p in body["items"]})
        if page * 100 >= body["total"]:
            return prices
        page += 1


def sample_closes_from(api, symbol, first_day):
    history = body_of(api.get(f"/api/stock/{symbol}?period=max"), 200)["history"]
    return {bar["date"]: bar["close"] for bar in history if bar["date"] >= first_day}


def test_sync_fills_the_history_from_the_purchase_date_with_the_sample_closes(api, count_rows):
    asset = new_asset(api)
    closes = sample_closes_from(api, "AAPL", BOUGHT)
    assert len(closes) == 795  # trading days from 2010-01-04 through 2013-03-01

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert result == {
        "asset_id": asset,
        "symbol": "AAPL",
        "source": "sample",
        "stale": False,
        "sample": True,
        "created": len(closes),
        "updated": 0,
        "unchanged": 0,
        "kept_manual": 0,
        "kept_manual_dates": [],
        "currency": "USD",
        "currency_changed": True,
        "previous_currency": None,
        "from": BOUGHT,
        "to": LAST_SAMPLE_DAY,
        "as_of": f"{LAST_SAMPLE_DAY}T00:00:00Z",
    }
    assert stored_prices(api, asset) == closes
    assert count_rows("price_history") == len(closes)


def test_a_second_sync_adds_nothing_and_reports_every_row_unchanged(api, count_rows):
    asset = new_asset(api)
    first = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)
    cache.clear()  # read the bars again rather than the cached answer

    second = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, first["created"])
    assert count_rows("price_history") == first["created"]


def test_sync_keeps_a_typed_price_says_so_and_keeps_prices_outside_the_range(api, count_rows):
    asset = new_asset(api, purchase_date="2013-02-01")
    closes = sample_closes_from(api, "AAPL", "2013-02-01")
    body_of(
        api.post(
            f"/api/assets/{asset}/prices",
            json=[{"date": "2013-02-01", "price": "1"}, {"date": "2013-01-15", "price": "2"}],
        ),
        201,
    )

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["created"], result["updated"], result["unchanged"]) == (len(closes) - 1, 0, 0)
    assert (result["kept_manual"], result["kept_manual_dates"]) == (1, ["2013-02-01"])
    assert stored_prices(api, asset) == {**closes, "2013-01-15": 2, "2013-02-01": 1}
    sources = {
        p["date"]: p["source"] for p in body_of(api.get(f"/api/assets/{asset}/prices?per_page=100"), 200)["items"]
    }
    assert (sources["2013-02-01"], sources["2013-02-04"]) == ("manual", "sample")


def test_sync_updates_a_synced_price_that_differs_but_never_a_typed_one(api, live):
    provider = live(FakeProvider({"AAPL": frame({"2010-01-04": 100.0, "2010-01-05": 101.5, "2010-01-06": 102.0})}))
    asset = new_asset(api)
    body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)
    body_of(api.post(f"/api/assets/{asset}/prices", json={"date": "2010-01-05", "price": "99"}), 200)
    provider.frames["AAPL"].loc[:, "close"] = [110.0, 111.0, 102.0]  # a correction from the source
    cache.clear()

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["created"], result["updated"], result["unchanged"], result["kept_manual"]) == (0, 1, 1, 1)
    assert result["kept_manual_dates"] == ["2010-01-05"]
    assert stored_prices(api, asset) == {"2010-01-04": 110.0, "2010-01-05": 99, "2010-01-06": 102.0}


def test_the_kept_dates_listed_are_at_most_twenty(api, count_rows):
    asset = new_asset(api, purchase_date="2013-01-02")
    days = sorted(sample_closes_from(api, "AAPL", "2013-01-02"))[:25]
    body_of(api.post(f"/api/assets/{asset}/prices", json=[{"date": d, "price": "5"} for d in days]), 201)

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert result["kept_manual"] == 25
    assert result["kept_manual_dates"] == days[:20]
    assert all(price == 5 for day, price in stored_prices(api, asset).items() if day in days)


def test_a_purchase_on_a_weekend_starts_with_the_next_trading_day(api):
    asset = new_asset(api, purchase_date="2013-02-16")  # a Saturday; Monday 18th was a US holiday

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert result["from"] == "2013-02-19"
    assert min(stored_prices(api, asset)) == "2013-02-19"


def test_an_asset_without_a_symbol_answers_400(api, count_rows):
    asset = new_asset(api, symbol=None)

    error = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 400)["error"]

    assert "symbol" in error["fields"]
    assert count_rows("price_history") == 0


def test_an_unknown_symbol_answers_404_and_writes_nothing(api, count_rows):
    asset = new_asset(api, symbol="ZZZZ")

    error = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 404)["error"]

    assert "ZZZZ" in error["description"]
    assert count_rows("price_history") == 0


def test_another_users_asset_answers_404_and_writes_nothing(api, other_api, count_rows):
    asset = new_asset(api)

    error = body_of(other_api.post(f"/api/assets/{asset}/prices/sync"), 404)["error"]

    assert error["description"] == f"Asset {asset} does not exist."
    assert count_rows("price_history") == 0
    assert body_of(api.post(f"/api/assets/{asset + 1000}/prices/sync"), 404)["error"]["code"] == 404


def test_anonymous_sync_answers_401(anon, api):
    asset = new_asset(api)

    assert anon.post(f"/api/assets/{asset}/prices/sync").status_code == 401


def frame(closes):
    index = pd.DatetimeIndex([pd.Timestamp(d, tz="UTC") for d in closes])
    values = list(closes.values())
    return pd.DataFrame({"open": values, "high": values, "low": values, "close": values, "volume": 1.0}, index=index)


def test_live_sync_reads_the_provider_and_says_it_is_not_sample(api, live):
    live(FakeProvider({"AAPL": frame({"2009-12-31": 99.0, "2010-01-04": 100.0, "2010-01-05": 101.5})}))
    asset = new_asset(api)

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["source"], result["sample"], result["stale"], result["created"]) == ("yfinance", False, False, 2)
    assert stored_prices(api, asset) == {"2010-01-04": 100.0, "2010-01-05": 101.5}


def test_live_sync_falls_back_to_stored_bars_marked_stale_when_the_provider_fails(api, live, count_rows):
    live(FakeProvider({"AAPL": frame({"2010-01-04": 100.0, "2010-01-05": 101.5})}))
    asset = new_asset(api)
    body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)  # stores the bars it fetched
    live(FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout")))

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["stale"], result["created"], result["unchanged"]) == (True, 0, 2)


def test_live_sync_with_the_provider_down_and_nothing_stored_answers_503_with_retry_after(api, live, count_rows):
    live(FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout", retry_after=30)))
    asset = new_asset(api)

    response = api.post(f"/api/assets/{asset}/prices/sync")

    error = body_of(response, 503)["error"]
    assert response.headers["Retry-After"] == "30"
    assert "timeout" in error["description"]
    assert count_rows("price_history") == 0


def test_synced_prices_remember_their_source_and_the_portfolio_says_it_rests_on_sample_data(api):
    asset = new_asset(api)
    body_of(api.post(f"/api/assets/{asset}/prices", json={"date": "2009-12-31", "price": "30"}), 201)
    body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    first_page = body_of(api.get(f"/api/assets/{asset}/prices?per_page=3"), 200)["items"]
    assert [p["source"] for p in first_page] == ["manual", "sample", "sample"]

    portfolio = body_of(api.get(f"/api/assets/{asset}"), 200)["portfolio_id"]
    notes = body_of(api.get(f"/api/portfolios/{portfolio}/performance"), 200)["notes"]
    assert notes == ["Prices of Apple include bundled sample data (2000–2013), not live quotes."]
    assert body_of(api.get("/api/dashboard"), 200)["notes"] == notes

    # Typing a price over a synced one makes it the user's own again.
    day = first_page[1]["date"]
    changed = body_of(api.post(f"/api/assets/{asset}/prices", json={"date": day, "price": "31"}), 200)
    assert changed["source"] == "manual"


def test_a_portfolio_with_only_typed_prices_has_no_sample_note(api):
    asset = new_asset(api, symbol=None)
    body_of(api.post(f"/api/assets/{asset}/prices", json=[{"date": "2024-01-02", "price": "10"}]), 201)
    portfolio = body_of(api.get(f"/api/assets/{asset}"), 200)["portfolio_id"]
    assert body_of(api.get(f"/api/portfolios/{portfolio}/performance"), 200)["notes"] == []


def test_a_long_exchange_source_is_stored_whole_and_the_pair_sets_the_asset_currency(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_DATA_SOURCE", "live")
    bars = frame({"2010-01-04": 100.0, "2010-01-05": 101.5})
    bars.attrs["currency"] = "USDC"
    monkeypatch.setitem(
        app.extensions.setdefault("market_providers", {}),
        "ccxt",
        FakeProvider({"BTC/USDC": bars}, source_id="ccxt:coinbaseinternational"),
    )
    asset = new_asset(api, name="Bitcoin", type="crypto", symbol="BTC/USDC")

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["source"], result["created"]) == ("ccxt:coinbaseinternational", 2)
    assert (result["currency"], result["currency_changed"], result["previous_currency"]) == ("USDC", True, None)
    items = body_of(api.get(f"/api/assets/{asset}/prices"), 200)["items"]
    assert {p["source"] for p in items} == {"ccxt:coinbaseinternational"}
    assert body_of(api.get(f"/api/assets/{asset}"), 200)["currency"] == "USDC"


def test_sync_says_when_the_market_currency_differs_from_the_assets_and_sets_it(api, live):
    bars = frame({"2010-01-04": 100.0})
    bars.attrs["currency"] = "GBP"  # a London listing, already in pounds
    live(FakeProvider({"AAPL": bars}))
    asset = new_asset(api, currency="EUR")

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)
    assert (result["currency"], result["currency_changed"], result["previous_currency"]) == ("GBP", True, "EUR")
    assert body_of(api.get(f"/api/assets/{asset}"), 200)["currency"] == "GBP"

    cache.clear()
    again = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)
    assert (again["currency"], again["currency_changed"], again["previous_currency"]) == ("GBP", False, "GBP")


def test_a_source_that_does_not_name_the_currency_leaves_the_assets_alone(api, live):
    live(FakeProvider({"AAPL": frame({"2010-01-04": 100.0})}))
    asset = new_asset(api, currency="USD")

    result = body_of(api.post(f"/api/assets/{asset}/prices/sync"), 200)

    assert (result["currency"], result["currency_changed"], result["previous_currency"]) == (None, False, "USD")
    assert body_of(api.get(f"/api/assets/{asset}"), 200)["currency"] == "USD"
