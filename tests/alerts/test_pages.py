"""The alerts page, the unread count in the menu, and the one-click "Alert me" forms of the explorer and watchlists."""

import pytest

from ..conftest import Page

pytestmark = pytest.mark.usefixtures("no_csrf", "fresh_cache")


@pytest.fixture
def signed_in(client, user, login_as):
    login_as(user)
    return client


def badge(html):
    return [a for a in Page(html).find("span") if a.get("data-nav-badge") == "alerts.alerts_page"]


def test_a_triggered_alert_is_counted_in_the_menu_until_the_alerts_page_shows_it(signed_in, api, runner, import_bars):
    api.post("/api/alerts", json={"symbol": "AAPL", "condition": "above", "target": "440"})
    assert badge(signed_in.get("/watchlists").get_data(as_text=True)) == []
    import_bars("AAPL", ("2013-03-04", 441.0))
    runner.invoke(args=["alerts", "check"])

    html = signed_in.get("/watchlists").get_data(as_text=True)
    assert len(badge(html)) == 1 and 'data-nav-badge="alerts.alerts_page">1<' in html

    page = signed_in.get("/alerts").get_data(as_text=True)
    assert "AAPL closes above 440" in page and "closed at 441.00 on 2013-03-04" in page and ">new<" in page
    assert badge(signed_in.get("/watchlists").get_data(as_text=True)) == []
    assert ">new<" not in signed_in.get("/alerts").get_data(as_text=True)
    assert api.get("/api/alerts").json["items"][0]["seen"] is True


def test_one_click_from_the_explorer_creates_the_alert_and_comes_back(signed_in, api):
    html = signed_in.get("/market?symbol=AAPL").get_data(as_text=True)
    (form,) = [a for a in Page(html).find("form") if a.get("action") == "/alerts"]
    fields = {
        a["name"]: a.get("value", "") for a in Page(html).find("input") if a.get("name") in ("symbol", "target", "next")
    }
    assert fields == {"symbol": "AAPL", "target": "451.99", "next": "/market?symbol=AAPL"}

    response = signed_in.post("/alerts", data={**fields, "condition": "above"})

    assert response.status_code == 302 and response.headers["Location"] == "/market?symbol=AAPL"
    (alert,) = api.get("/api/alerts").json["items"]
    assert alert["description"] == "AAPL closes above 451.99"


def test_signed_out_the_explorer_offers_to_log_in_instead(client):
    html = client.get("/market?symbol=AAPL").get_data(as_text=True)
    assert 'id="alert-panel"' in html and "to be alerted when AAPL crosses a level" in html


def test_next_never_leads_to_another_site(signed_in):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = signed_in.post(
            "/alerts", data={"symbol": "AAPL", "condition": "above", "target": "500", "next": target}
        )
        assert response.headers["Location"] == "/alerts"


def test_an_invalid_alert_is_shown_on_the_form(signed_in):
    response = signed_in.post("/alerts", data={"symbol": "ZZZZ", "condition": "above", "target": "1"})
    assert response.status_code == 400 and "The sample data has no ZZZZ" in response.get_data(as_text=True)


def test_rearm_and_delete(signed_in, api, count_rows):
    alert = api.post("/api/alerts", json={"symbol": "AAPL", "condition": "above", "target": "440"}).json
    api.patch(f"/api/alerts/{alert['id']}", json={"active": False})
    assert signed_in.post(f"/alerts/{alert['id']}/rearm").status_code == 302
    assert api.get(f"/api/alerts/{alert['id']}").json["status"] == "active"
    assert signed_in.post(f"/alerts/{alert['id']}/delete").status_code == 302
    assert count_rows("alerts") == 0


def test_each_watchlist_row_has_a_one_click_alert(signed_in, api):
    watchlist = api.post("/api/watchlists", json={"name": "Tech"}).json["id"]
    api.post(f"/api/watchlists/{watchlist}/items", json={"symbol": "AAPL"})
    html = signed_in.get("/watchlists").get_data(as_text=True)
    assert "Alert above 451.99" in html
    response = signed_in.post(
        "/alerts",
        data={"symbol": "AAPL", "condition": "above", "target": "451.99", "next": f"/watchlists#watchlist-{watchlist}"},
    )
    assert response.headers["Location"] == f"/watchlists#watchlist-{watchlist}"
