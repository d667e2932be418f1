"""GET /api/portfolios/<id>/performance on the bundled sample prices, checked against hand calculations.

The expected figures come from the sample closes read through the API (``/api/stock/...`` and the synced
``/api/assets/<id>/prices``) and the definitions in the README, never from the code under test.
"""

import datetime as dt
import json
import math

import pandas as pd
import pytest
import sqlalchemy as sa

from financial_dashboard.extensions import cache, db
from financial_dashboard.market.providers.fake_provider import FakeProvider

END = "2013-03-01"  # the last day of the bundled sample data
BUYS = ("2010-01-04", "2011-01-03", "2012-01-03")  # AAPL bought, then money added twice
UNITS = 10


@pytest.fixture(autouse=True)
def fresh_cache(app):
    # Bars and split histories are cached across requests; a test must not see another's.
    cache.clear()
    yield
    cache.clear()


def strict_json(response, status=200):
    """The body as floats, after checking the status and that the raw text holds no NaN or Infinity."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert b"NaN" not in response.data and b"Infinity" not in response.data

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(response.data, parse_constant=refuse)


def created(response):
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def sample_closes(api, symbol):
    """{ISO date: close} of the bundled bars, read through the market API."""
    body = strict_json(api.get(f"/api/stock/{symbol}?period=max"))
    return {bar["date"]: bar["close"] for bar in body["history"]}


def add_asset(api, portfolio_id, **fields):
    body = {"name": fields.get("symbol") or "Manual", "type": "stock", **fields}
    return created(api.post(f"/api/portfolios/{portfolio_id}/assets", json=body))["id"]


def sync(api, asset_id):
    response = api.post(f"/api/assets/{asset_id}/prices/sync")
    assert response.status_code == 200, response.get_data(as_text=True)


def last_price(api, asset_id, on=END):
    """The asset's stored price on ``on``, read back through the prices API."""
    items = strict_json(api.get(f"/api/assets/{asset_id}/prices?from={on}&to={on}"))["items"]
    assert len(items) == 1, items
    return items[0]["price"]


def performance(api, portfolio_id, query="", status=200):
    return strict_json(api.get(f"/api/portfolios/{portfolio_id}/performance{query}"), status)


def xirr_by_bisection(flows):
    """The yearly r with Σ amount / (1 + r)^(days / 365) = 0, by plain bisection (independent of the app)."""
    first = min(day for day, _ in flows)

    def npv(rate):
        return sum(amount / (1 + rate) ** ((day - first).days / 365) for day, amount in flows)

    low, high = -0.99, 10.0
    assert npv(low) * npv(high) < 0
    for _ in range(200):
        middle = (low + high) / 2
        if npv(low) * npv(middle) <= 0:
            high = middle
        else:
            low = middle
    return (low + high) / 2


def day(text):
    return dt.date.fromisoformat(text)


@pytest.fixture
def aapl(api):
    """Alice's AAPL holding: 10 shares bought on 2010-01-04, then 10 more twice, each at that day's close."""
    closes = sample_closes(api, "AAPL")
    portfolio = created(api.post("/api/portfolios", json={"name": "Growth"}))["id"]
    assets = []
    for bought in BUYS:
        cost = f"{UNITS * closes[bought]:.2f}"
        asset = add_asset(
            api, portfolio, symbol="AAPL", quantity=str(UNITS), amount_invested=cost, purchase_date=bought
        )
        sync(api, asset)
        assets.append(asset)
    return {
        "portfolio": portfolio,
        "assets": assets,
        "closes": closes,
        "costs": [round(UNITS * closes[b], 2) for b in BUYS],
    }


def test_done_when_value_and_three_returns_differ_as_their_definitions_predict(api, aapl):
    closes, costs = aapl["closes"], aapl["costs"]
    last = [last_price(api, asset) for asset in aapl["assets"]]
    assert last == [closes[END]] * 3  # 430.47: the synced prices are the sample closes
    value = sum(UNITS * price for price in last)
    invested = sum(costs)

    body = performance(api, aapl["portfolio"], f"?to={END}")

    assert (body["start"], body["end"], body["days"]) == (BUYS[0], END, (day(END) - day(BUYS[0])).days)
    assert body["invested"] == pytest.approx(invested, abs=0.005)  # 2140.10 + 3295.70 + 4112.30
    assert body["value"] == pytest.approx(value, abs=0.005)  # 30 × 430.47 = 12914.10
    assert body["profit"] == pytest.approx(value - invested, abs=0.005)
    simple = (value / invested - 1) * 100
    assert body["simple_return_pct"] == pytest.approx(simple, abs=0.005)  # 35.25 %
    # Every purchase is made at that day's close, so the time-weighted return is the stock's own
    # price change from the first purchase: 430.47 / 214.01 - 1 = 101.14 %, whatever was added later.
    twr = closes[END] / closes[BUYS[0]] - 1
    assert body["twr_pct"] == pytest.approx(twr * 100, abs=0.005)
    assert body["twr_annualized_pct"] == pytest.approx(((1 + twr) ** (365 / body["days"]) - 1) * 100, abs=0.005)
    irr = xirr_by_bisection([(day(b), -c) for b, c in zip(BUYS, costs, strict=False)] + [(day(END), value)])
    assert body["irr_pct"] == pytest.approx(irr * 100, abs=0.005)
    assert body["irr_period_pct"] == pytest.approx(((1 + irr) ** (body["days"] / 365) - 1) * 100, abs=0.01)
    # The definitions at work: the money added after the rise earned less than the first purchase,
    # so the simple return (all money weighted alike) trails the TWR, and the money-weighted yearly
    # rate trails the time-weighted yearly rate.
    assert body["simple_return_pct"] < body["twr_pct"] - 50
    assert body["irr_pct"] < body["twr_annualized_pct"] - 5
    assert {"simple_return_pct", "twr_pct", "irr_pct"} <= set(body["definitions"])
    assert body["reasons"] == {}


def test_without_to_the_period_runs_to_today_and_only_the_money_weighted_rate_changes(api, aapl, today):
    to_end = performance(api, aapl["portfolio"], f"?to={END}")

    body = performance(api, aapl["portfolio"])

    assert body["end"] == today.isoformat() and body["series"][-1]["date"] == today.isoformat()
    # No prices after 2013-03-01: the value and the chained daily returns stand still ...
    for key in ("invested", "value", "profit", "simple_return_pct", "twr_pct"):
        assert body[key] == to_end[key], key
    # ... while the same gain spread over thirteen more years is a lower yearly rate.
    assert 0 < body["irr_pct"] < to_end["irr_pct"]
    assert body["twr_annualized_pct"] < to_end["twr_annualized_pct"]


def test_series_holds_value_and_invested_capital_every_calendar_day(api, aapl):
    closes, costs = aapl["closes"], aapl["costs"]

    series = performance(api, aapl["portfolio"], f"?to={END}")["series"]

    assert [set(point) for point in series[:1]] == [{"date", "value", "invested"}]
    assert len(series) == (day(END) - day(BUYS[0])).days + 1
    assert [p["date"] for p in series] == [
        (day(BUYS[0]) + dt.timedelta(days=i)).isoformat() for i in range(len(series))
    ]
    points = {p["date"]: p for p in series}
    assert points[BUYS[0]] == {"date": BUYS[0], "value": costs[0], "invested": costs[0]}
    assert points[BUYS[1]]["invested"] == pytest.approx(costs[0] + costs[1], abs=0.005)
    assert points[BUYS[1]]["value"] == pytest.approx(20 * closes[BUYS[1]], abs=0.005)
    # A Saturday keeps Friday's close.
    assert points["2011-01-08"]["value"] == pytest.approx(20 * closes["2011-01-07"], abs=0.005)
    assert points[END]["value"] == pytest.approx(30 * closes[END], abs=0.005)


def test_from_and_to_limit_the_period(api, aapl):
    closes, costs = aapl["closes"], aapl["costs"]

    body = performance(api, aapl["portfolio"], f"?from={BUYS[1]}&to={BUYS[2]}")

    assert (body["start"], body["end"]) == (BUYS[1], BUYS[2])
    assert (body["series"][0]["date"], body["series"][-1]["date"]) == (BUYS[1], BUYS[2])
    assert len(body["series"]) == 366
    # The period opens at the close of 2011-01-02 (a Sunday: Friday 2010-12-31's close) with the first
    # 10 shares held; the two later purchases are flows inside it.
    assert body["twr_pct"] == pytest.approx((closes[BUYS[2]] / closes["2010-12-31"] - 1) * 100, abs=0.005)
    assert body["invested"] == pytest.approx(sum(costs), abs=0.005)
    assert body["value"] == pytest.approx(30 * closes[BUYS[2]], abs=0.005)


def test_a_period_ending_before_a_purchase_leaves_that_purchase_out(api, aapl):
    closes, costs = aapl["closes"], aapl["costs"]

    body = performance(api, aapl["portfolio"], "?to=2011-06-30")

    assert body["invested"] == pytest.approx(costs[0] + costs[1], abs=0.005)
    assert body["value"] == pytest.approx(20 * closes["2011-06-30"], abs=0.005)
    assert [a["id"] for a in body["allocation"]["by_asset"]] == aapl["assets"][:2]


def test_a_period_ending_before_the_first_purchase_holds_nothing(api, aapl):
    body = performance(api, aapl["portfolio"], "?to=2009-12-31")

    assert body["end"] == "2009-12-31"
    assert (body["invested"], body["value"]) == (0, 0)
    assert body["twr_pct"] is None and "twr_pct" in body["reasons"]


def test_from_after_today_without_to_answers_400(api, aapl, today):
    tomorrow = today + dt.timedelta(days=1)

    error = performance(api, aapl["portfolio"], f"?from={tomorrow.isoformat()}", status=400)["error"]

    assert "from" in error["fields"]


def test_from_after_to_answers_400(api, aapl):
    error = performance(api, aapl["portfolio"], "?from=2012-01-02&to=2012-01-01", status=400)["error"]

    assert error["code"] == 400 and "to" in error["fields"]


@pytest.mark.parametrize(
    "query, field", [("?from=2012-13-01", "from"), ("?to=soon", "to"), ("?benchmark=S%20P", "benchmark")]
)
def test_invalid_query_parameters_answer_400(api, aapl, query, field):
    assert field in performance(api, aapl["portfolio"], query, status=400)["error"]["fields"]


def test_benchmark_adds_its_return_beta_and_alpha(api, aapl):
    msft = sample_closes(api, "MSFT")

    body = performance(api, aapl["portfolio"], f"?to={END}&benchmark=msft")

    bench = body["benchmark"]
    assert (bench["symbol"], bench["source"], bench["sample"], bench["stale"]) == ("MSFT", "sample", True, False)
    # MSFT from the close of the first purchase day to the end: 27.95 / 30.95 - 1.
    assert bench["return_pct"] == pytest.approx((msft[END] / msft[BUYS[0]] - 1) * 100, abs=0.005)
    beta, alpha = beta_alpha_by_hand(body["series"], msft)
    assert bench["beta"] == pytest.approx(beta, abs=5e-5)
    assert bench["alpha_pct"] == pytest.approx(alpha * 100, abs=0.005)
    assert 0 < bench["beta"] < 1.5


def beta_alpha_by_hand(series, closes):
    """beta = cov(p, b) / var(b) and alpha = (mean p - beta × mean b) × 365 (risk-free rate 0), over the
    calendar days after the first one: p from the series with purchases removed, b from the closes
    carried forward over weekends and holidays."""
    known = sorted(closes)

    def close_on(day):
        return closes[max(d for d in known if d <= day)]

    portfolio, benchmark = [], []
    for earlier, later in zip(series, series[1:], strict=False):
        flow = later["invested"] - earlier["invested"]
        portfolio.append((later["value"] - flow) / earlier["value"] - 1)
        benchmark.append(close_on(later["date"]) / close_on(earlier["date"]) - 1)
    n = len(portfolio)
    mean_p, mean_b = sum(portfolio) / n, sum(benchmark) / n
    covariance = sum((p - mean_p) * (b - mean_b) for p, b in zip(portfolio, benchmark, strict=False)) / (n - 1)
    variance = sum((b - mean_b) ** 2 for b in benchmark) / (n - 1)
    beta = covariance / variance
    return beta, (mean_p - beta * mean_b) * 365


def test_a_portfolio_of_one_stock_against_that_stock_has_beta_one_and_no_alpha(api, aapl):
    body = performance(api, aapl["portfolio"], f"?to={END}&benchmark=AAPL")

    assert body["benchmark"]["beta"] == pytest.approx(1.0, abs=1e-4)
    assert body["benchmark"]["alpha_pct"] == pytest.approx(0.0, abs=0.01)
    assert body["benchmark"]["return_pct"] == body["twr_pct"]


def test_an_unknown_benchmark_answers_404(api, aapl):
    error = performance(api, aapl["portfolio"], "?benchmark=ZZZZ", status=404)["error"]

    assert "ZZZZ" in error["description"]


def test_a_portfolio_without_prices_is_carried_at_cost_with_reasons_instead_of_zeros(api):
    portfolio = created(api.post("/api/portfolios", json={"name": "Unpriced"}))["id"]
    asset = add_asset(
        api, portfolio, name="House fund", type="fund", amount_invested="1000.00", purchase_date="2024-01-02"
    )

    body = performance(api, portfolio)

    assert (body["invested"], body["value"]) == (1000, 1000)
    for figure in ("profit", "simple_return_pct", "twr_pct", "irr_pct", "volatility_pct", "sharpe"):
        assert body[figure] is None and body["reasons"][figure], figure
    assert body["unpriced"] == [{"id": asset, "name": "House fund", "reason": "no prices"}]
    assert [(a["id"], a["priced"]) for a in body["allocation"]["by_asset"]] == [(asset, False)]


def test_allocation_by_asset_and_by_type_sums_to_100_percent(api):
    aapl_close, msft_close = sample_closes(api, "AAPL")[END], sample_closes(api, "MSFT")[END]
    portfolio = created(api.post("/api/portfolios", json={"name": "Mixed"}))["id"]
    apple = add_asset(api, portfolio, symbol="AAPL", quantity="10", amount_invested="4000", purchase_date="2013-01-02")
    microsoft = add_asset(
        api, portfolio, symbol="MSFT", quantity="100", amount_invested="2700", purchase_date="2013-01-02"
    )
    fund = add_asset(
        api, portfolio, name="Bond fund", type="fund", quantity="50", amount_invested="1000", purchase_date="2013-01-02"
    )
    for asset in (apple, microsoft):
        sync(api, asset)
    created(
        api.post(
            f"/api/assets/{fund}/prices",
            json=[{"date": "2013-01-02", "price": "20"}, {"date": "2013-02-28", "price": "20"}],
        )
    )
    values = {apple: 10 * aapl_close, microsoft: 100 * msft_close, fund: 50 * 20.0}
    total = sum(values.values())  # 4304.70 + 2795.00 + 1000.00

    body = performance(api, portfolio, f"?to={END}")

    assert body["value"] == pytest.approx(total, abs=0.005)
    by_asset = body["allocation"]["by_asset"]
    assert [a["id"] for a in by_asset] == [apple, microsoft, fund]  # largest first
    for item in by_asset:
        assert item["value"] == pytest.approx(values[item["id"]], abs=0.005)
        assert item["pct"] == pytest.approx(values[item["id"]] * 100 / total, abs=0.005)
    by_type = {t["type"]: t for t in body["allocation"]["by_type"]}
    assert set(by_type) == {"stock", "fund"}
    assert by_type["stock"]["value"] == pytest.approx(values[apple] + values[microsoft], abs=0.005)
    # Each share is rounded to 0.01, so the sum may be off by half a cent per line.
    assert sum(a["pct"] for a in by_asset) == pytest.approx(100, abs=0.005 * len(by_asset))
    assert sum(t["pct"] for t in by_type.values()) == pytest.approx(100, abs=0.005 * len(by_type))


def test_another_users_portfolio_answers_404(api, other_api, aapl):
    for query in ("", f"?to={END}&benchmark=MSFT"):
        error = performance(other_api, aapl["portfolio"], query, status=404)["error"]
        assert error["description"] == f"Portfolio {aapl['portfolio']} does not exist."


def test_anonymous_requests_answer_401(anon, aapl):
    assert anon.get(f"/api/portfolios/{aapl['portfolio']}/performance").status_code == 401


def test_prices_entered_out_of_order_are_valued_by_date(api):
    portfolio = created(api.post("/api/portfolios", json={"name": "Manual"}))["id"]
    asset = add_asset(
        api, portfolio, name="Fund", type="fund", quantity="2", amount_invested="200", purchase_date="2024-01-01"
    )
    for day, price in (("2024-01-05", "130"), ("2024-01-01", "100"), ("2024-01-03", "90.5")):
        created(api.post(f"/api/assets/{asset}/prices", json={"date": day, "price": price}))

    body = performance(api, portfolio, "?to=2024-01-05")

    assert [p["value"] for p in body["series"]] == [200, 200, 181, 181, 260]
    assert body["twr_pct"] == 30  # 130 / 100 - 1


# --- split adjustment ---


def test_a_quantity_bought_before_a_sample_split_is_valued_with_the_split_units(api):
    # The bundled AAPL closes are adjusted for the 2-for-1 split of 2005-02-28: 10 shares bought
    # in 2004 are 20 of today's shares.
    closes = sample_closes(api, "AAPL")
    portfolio = created(api.post("/api/portfolios", json={"name": "Old"}))["id"]
    asset = add_asset(
        api, portfolio, symbol="AAPL", quantity="10", amount_invested="280.00", purchase_date="2004-06-01"
    )
    sync(api, asset)

    body = performance(api, portfolio, f"?to={END}")

    assert body["value"] == pytest.approx(20 * closes[END], abs=0.005)


class SplitProvider(FakeProvider):
    """Stands in for the sample source: no bars, but a split history."""

    def __init__(self, splits):
        super().__init__(frames={})
        self.split_history = splits

    def splits(self, symbol):
        return pd.Series(
            [ratio for _, ratio in self.split_history],
            index=pd.DatetimeIndex([pd.Timestamp(d, tz="UTC") for d, _ in self.split_history]),
        )


@pytest.fixture
def split_source(app, monkeypatch):
    """Install a split history for every symbol in place of the sample source's."""

    def install(*splits):
        providers = app.extensions.setdefault("market_providers", {})
        monkeypatch.setitem(providers, "sample", SplitProvider(splits))
        cache.clear()

    return install


@pytest.mark.parametrize("split_on, value", [("2012-06-01", 10 * 4 * 110), ("2011-06-01", 10 * 110)])
def test_a_4_for_1_split_after_the_purchase_multiplies_the_units_by_4(api, split_source, split_on, value):
    split_source((split_on, 4.0))
    portfolio = created(api.post("/api/portfolios", json={"name": "Split"}))["id"]
    asset = add_asset(api, portfolio, symbol="AAPL", quantity="10", amount_invested="4000", purchase_date="2012-01-03")
    # Provider-style prices: everything before the split divided by 4 (400 then, 110 now).
    created(
        api.post(
            f"/api/assets/{asset}/prices",
            json=[{"date": "2012-01-03", "price": "100"}, {"date": "2013-01-02", "price": "110"}],
        )
    )

    body = performance(api, portfolio, "?to=2013-01-02")
    summary = strict_json(api.get("/api/portfolios/summary"))

    assert body["value"] == value
    assert summary["items"][0]["value"] == value


def test_an_amount_without_quantity_is_not_split_adjusted(api, split_source):
    split_source(("2012-06-01", 4.0))
    portfolio = created(api.post("/api/portfolios", json={"name": "Split"}))["id"]
    asset = add_asset(api, portfolio, symbol="AAPL", amount_invested="4000", purchase_date="2012-01-03")
    created(
        api.post(
            f"/api/assets/{asset}/prices",
            json=[{"date": "2012-01-03", "price": "100"}, {"date": "2013-01-02", "price": "110"}],
        )
    )

    # 4000 / 100 (the adjusted purchase price) = 40 units, already in today's shares.
    assert performance(api, portfolio, "?to=2013-01-02")["value"] == 4400


# --- SQL statements do not grow with the number of assets ---


def portfolio_of(api, name, count):
    portfolio = created(api.post("/api/portfolios", json={"name": name}))["id"]
    for i in range(count):
        symbol = ("AAPL", "MSFT", "IBM", "GOOG")[i % 4]
        asset = add_asset(
            api, portfolio, symbol=symbol, quantity="3", amount_invested="300", purchase_date="2013-01-02"
        )
        created(
            api.post(
                f"/api/assets/{asset}/prices",
                json=[
                    {"date": "2013-01-02", "price": "100"},
                    {"date": "2013-01-03", "price": f"{101 + i}"},
                    {"date": "2013-01-04", "price": f"{99 + i}"},
                ],
            )
        )
    return portfolio


@pytest.fixture
def uncached(app, monkeypatch):
    """The per-user cache off: these tests count the statements of the computation itself."""
    monkeypatch.setitem(app.config, "USER_CACHE_TTL_S", 0)


def statements_run_by(api, url):
    """SQL statements the request runs (its response checked), counted on the engine."""
    statements = []
    db.session.remove()  # a fresh session, as every real request has: nothing preloaded

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        strict_json(api.get(url))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return statements


@pytest.mark.parametrize("query", ["", "?benchmark=MSFT&from=2013-01-01&to=2013-03-01"])
def test_performance_runs_as_many_sql_statements_for_10_assets_as_for_2(api, query, uncached):
    small, large = portfolio_of(api, "Small", 2), portfolio_of(api, "Large", 10)
    url = "/api/portfolios/{}/performance" + query
    statements_run_by(api, url.format(small))  # warm the split and bar caches

    counts = [len(statements_run_by(api, url.format(p))) for p in (small, large)]

    assert counts[0] == counts[1]
    assert counts[1] <= 6, statements_run_by(api, url.format(large))


@pytest.mark.parametrize("url", ["/api/portfolios/summary", "/api/dashboard"])
def test_summary_and_dashboard_statements_do_not_grow_with_assets(api, url, uncached):
    portfolio_of(api, "Small", 2)
    statements_run_by(api, url)
    before = len(statements_run_by(api, url))

    portfolio_of(api, "Large", 10)
    after = len(statements_run_by(api, url))

    assert before == after


def test_no_figure_is_ever_nan_or_infinite(api, aapl):
    # A flat stretch (no prices after 2013) and a one-day period stress the ratios.
    for query in ("", f"?from={END}&to={END}", "?from=2020-01-01", f"?to={END}&benchmark=IBM"):
        body = performance(api, aapl["portfolio"], query)
        numbers = [v for v in body.values() if isinstance(v, float)]
        assert all(math.isfinite(v) for v in numbers), query


# --- long histories: a thinned series for charts, figures from every day ---

CENTURY_PRICES = [
    ("1900-01-02", "10"),
    ("1929-09-03", "80"),
    ("1932-07-08", "8"),
    ("1950-06-01", "50"),
    ("2000-03-10", "400"),
    ("2020-03-23", "150"),
    ("2024-01-02", "300"),
]


@pytest.fixture
def century(api):
    """20 holdings bought on 1900-01-02, each with prices spread over 124 years (a crash and a peak)."""
    portfolio = created(api.post("/api/portfolios", json={"name": "Since 1900"}))["id"]
    for i in range(20):
        asset = add_asset(
            api, portfolio, name=f"Old {i}", quantity="10", amount_invested="100", purchase_date="1900-01-02"
        )
        created(
            api.post(
                f"/api/assets/{asset}/prices",
                json=[{"date": d, "price": f"{float(p) * (1 + i / 100):.2f}"} for d, p in CENTURY_PRICES],
            )
        )
    return portfolio


@pytest.fixture
def every_day(app, monkeypatch):
    """Switch the thinning (and the per-user cache holding thinned answers) off: the unthinned computation."""
    from financial_dashboard.analytics import holdings

    def switch():
        monkeypatch.setattr(holdings, "thin", lambda frame, max_points=None: (frame, "1d"))
        monkeypatch.setitem(app.config, "USER_CACHE_TTL_S", 0)

    return switch


def test_a_purchase_in_1900_gives_a_bounded_series_and_the_figures_of_every_day(api, century, every_day):
    response = api.get(f"/api/portfolios/{century}/performance")
    thinned = strict_json(response)
    assert len(response.data) < 150_000  # every day since 1900: 46,000 points, 2.5 MB

    every_day()
    full = performance(api, century)
    assert (thinned["series_step"], full["series_step"]) == ("1mo", "1d")
    assert len(thinned["series"]) <= 2000 and len(full["series"]) > 45_000
    figures = {key: value for key, value in full.items() if key not in ("series", "series_step")}
    assert {key: thinned[key] for key in figures} == figures
    # Each point kept is the day's own, and the chart starts, ends, peaks and bottoms where the data does.
    days = {point["date"]: point for point in full["series"]}
    assert all(days[point["date"]] == point for point in thinned["series"])
    kept = [point["date"] for point in thinned["series"]]
    assert kept == sorted(kept) and (kept[0], kept[-1]) == (full["series"][0]["date"], full["series"][-1]["date"])
    values = [point["value"] for point in full["series"]]
    assert max(values) in [p["value"] for p in thinned["series"]] and min(values) in [
        p["value"] for p in thinned["series"]
    ]
    # Besides the first day and the extremes: the last day of each month, once.
    regular = [day(d) for d in kept[1:] if days[d]["value"] not in (max(values), min(values))]
    assert len({(d.year, d.month) for d in regular}) == len(regular)
    assert all((d + dt.timedelta(days=1)).day == 1 for d in regular[:-1])


@pytest.mark.parametrize(
    "query, step", [("?from=2019-01-01&to=2024-01-02", "1d"), ("?from=1990-01-01&to=2024-01-02", "1w")]
)
def test_up_to_2000_days_stay_daily_and_longer_spans_are_weekly_first(api, century, query, step):
    body = performance(api, century, query)

    assert body["series_step"] == step and len(body["series"]) <= 2000
    assert body["series"][-1]["date"] == "2024-01-02"
