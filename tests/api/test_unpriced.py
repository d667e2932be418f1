"""Holdings without any price are carried at cost; they never produce a made-up zero profit."""


def test_a_portfolio_with_no_prices_has_no_profit_or_return(api):
    portfolio = api.post("/api/portfolios", json={"name": "Main"}).json["id"]
    api.post(
        f"/api/portfolios/{portfolio}/assets",
        json={"name": "House fund", "type": "fund", "amount_invested": "500", "purchase_date": "2024-01-02"},
    )

    item = api.get("/api/portfolios/summary").json["items"][0]
    assert (item["value"], item["invested"], item["unpriced"]) == (500, 500, 1)
    assert (item["profit"], item["return_pct"], item["change_today"]) == (None, None, None)

    dashboard = api.get("/api/dashboard").json
    assert (dashboard["net_worth"], dashboard["profit"], dashboard["return_pct"]) == (500, None, None)


def test_a_priced_portfolio_beside_an_unpriced_one_keeps_its_profit(api):
    priced = api.post("/api/portfolios", json={"name": "Priced"}).json["id"]
    asset = api.post(
        f"/api/portfolios/{priced}/assets",
        json={"name": "A", "type": "stock", "amount_invested": "100", "purchase_date": "2024-01-02"},
    ).json["id"]
    api.post(
        f"/api/assets/{asset}/prices",
        json=[{"date": "2024-01-02", "price": "10"}, {"date": "2024-01-03", "price": "12"}],
    )
    unpriced = api.post("/api/portfolios", json={"name": "Unpriced"}).json["id"]
    api.post(
        f"/api/portfolios/{unpriced}/assets",
        json={"name": "B", "type": "fund", "amount_invested": "300", "purchase_date": "2024-01-02"},
    )

    total = api.get("/api/portfolios/summary").json["total"]
    # 10 units worth 120 against 100 paid; the unpriced 300 adds to value and invested only.
    assert (total["value"], total["invested"], total["profit"], total["return_pct"]) == (420, 400, 20, 20)
