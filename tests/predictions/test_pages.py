"""The forecast page: its menu entry, a spinner while a first training runs, then the chart and the track
record; errors in words; links from the market explorer and from assets with a symbol."""

import json
import re

from tests.conftest import Page


def html_of(response):
    return response.get_data(as_text=True)


def figure(html, chart_id="forecast-chart"):
    match = re.search(rf'<script type="application/json" id="{chart_id}-figure">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_page_has_its_menu_entry_and_the_form(browser_user):
    page = Page(html_of(browser_user.get("/predictions")))
    (entry,) = page.find("a", **{"aria-current": "page"})
    assert entry["href"] == "/predictions"
    assert page.find("input", id="symbol") and page.find("select", id="model") and page.find("input", id="days")
    assert [o["value"] for o in page.find("option")] == ["compare", "naive", "drift", "random_forest", "svr"]


def test_signed_out_the_page_redirects_to_the_login(client):
    response = client.get("/predictions?symbol=AAPL")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_first_training_shows_a_spinner_that_polls_the_api(browser_user, trainings):
    html = html_of(browser_user.get("/predictions?symbol=aapl&model=random_forest&days=14"))
    page = Page(html)

    (box,) = page.find("div", id="forecast-pending")
    assert box["data-poll"] == "/api/predictions/AAPL?model=random_forest&days=14"
    assert page.find("div", **{"class": "spinner-border text-primary"}) and "Training Random forest on AAPL" in html
    assert page.find("script", src="/static/predictions.js") and not page.find("div", id="forecast-chart")
    assert page.find("span", id="badge-sample")
    assert trainings.count() == 0  # the page itself never trains


def test_once_trained_the_page_draws_the_forecast_with_its_band_and_the_track_record(browser_user, api):
    assert api.get("/api/predictions/AAPL?model=random_forest&days=14").status_code == 200
    html = html_of(browser_user.get("/predictions?symbol=AAPL&model=random_forest&days=14"))
    page = Page(html)

    traces = figure(html)["data"]
    assert [t["name"] for t in traces] == ["Close", "Band (80 %)", "Band (80 %)", "Random forest forecast"]
    assert len(traces[0]["x"]) == 120 and len(traces[-1]["x"]) == 15  # the last close, then 14 days
    assert traces[-1]["x"][1] == "2013-03-04" and traces[2]["fill"] == "tonexty"
    assert [r["data-model"] for r in page.find("tr") if "data-model" in r] == ["naive", "random_forest"]
    assert "its 14-day forecasts were" in html and "not investment advice" in html
    assert not page.find("div", id="forecast-pending") and page.find("dl", id="model-info")


def test_compare_all_draws_every_model_and_the_table_against_naive(browser_user, api):
    assert api.get("/api/predictions/MSFT/compare?days=7").status_code == 200
    html = html_of(browser_user.get("/predictions?symbol=MSFT&model=compare&days=7"))

    names = [t["name"] for t in figure(html)["data"]]
    assert names == ["Close", "Naive forecast", "Drift forecast", "Random forest forecast", "SVR forecast"]
    rows = [r["data-model"] for r in Page(html).find("tr") if "data-model" in r]
    assert rows == ["naive", "drift", "random_forest", "svr"]
    assert "baseline" in html and "Track record at 7 days ahead" in html


def test_errors_are_shown_in_words_with_their_status(browser_user, forecasts, monkeypatch):
    unknown = browser_user.get("/predictions?symbol=ZZZZ&model=naive")
    assert unknown.status_code == 404 and "The sample data has no ZZZZ" in html_of(unknown)
    days = browser_user.get("/predictions?symbol=AAPL&days=99")
    assert days.status_code == 400 and "less than or equal to 30" in html_of(days)
    monkeypatch.setitem(forecasts, "PREDICTIONS_HISTORY", "90d")
    short = browser_user.get("/predictions?symbol=AAPL&model=svr")
    assert short.status_code == 400 and "needs at least 183 daily closes" in html_of(short)
    monkeypatch.setitem(forecasts, "PREDICTIONS_HISTORY", "180d")
    some = Page(html_of(browser_user.get("/predictions?symbol=AAPL&model=compare")))
    assert some.find("div", id="forecast-skipped")
    assert some.find("div", id="forecast-pending")[0]["data-poll"] == "/api/predictions/AAPL/compare?days=7"


def test_the_market_explorer_and_an_asset_with_a_symbol_link_to_the_forecast(browser_user, api, seed):
    explorer = Page(html_of(browser_user.get("/market?symbol=MSFT")))
    assert explorer.find("a", id="forecast-link")[0]["href"] == "/predictions?symbol=MSFT&kind=stock"
    ids = seed(api)
    asset = Page(html_of(browser_user.get(f"/assets/{ids['asset']}")))
    assert asset.find("a", id="forecast-link")[0]["href"] == "/predictions?symbol=AAPL"
