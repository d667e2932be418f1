"""`flask prices sync [--user EMAIL]`: every asset with a symbol, past failures, reported at the end."""

import json

import pytest

from financial_dashboard.extensions import cache


@pytest.fixture(autouse=True)
def fresh_cache(app):
    cache.clear()
    yield
    cache.clear()


def body_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    return json.loads(response.data)


def holding(api, symbol, bought, portfolio="Main"):
    """An asset in the named portfolio (created on first use); returns its id."""
    portfolios = {p["name"]: p["id"] for p in body_of(api.get("/api/portfolios"), 200)["items"]}
    if portfolio not in portfolios:
        portfolios[portfolio] = body_of(api.post("/api/portfolios", json={"name": portfolio}), 201)["id"]
    asset = {
        "name": symbol or "Savings",
        "type": "stock",
        "symbol": symbol,
        "amount_invested": "1000",
        "purchase_date": bought,
    }
    return body_of(api.post(f"/api/portfolios/{portfolios[portfolio]}/assets", json=asset), 201)["id"]


def price_dates(api, asset):
    body = body_of(api.get(f"/api/assets/{asset}/prices?per_page=100"), 200)
    return body["total"], [p["date"] for p in body["items"]]


def trading_days(api, symbol, since):
    history = body_of(api.get(f"/api/stock/{symbol}?period=max"), 200)["history"]
    return [bar["date"] for bar in history if bar["date"] >= since]


@pytest.fixture
def holdings(api, other_api):
    """Alice: AAPL and MSFT in two portfolios and an asset without symbol; Bob: IBM."""
    return {
        "aapl": holding(api, "AAPL", "2013-02-01"),
        "msft": holding(api, "MSFT", "2013-02-15", "Second"),
        "plain": holding(api, None, "2013-02-01"),
        "ibm": holding(other_api, "IBM", "2013-02-20"),
    }


def test_sync_fills_every_asset_that_has_a_symbol(runner, api, other_api, holdings):
    result = runner.invoke(args=["prices", "sync"])

    assert result.exit_code == 0, result.output
    expected = {
        "aapl": trading_days(api, "AAPL", "2013-02-01"),
        "msft": trading_days(api, "MSFT", "2013-02-15"),
        "ibm": trading_days(api, "IBM", "2013-02-20"),
    }
    assert price_dates(api, holdings["aapl"]) == (len(expected["aapl"]), expected["aapl"])
    assert price_dates(api, holdings["msft"]) == (len(expected["msft"]), expected["msft"])
    assert price_dates(other_api, holdings["ibm"]) == (len(expected["ibm"]), expected["ibm"])
    assert price_dates(api, holdings["plain"]) == (0, [])
    added = sum(len(days) for days in expected.values())
    assert f"{added} prices added, 0 updated, 0 typed prices kept for 3 assets." in result.output
    assert "sample" in result.output  # says which data it used


def test_user_restricts_the_sync_to_that_users_assets(runner, api, other_api, holdings):
    result = runner.invoke(args=["prices", "sync", "--user", "Alice@Example.com"])

    assert result.exit_code == 0, result.output
    assert "for 2 assets" in result.output
    assert price_dates(api, holdings["aapl"])[0] > 0 and price_dates(api, holdings["msft"])[0] > 0
    assert price_dates(other_api, holdings["ibm"]) == (0, [])


def test_an_unknown_user_is_an_error_and_syncs_nothing(runner, api, holdings, count_rows):
    result = runner.invoke(args=["prices", "sync", "--user", "nobody@example.com"])

    assert result.exit_code != 0
    assert "nobody@example.com" in result.output
    assert count_rows("price_history") == 0


def test_a_failing_symbol_is_reported_at_the_end_while_the_others_sync(runner, api):
    # The failing asset comes first, so the sync has to go on past it.
    bad = holding(api, "ZZZZ", "2013-02-01")
    good = holding(api, "AAPL", "2013-02-01")

    result = runner.invoke(args=["prices", "sync"])

    assert result.exit_code != 0
    assert price_dates(api, good)[1] == trading_days(api, "AAPL", "2013-02-01")
    assert price_dates(api, bad) == (0, [])
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    failure = next(i for i, line in enumerate(lines) if line.startswith(f"FAILED: asset {bad} ZZZZ"))
    summary = next(i for i, line in enumerate(lines) if "prices added" in line)
    assert failure > summary
    assert "1 of 2 assets could not be synced" in result.output


def test_nothing_to_sync_is_not_an_error(runner, user):
    result = runner.invoke(args=["prices", "sync"])

    assert result.exit_code == 0, result.output
    assert "0 prices added, 0 updated, 0 typed prices kept for 0 assets." in result.output


def test_an_asset_deleted_during_the_run_is_reported_and_the_others_are_synced(runner, api, holdings, monkeypatch):
    import sqlalchemy as sa

    from financial_dashboard.extensions import db
    from financial_dashboard.prices import services

    real = services.sync_from_market

    def delete_msft_first(asset, today=None):
        with db.engine.begin() as conn:  # what its owner does in the browser meanwhile
            conn.execute(sa.text("DELETE FROM assets WHERE id = :id"), {"id": holdings["msft"]})
        return real(asset, today)

    monkeypatch.setattr(services, "sync_from_market", delete_msft_first)

    result = runner.invoke(args=["prices", "sync"])

    assert result.exit_code == 1, result.output
    assert f"FAILED: asset {holdings['msft']} MSFT: Asset {holdings['msft']} does not exist." in result.output
    assert price_dates(api, holdings["aapl"])[0] > 0


def test_typed_prices_are_kept_and_listed_per_asset(runner, api):
    asset = holding(api, "AAPL", "2013-02-01")
    days = trading_days(api, "AAPL", "2013-02-01")
    body_of(api.post(f"/api/assets/{asset}/prices", json=[{"date": d, "price": "1"} for d in days[:2]]), 201)

    result = runner.invoke(args=["prices", "sync"])

    assert result.exit_code == 0, result.output
    assert f"{len(days) - 2} prices added, 0 updated, 2 typed prices kept for 1 assets." in result.output
    assert f"note: asset {asset} AAPL kept 2 typed prices: {days[0]}, {days[1]}" in result.output
    assert f"note: asset {asset} AAPL currency set to USD" in result.output
    assert body_of(api.get(f"/api/assets/{asset}/prices?per_page=2"), 200)["items"][0]["price"] == 1
