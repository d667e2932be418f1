"""A new user's journey in real Chromium, and the protections a browser relies on (CSRF, other users' pages).

Sample market data: AAPL's bundled daily bars end in 2013, so a holding bought on 2010-01-04 gets
its prices from the "Sync from market" button without any network.
"""

import datetime as dt
import re

from playwright.sync_api import expect

from financial_dashboard.common import clock
from financial_dashboard.goals.models import Goal

from .actions import (
    PASSWORD,
    go_to,
    log_in,
    log_out,
    progress,
    register,
    submit,
    traces,
    wait_for_charts,
)

PURCHASE_DATE = dt.date(2010, 1, 4)


def sample_bars_since(day):
    from financial_dashboard.market.providers.sample_provider import SampleProvider

    frame = SampleProvider().fetch_ohlcv("AAPL")
    return int((frame.index.date >= day).sum())


def test_new_user_journey(page, live_server, external_requests):
    email = live_server.new_email("ann")

    # A visitor lands, registers, logs out, and comes back with "remember me".
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your savings, portfolios and markets")
    with page.expect_navigation():
        page.get_by_role("link", name="Create an account").click()
    register(page, email, "Ann")
    expect(page.get_by_role("status").first).to_contain_text("Welcome, Ann!")
    log_out(page)
    log_in(page, email, remember=True)
    assert "remember_token" in {cookie["name"] for cookie in page.context.cookies()}

    # A goal, then a contribution: the progress bar moves from 10 % to 35 %.
    go_to(page, "Goals")
    with page.expect_navigation():
        page.get_by_role("link", name="New goal").click()
    page.get_by_label("Title").fill("Emergency fund")
    page.get_by_label("Target amount").fill("10000")
    page.get_by_label("Saved so far").fill("1000")
    page.get_by_label("Target date").fill("2030-12-31")
    submit(page, "Save goal")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Emergency fund")
    assert progress(page) == 10
    wait_for_charts(page)
    page.get_by_label("Amount (negative to withdraw)").fill("2500")
    page.get_by_label("Date").fill(clock.today_utc().isoformat())
    page.get_by_label("Note").fill("bonus")
    submit(page, "Add")
    expect(page.get_by_role("status").first).to_have_text("Contribution added.")
    assert progress(page) == 35
    expect(page.locator("#goal-saved")).to_have_text(re.compile(r"3,500\.00"))

    # A portfolio holding AAPL since 2010, priced by "Sync from market".
    go_to(page, "Portfolios")
    page.get_by_label("Name").fill("Retirement")
    submit(page, "Create")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirement")
    page.get_by_label("Name", exact=True).fill("Apple")
    page.get_by_label("Type").select_option("stock")
    page.get_by_label("Market symbol (optional)").fill("AAPL")
    page.get_by_label("Quantity (optional)").fill("10")
    page.get_by_label("Amount invested").fill("2140.00")
    page.get_by_label("Purchase date").fill(PURCHASE_DATE.isoformat())
    submit(page, "Add asset")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apple")
    expect(page.get_by_text("No prices yet")).to_be_visible()
    submit(page, "Sync from market")
    flash = page.get_by_role("status").first
    expect(flash).to_contain_text("Synced from sample (sample data)")
    synced = int(re.search(r"(\d+) prices added", flash.inner_text()).group(1))
    assert synced == sample_bars_since(PURCHASE_DATE)  # to the end of the bundled data, 2013-03-01
    wait_for_charts(page)
    assert traces(page, "price-chart")[0]["points"] == synced

    # The portfolio page: the value series as the API reports it, from the purchase to today (weekly: more
    # than 2,000 days).
    with page.expect_navigation():
        page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Retirement").click()
    wait_for_charts(page)
    token = page.request.post("/api/auth/token", data={"email": email, "password": PASSWORD}).json()["access_token"]
    portfolio_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    report = page.request.get(
        f"/api/portfolios/{portfolio_id}/performance", headers={"Authorization": f"Bearer {token}"}
    ).json()
    today = clock.today_utc()
    assert report["series_step"] == "1w" and (today - PURCHASE_DATE).days + 1 > 2000
    assert (report["series"][0]["date"], report["series"][-1]["date"]) == (PURCHASE_DATE.isoformat(), today.isoformat())
    value_traces = traces(page, "value-chart")
    assert [t["name"] for t in value_traces] == ["Value", "Invested"]
    assert [t["points"] for t in value_traces] == [len(report["series"])] * 2
    assert [(t["type"], t["points"]) for t in traces(page, "allocation-chart")] == [("pie", 1)]

    # The market explorer: suggestions, then AAPL with its panels, KPI cards and the sample badge.
    go_to(page, "Markets")
    page.get_by_label("Ticker or crypto pair").fill("AAP")
    expect(page.locator("#symbol-suggestions option[value=AAPL]")).to_have_count(1)
    page.get_by_label("Ticker or crypto pair").fill("AAPL")
    submit(page, "Show")
    expect(page.locator("#market-symbol")).to_have_text("AAPL")
    expect(page.locator("#badge-sample")).to_have_text("Sample data")
    expect(page.locator("#kpis .kpi-card")).to_have_count(8)
    wait_for_charts(page)
    bars = int(page.locator("#kpis .kpi-card").filter(has_text="Bars").locator(".value").inner_text())
    assert 240 <= bars <= 260  # one year of trading days (the default period)
    drawn = {t["name"]: t for t in traces(page, "market-chart")}
    assert drawn["AAPL"]["type"] == "candlestick" and drawn["AAPL"]["points"] == bars
    assert {drawn[name]["yaxis"] for name in ("AAPL", "MA 20", "MA 50", "Bollinger upper", "Bollinger lower")} == {"y"}
    assert drawn["Volume"]["yaxis"] == "y2"
    assert drawn["RSI 14"]["yaxis"] == "y3" and drawn["RSI 14"]["points"] == bars
    assert {drawn[name]["yaxis"] for name in ("MACD", "Signal", "MACD histogram")} == {"y4"}

    # Logged out, the protected pages send the visitor to the login page; "/" is the landing page.
    log_out(page)
    for path in ("/goals", "/portfolios", "/profile", "/tokens"):
        page.goto(path)
        assert re.fullmatch(rf"{live_server.url}/login\?next=%2F{path[1:]}", page.url), page.url
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.goto("/")
    expect(page.get_by_role("link", name="Create an account")).to_be_visible()

    assert external_requests == []


def test_form_without_csrf_token_is_rejected(page, live_server, external_requests):
    email = live_server.create_user()
    log_in(page, email)
    page.goto("/goals/new")
    page.get_by_label("Title").fill("Forged")
    page.get_by_label("Target amount").fill("100")
    page.get_by_label("Target date").fill("2030-01-01")
    page.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    response = submit(page, "Save goal")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("400 Bad Request")
    expect(page.locator("main")).to_contain_text("The CSRF token is missing.")
    assert live_server.count(Goal, title="Forged") == 0
    assert external_requests == []


def test_other_users_pages_are_not_found(new_page, live_server, external_requests):
    owner = live_server.create_user()
    ids = live_server.seed(owner)
    intruder_email = live_server.create_user()
    own = live_server.seed(intruder_email)
    intruder = new_page()
    log_in(intruder, intruder_email)
    for path in (
        f"/goals/{ids['goal']}",
        f"/goals/{ids['goal']}/edit",
        f"/portfolios/{ids['portfolio']}",
        f"/assets/{ids['asset']}",
    ):
        response = intruder.goto(path)
        assert response.status == 404, path
        expect(intruder.get_by_role("heading", level=1)).to_have_text("404 Not Found")
        expect(intruder.locator("main")).to_contain_text("not yours to see")

    # A valid form of their own (CSRF token and all), pointed at the owner's goal: 404, and the goal survives.
    intruder.goto(f"/goals/{own['goal']}")
    intruder.evaluate(
        """id => document.querySelector('form[data-confirm^="Delete this goal"]').action =
                         '/goals/' + id + '/delete'""",
        ids["goal"],
    )
    intruder.once("dialog", lambda dialog: dialog.accept())
    response = submit(intruder, "Delete", within=intruder.locator("main .d-flex").first)
    assert response.status == 404
    assert live_server.count(Goal, id=ids["goal"]) == 1

    owner_page = new_page()
    log_in(owner_page, owner)
    assert owner_page.goto(f"/goals/{ids['goal']}").status == 200
    assert external_requests == []


def test_destructive_actions_ask_first(page, live_server):
    from financial_dashboard.assets.models import Asset

    email = live_server.create_user()
    ids = live_server.seed(email)
    log_in(page, email)
    page.goto(f"/assets/{ids['asset']}")
    header = page.locator("main > .d-flex").first

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    header.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Microsoft")
    assert messages == ["Delete this asset and its price history?"]
    assert live_server.count(Asset, id=ids["asset"]) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, "Delete", within=header)
    expect(page.get_by_role("status").first).to_contain_text("Asset “Microsoft” deleted")
    assert live_server.count(Asset, id=ids["asset"]) == 0
