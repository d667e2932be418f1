"""Assets over the API: created in a portfolio, read/updated/deleted by id, moved between own portfolios."""

import datetime as dt

import pytest

from financial_dashboard.common import clock

ASSET = {
    "name": "Bitcoin",
    "type": "crypto",
    "symbol": "btc/usdt",
    "quantity": "0.12345678",
    "amount_invested": "5000.00",
    "purchase_date": "2023-03-15",
}


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == status
    return response.json["error"]


@pytest.fixture
def portfolio(api):
    return api.post("/api/portfolios", json={"name": "Main"}).json["id"]


def create(api, into, **change):
    return api.post(f"/api/portfolios/{into}/assets", json={**ASSET, **change})


def test_create_answers_201_with_location_and_the_asset(api, portfolio):
    response = create(api, portfolio)

    assert response.status_code == 201, response.json
    asset = response.json
    assert response.headers["Location"].endswith(f"/api/assets/{asset['id']}")
    assert set(asset) == {
        "id",
        "portfolio_id",
        "name",
        "type",
        "symbol",
        "quantity",
        "amount_invested",
        "purchase_date",
        "currency",
        "created_at",
    }
    assert asset["currency"] is None  # not said, and not synced yet
    assert asset["portfolio_id"] == portfolio
    assert asset["symbol"] == "BTC/USDT"
    assert (str(asset["quantity"]), str(asset["amount_invested"])) == ("0.12345678", "5000")
    assert api.get(response.headers["Location"]).json == asset


def test_symbol_and_quantity_are_optional(api, portfolio):
    asset = create(api, portfolio, symbol=None, quantity=None, type="cash", name="Savings account").json

    assert (asset["symbol"], asset["quantity"]) == (None, None)
    without = {k: v for k, v in ASSET.items() if k not in ("symbol", "quantity")}
    assert api.post(f"/api/portfolios/{portfolio}/assets", json=without).status_code == 201


@pytest.mark.parametrize("asset_type", ["stock", "crypto", "etf", "fund", "bond", "cash", "other"])
def test_every_listed_type_is_accepted(api, portfolio, asset_type):
    assert create(api, portfolio, type=asset_type).json["type"] == asset_type


@pytest.mark.parametrize(
    "change, field",
    [
        ({"type": "gold"}, "type"),
        ({"type": "Stock"}, "type"),
        ({"type": None}, "type"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"symbol": "AA PL"}, "symbol"),
        ({"symbol": "x" * 33}, "symbol"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "0.123456789"}, "quantity"),
        ({"amount_invested": "-0.01"}, "amount_invested"),
        ({"amount_invested": "1.999"}, "amount_invested"),
        ({"purchase_date": "2023-02-30"}, "purchase_date"),
        ({"purchase_date": "tomorrow"}, "purchase_date"),
        ({"purchase_date": (clock.today_utc() + dt.timedelta(days=1)).isoformat()}, "purchase_date"),
        ({"portfolio_id": 1}, "portfolio_id"),
        ({"isin": "US0378331005"}, "isin"),
        ({"currency": "usd"}, "currency"),
        ({"currency": "GBp"}, "currency"),
        ({"currency": "US"}, "currency"),
        ({"currency": "US DOLLAR"}, "currency"),
        ({"currency": "ABCDEFGHIJK"}, "currency"),
        ({"currency": 840}, "currency"),
        ({"symbol": "M&M NS"}, "symbol"),
        ({"symbol": "A$B"}, "symbol"),
        ({"symbol": "..."}, "symbol"),
    ],
)
def test_create_rejects_invalid_fields_and_writes_nothing(api, portfolio, count_rows, change, field):
    assert field in assert_error(create(api, portfolio, **change), 400)["fields"]
    assert count_rows("assets") == 0


@pytest.mark.parametrize("missing", ["name", "type", "amount_invested", "purchase_date"])
def test_create_requires_name_type_amount_and_date(api, portfolio, missing):
    body = {k: v for k, v in ASSET.items() if k != missing}

    assert missing in assert_error(api.post(f"/api/portfolios/{portfolio}/assets", json=body), 400)["fields"]


def test_create_in_a_missing_portfolio_answers_404(api):
    assert assert_error(create(api, 999), 404)["description"] == "Portfolio 999 does not exist."


def test_list_shows_only_that_portfolios_assets_in_pages(api, portfolio):
    other = api.post("/api/portfolios", json={"name": "Other"}).json["id"]
    ids = [create(api, portfolio, name=f"A{i}").json["id"] for i in range(3)]
    create(api, other, name="Elsewhere")

    first = api.get(f"/api/portfolios/{portfolio}/assets?per_page=2").json
    second = api.get(f"/api/portfolios/{portfolio}/assets?per_page=2&page=2").json

    assert [a["id"] for a in first["items"]] == ids[:2]
    assert [a["id"] for a in second["items"]] == ids[2:]
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert api.get(f"/api/portfolios/{portfolio}/assets?page=9").json["items"] == []
    assert_error(api.get(f"/api/portfolios/{portfolio}/assets?per_page=101"), 400)


def test_read_a_missing_asset_answers_404(api):
    assert assert_error(api.get("/api/assets/31337"), 404)["description"] == "Asset 31337 does not exist."


def test_patch_changes_only_the_fields_sent_and_null_clears_the_optional_ones(api, portfolio):
    asset = create(api, portfolio).json

    renamed = api.patch(f"/api/assets/{asset['id']}", json={"name": "BTC", "amount_invested": "6000"})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json == {**asset, "name": "BTC", "amount_invested": 6000}

    cleared = api.patch(f"/api/assets/{asset['id']}", json={"symbol": None, "quantity": None}).json
    assert (cleared["symbol"], cleared["quantity"], cleared["name"]) == (None, None, "BTC")
    assert api.get(f"/api/assets/{asset['id']}").json == cleared


@pytest.mark.parametrize(
    "change",
    [
        {"type": "gold"},
        {"amount_invested": "-1"},
        {"purchase_date": "2023-02-30"},
        {"name": None},
        {"portfolio_id": None},
        {"portfolio_id": "abc"},
        {"name": "New", "colour": "red"},
    ],
)
def test_patch_rejects_invalid_fields_and_changes_nothing(api, portfolio, change):
    asset = create(api, portfolio).json

    assert_error(api.patch(f"/api/assets/{asset['id']}", json=change), 400)

    assert api.get(f"/api/assets/{asset['id']}").json == asset


def test_patch_moves_the_asset_to_another_of_my_portfolios(api, portfolio):
    target = api.post("/api/portfolios", json={"name": "Target"}).json["id"]
    asset = create(api, portfolio).json

    response = api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": target, "name": "Moved"})

    assert response.status_code == 200, response.json
    assert (response.json["portfolio_id"], response.json["name"]) == (target, "Moved")
    assert api.get(f"/api/portfolios/{portfolio}/assets").json["total"] == 0
    assert [a["id"] for a in api.get(f"/api/portfolios/{target}/assets").json["items"]] == [asset["id"]]


def test_patch_cannot_move_the_asset_into_another_users_portfolio(api, other_api, portfolio):
    bobs_portfolio = other_api.post("/api/portfolios", json={"name": "Bob's"}).json["id"]
    asset = create(api, portfolio).json

    error = assert_error(
        api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": bobs_portfolio, "name": "Stolen"}), 400
    )

    assert "portfolio_id" in error["fields"]
    assert api.get(f"/api/assets/{asset['id']}").json == asset
    assert other_api.get(f"/api/portfolios/{bobs_portfolio}/assets").json["total"] == 0


def test_patch_to_a_missing_portfolio_is_rejected_in_the_same_words(api, other_api, portfolio):
    bobs_portfolio = other_api.post("/api/portfolios", json={"name": "Bob's"}).json["id"]
    asset = create(api, portfolio).json
    missing = bobs_portfolio + 1000

    theirs = api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": bobs_portfolio}).json
    absent = api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": missing}).json

    assert theirs["error"]["fields"]["portfolio_id"] == [f"Portfolio {bobs_portfolio} does not exist."]
    assert absent["error"]["fields"]["portfolio_id"] == [f"Portfolio {missing} does not exist."]


def test_patch_with_an_out_of_range_portfolio_id_answers_400(api, portfolio):
    asset = create(api, portfolio).json

    for portfolio_id in (2**31, 10**20):
        response = api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": portfolio_id})
        assert "portfolio_id" in assert_error(response, 400)["fields"]

    assert api.get(f"/api/assets/{asset['id']}").json == asset


def test_delete_removes_the_asset_and_its_prices(api, seed, count_rows):
    ids = seed(api)
    other = api.post(f"/api/portfolios/{ids['portfolio']}/assets", json=ASSET).json["id"]
    api.post(f"/api/assets/{other}/prices", json={"date": "2024-01-02", "price": "42000"})

    response = api.delete(f"/api/assets/{ids['asset']}")

    assert response.status_code == 204 and response.data == b""
    assert_error(api.get(f"/api/assets/{ids['asset']}"), 404)
    assert_error(api.get(f"/api/assets/{ids['asset']}/prices"), 404)
    assert (count_rows("assets"), count_rows("price_history")) == (1, 1)
    assert_error(api.delete(f"/api/assets/{ids['asset']}"), 404)


def test_a_goal_and_an_asset_refuse_someone_elses_portfolio_with_the_same_error(api, other_api, portfolio):
    bobs_portfolio = other_api.post("/api/portfolios", json={"name": "Bob's"}).json["id"]
    asset = create(api, portfolio).json
    goal = {"title": "House", "target_amount": "1000", "target_date": "2030-01-01", "portfolio_id": bobs_portfolio}

    moved = assert_error(api.patch(f"/api/assets/{asset['id']}", json={"portfolio_id": bobs_portfolio}), 400)
    funded = assert_error(api.post("/api/goals", json=goal), 400)

    assert (
        moved
        == funded
        == {
            "code": 400,
            "message": "Bad Request",
            "description": f"Portfolio {bobs_portfolio} does not exist.",
            "fields": {"portfolio_id": [f"Portfolio {bobs_portfolio} does not exist."]},
        }
    )


@pytest.mark.parametrize("currency", ["USD", "EUR", "USDT", "FDUSD", "1INCH"])
def test_a_currency_code_is_accepted_on_create_and_update_and_null_clears_it(api, portfolio, currency):
    asset = create(api, portfolio, currency=currency)
    assert asset.status_code == 201, asset.json
    assert asset.json["currency"] == currency

    changed = api.patch(f"/api/assets/{asset.json['id']}", json={"currency": "GBP"})
    assert changed.json["currency"] == "GBP"
    assert api.patch(f"/api/assets/{asset.json['id']}", json={"currency": None}).json["currency"] is None


@pytest.mark.parametrize("symbol", ["M&M.NS", "m&m.ns", "BRK-B", "^GSPC", "EURUSD=X", "BTC-USDT", "eth/btc"])
def test_every_symbol_the_market_data_accepts_is_accepted(api, portfolio, symbol):
    response = create(api, portfolio, symbol=symbol)

    assert response.status_code == 201, response.json
    assert response.json["symbol"] == symbol.upper()
