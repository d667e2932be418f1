"""`flask alerts check` and the check after a fetch: crossing rules, once only, one lookup per symbol, e-mail."""

import pytest

from financial_dashboard.alerts import checks
from financial_dashboard.alerts.models import Alert
from financial_dashboard.extensions import db
from financial_dashboard.market import latest
from financial_dashboard.market.providers.fake_provider import FakeProvider

from ..market.conftest import bars

pytestmark = pytest.mark.usefixtures("fresh_cache")

LAST_AAPL = 430.47  # the newest bundled AAPL close, 2013-03-01


def make(api, **body):
    response = api.post("/api/alerts", json={"symbol": "AAPL", "condition": "above", "target": "440", **body})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def check(runner, *args, code=0):
    result = runner.invoke(args=["alerts", "check", *args])
    assert result.exit_code == code, result.output
    return result.output


def alert(alert_id):
    db.session.expire_all()
    return db.session.get(Alert, alert_id)


@pytest.mark.parametrize(
    "condition, target, previous, close, expected",
    [
        ("above", 100, 99, 100, True),
        ("above", 100, 99, 99.5, False),
        ("above", 100, 101, 102, False),
        ("below", 100, 101, 100, True),
        ("below", 100, 99, 98, False),
        ("change_pct_above", 5, 100, 105, True),
        ("change_pct_above", 5, 100, 104.9, False),
        ("above", 100, None, 120, False),
    ],
)
def test_crossing_rules(condition, target, previous, close, expected):
    assert checks.crossed(condition, target, previous, close) is expected


def test_a_newer_imported_close_above_the_target_triggers_once(api, runner, import_bars):
    alert_id = make(api, target="440")
    assert "0 triggered" in check(runner)

    import_bars("AAPL", ("2013-03-04", 435.0), ("2013-03-05", 441.25), ("2013-03-06", 445.0))
    output = check(runner)

    assert "triggered: AAPL closes above 440 (alert" in output and "close 441.25 on 2013-03-05" in output
    assert "Checked 1 alert(s) on 1 symbol(s)" in output and "1 triggered" in output
    found = alert(alert_id)
    assert (found.status, float(found.triggered_price)) == ("triggered", 441.25)
    assert found.triggered_bar_at.date().isoformat() == "2013-03-05" and found.seen_at is None
    body = api.get(f"/api/alerts/{alert_id}").json
    assert (body["status"], body["triggered_price"], body["seen"]) == ("triggered", 441.25, False)
    assert "0 triggered" in check(runner)  # once
    assert "Checked 0 alert(s)" in check(runner)


def test_a_level_already_passed_at_creation_does_not_trigger(api, runner, import_bars):
    above = make(api, target="400")  # AAPL is already at 430.47
    import_bars("AAPL", ("2013-03-04", 440.0))
    check(runner)
    assert alert(above).status == "active"


def test_below_and_daily_change_alerts(api, runner, import_bars):
    below = make(api, condition="below", target="425")
    jump = make(api, condition="change_pct_above", target="3")
    import_bars("AAPL", ("2013-03-04", 428.0), ("2013-03-05", 424.0), ("2013-03-06", 440.0))
    check(runner)
    assert float(alert(below).triggered_price) == 424.0
    assert float(alert(jump).triggered_price) == 440.0  # +3.77 % on 424


def test_rearming_starts_from_the_newest_bar(api, runner, import_bars):
    alert_id = make(api, target="440")
    import_bars("AAPL", ("2013-03-04", 441.0))
    check(runner)
    rearmed = api.patch(f"/api/alerts/{alert_id}", json={"active": True}).json
    assert rearmed["status"] == "active" and rearmed["last_seen_at"] == "2013-03-04T00:00:00Z"
    import_bars("AAPL", ("2013-03-05", 442.0))
    check(runner)
    assert alert(alert_id).status == "active"  # still above: no new crossing


def test_one_bars_lookup_per_symbol_however_many_alerts(api, runner, import_bars, monkeypatch):
    for n in range(5):
        make(api, target=str(440 + n))
        make(api, symbol="MSFT", condition="below", target=str(20 + n))
    calls = []
    original = latest.latest_bars_between
    monkeypatch.setattr(latest, "latest_bars_between", lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    import_bars("AAPL", ("2013-03-04", 442.5))

    output = check(runner)

    assert sorted(calls) == ["AAPL", "MSFT"]
    assert "Checked 10 alert(s) on 2 symbol(s)" in output and "3 triggered" in output


def test_a_symbol_that_fails_is_reported_and_the_others_still_checked(api, runner, import_bars, app, live):
    yahoo = live.use("yfinance", FakeProvider({"AAPL": bars("AAPL"), "MSFT": bars("MSFT")}))
    make(api, target="9999")
    msft = make(api, symbol="MSFT", condition="below", target="1")
    del yahoo.frames["AAPL"]  # AAPL is no longer known to the provider

    output = check(runner, code=1)

    assert "failed: AAPL:" in output and "Checked 2 alert(s) on 2 symbol(s)" in output
    assert alert(msft).status == "active"


def test_fresh_bars_fetched_for_a_page_check_that_symbols_alerts(api, client, live, monkeypatch):
    from financial_dashboard.market import services

    early = bars("AAPL", "2024-06-01", "2024-12-20")
    yahoo = live.use("yfinance", FakeProvider({"AAPL": early}))
    monkeypatch.setattr(services, "now_utc", lambda: early.index[-1])
    level = float(early["close"].iloc[-1]) * 1.0001
    alert_id = make(api, target=f"{level:.4f}")
    # The next days: a close well above the level.
    later = bars("AAPL", "2024-06-01", "2024-12-23")
    later.loc[later.index[-1], ["close", "high"]] = level * 1.1
    yahoo.frames["AAPL"] = later
    monkeypatch.setattr(services, "now_utc", lambda: later.index[-1])

    assert client.get("/api/stock/AAPL?period=5d").status_code == 200  # fetches and stores fresh bars

    found = alert(alert_id)
    assert found.status == "triggered" and float(found.triggered_price) == pytest.approx(level * 1.1)


def test_triggered_alerts_are_emailed_to_their_owner(api, user, runner, import_bars, mail_to):
    first = make(api, target="440", note="take profit")
    make(api, condition="change_pct_above", target="2")
    import_bars("AAPL", ("2013-03-04", 445.0))

    output = check(runner)

    assert "1 e-mail(s) sent" in output
    (sent,) = mail_to.messages
    assert sent["to"] == [user.email] and sent["from"] == "alerts@example.com"
    message = sent["message"]
    assert message["Subject"] == "2 price alerts triggered"
    text = message.get_content()
    assert "AAPL closes above 440: closed at 445 on 2013-03-04 (take profit)" in text
    assert "AAPL rises 2 % or more in a day" in text
    assert alert(first).emailed_at is not None


def test_an_unreachable_mail_server_leaves_the_alert_triggered_in_the_app(
    api, runner, import_bars, app, monkeypatch, caplog
):
    from tests.live_server import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    alert_id = make(api, target="440")
    import_bars("AAPL", ("2013-03-04", 445.0))

    output = check(runner)

    assert "1 triggered, 0 e-mail(s) sent" in output
    found = alert(alert_id)
    assert found.status == "triggered" and found.emailed_at is None
    assert "Sending 1 alert(s) by email failed" in caplog.text


def test_without_mail_server_nothing_is_sent(api, runner, import_bars, smtp_server):
    make(api, target="440")
    import_bars("AAPL", ("2013-03-04", 445.0))
    assert "0 e-mail(s) sent" in check(runner)
    assert smtp_server.messages == []
