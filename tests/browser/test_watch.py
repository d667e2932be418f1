"""Issue 13's walk in real Chromium on bundled data: a watchlist with prices and sparklines, a comparison with
its rebased lines and 3x3 correlation map, AAPL's signal with its reasons and backtest on the explorer, and an
alert set there in one click that a newer imported bar triggers through `flask alerts check`, shown in the app
and e-mailed to a local SMTP server."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from financial_dashboard.extensions import db
from financial_dashboard.market.models import MarketBar

from .actions import go_to, log_in, submit, traces, wait_for_charts


@pytest.fixture
def mail_and_imports(live_server, smtp_server, monkeypatch):
    """Mail to the local SMTP server for this test; the bars it imports are removed afterwards."""
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "alerts@example.com",
        "MAIL_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(live_server.app.config, key, value)
    yield smtp_server
    with live_server.app.app_context():
        db.session.execute(sa.delete(MarketBar).where(MarketBar.source == "import"))
        db.session.commit()


def test_watchlist_compare_signal_and_alert(page, live_server, mail_and_imports, tmp_path, external_requests):
    email = live_server.create_user(name="Wat")
    log_in(page, email)

    # A watchlist with AAPL and MSFT shows prices and sparklines.
    go_to(page, "Watchlists")
    page.get_by_label("Name").fill("Tech")
    submit(page, "Create")
    for symbol in ("AAPL", "MSFT"):
        page.get_by_label("Symbol to add to Tech").fill(symbol)
        submit(page, "Add")
        expect(page.get_by_role("status").first).to_contain_text(f"{symbol} added to “Tech”.")
    rows = page.locator("table.watchlist-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".price")).to_contain_text("430.47")
    expect(rows.nth(1).locator(".price")).to_contain_text("27.95")
    expect(page.locator("svg.sparkline polyline")).to_have_count(2)
    assert all(
        len(p.split()) > 10
        for p in page.locator("svg.sparkline polyline").evaluate_all(
            "lines => lines.map(l => l.getAttribute('points'))"
        )
    )

    # Comparing AAPL, MSFT and IBM draws the rebased lines and a 3x3 correlation map.
    go_to(page, "Markets")
    with page.expect_navigation():
        page.get_by_role("link", name="Compare", exact=True).click()
    page.get_by_label("Symbols (2 to 10, comma-separated)").fill("AAPL,MSFT,IBM")
    submit(page, "Compare")
    wait_for_charts(page)
    lines = traces(page, "compare-chart")
    assert [(t["name"], t["type"]) for t in lines] == [("AAPL", "scatter"), ("MSFT", "scatter"), ("IBM", "scatter")]
    assert lines[0]["points"] > 200
    heat = page.evaluate("() => document.getElementById('correlation-chart').data[0]")
    assert heat["type"] == "heatmap" and [len(row) for row in heat["z"]] == [3, 3, 3]
    assert heat["x"] == ["AAPL", "MSFT", "IBM"]

    # The explorer shows AAPL's signal with its reasons and its backtest against buy and hold.
    page.goto("/market?symbol=AAPL")
    panel = page.locator("#signal-panel")
    expect(panel.locator("#signal-value")).to_have_text(re.compile("^(BUY|SELL|HOLD)$"))
    expect(panel.locator("#signal-reasons li")).to_have_count(4)
    expect(panel.locator("#signal-reasons")).to_contain_text("RSI 14 is")
    expect(panel.locator("#signal-backtest")).to_contain_text("Buy and hold")
    expect(panel.locator("#signal-verdict")).to_contain_text(re.compile("did better|about the same"))
    expect(panel.locator("#signal-disclaimer")).to_contain_text("Not investment advice")

    # One click from the explorer: alert me when AAPL closes above 440.
    page.locator("#alert-condition").select_option("above")
    page.locator("#alert-target").fill("440")
    submit(page, "Alert me")
    expect(page.get_by_role("status").first).to_have_text("Alert set: AAPL closes above 440.")
    expect(page.locator("#market-symbol")).to_have_text("AAPL")

    # A newer AAPL bar that crosses the level, imported as CSV, then the scheduled check.
    csv = tmp_path / "aapl.csv"
    csv.write_text("date,open,high,low,close,volume\n2013-03-04,431,442,430,441,1000\n", encoding="utf-8")
    cli = live_server.app.test_cli_runner()
    imported = cli.invoke(args=["market", "import-csv", "AAPL", str(csv)])
    assert imported.exit_code == 0, imported.output
    checked = cli.invoke(args=["alerts", "check"])
    assert checked.exit_code == 0, checked.output
    assert "1 triggered, 1 e-mail(s) sent" in checked.output

    # Shown in the app: a count in the menu, the alert on the alerts page, read once seen.
    page.reload()
    badge = page.locator("[data-nav-badge='alerts.alerts_page']")
    expect(badge).to_contain_text("1")
    page.goto("/alerts")
    row = page.locator("#alerts-table tbody tr").first
    expect(row).to_contain_text("AAPL closes above 440")
    expect(row).to_contain_text("closed at 441.00 on 2013-03-04")
    expect(row).to_contain_text("new")
    page.reload()
    expect(badge).to_have_count(0)
    expect(page.locator("#alerts-table tbody tr").first).not_to_contain_text("new")

    # And e-mailed to the local SMTP server.
    (sent,) = mail_and_imports.messages
    assert sent["to"] == [email]
    assert sent["message"]["Subject"] == "Price alert: AAPL closes above 440"
    assert "closed at 441 on 2013-03-04" in sent["message"].get_content()
    assert external_requests == []
