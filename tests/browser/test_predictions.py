"""Forecasts in Chromium: a spinner while the first training runs, then the forecast with its band and the
table of every model against naive; a failed training shows its reason, not an empty chart."""

import pytest
from playwright.sync_api import expect

from .actions import go_to, log_in, submit, traces

TINY = {
    "random_forest": {"trees": 8, "refit_every": 10},
    "svr": {"refit_every": 5},
    "lstm": {"epochs": 2, "refit_epochs": 1, "units": [4, 2]},
}
TRAINING = 240_000  # ms: the LSTM trains in a child process, slow on a busy machine


@pytest.fixture
def small_models(live_server, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "PREDICTIONS_MODEL_OPTIONS", TINY)


def ask(page, symbol, model_label, days):
    page.get_by_label("Ticker or crypto pair").fill(symbol)
    page.get_by_label("Model").select_option(label=model_label)
    page.get_by_label("Days ahead").fill(str(days))
    return submit(page, "Forecast")


def test_a_forecast_and_the_comparison_are_drawn_after_a_spinner(page, live_server, small_models, external_requests):
    log_in(page, live_server.create_user())
    go_to(page, "Forecasts")

    response = ask(page, "AAPL", "Random forest", 14)
    assert 'id="forecast-pending"' in response.text()  # the first answer is the spinner, the page then updates
    page.wait_for_selector("#forecast-chart[data-ready=true]", timeout=TRAINING)
    drawn = {t["name"]: t["points"] for t in traces(page, "forecast-chart")}
    assert drawn == {"Close": 120, "Band (80 %)": 15, "Random forest forecast": 15}
    expect(page.locator("#backtest-table tbody tr")).to_have_count(2)
    expect(page.locator("#forecast-verdict")).to_contain_text("Over the last 60 trading days its 14-day forecasts")
    expect(page.locator("#badge-sample")).to_be_visible()
    expect(page.locator("#forecast-notes")).to_contain_text("not investment advice")

    ask(page, "AAPL", "Compare all", 7)
    page.wait_for_selector("#forecast-chart[data-ready=true]", timeout=TRAINING)
    rows = page.locator("#backtest-table tbody tr")
    expect(rows).to_have_count(5)
    models = rows.evaluate_all("rows => rows.map(r => r.dataset.model)")
    assert models == ["naive", "drift", "lstm", "random_forest", "svr"]
    names = [t["name"] for t in traces(page, "forecast-chart")]
    assert names == [
        "Close",
        "Naive forecast",
        "Drift forecast",
        "LSTM forecast",
        "Random forest forecast",
        "SVR forecast",
    ]
    expect(page.locator("#backtest-table tr[data-model=naive]")).to_contain_text("baseline")
    assert external_requests == []


def test_a_training_that_fails_shows_why(page, live_server, small_models, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "PREDICTIONS_TRAIN_TIMEOUT_S", 0.5)
    log_in(page, live_server.create_user())
    page.goto("/predictions?symbol=IBM&model=lstm&days=3")

    error = page.locator("#forecast-error")
    expect(error).to_be_visible(timeout=60_000)
    expect(error).to_contain_text("The lstm training took longer than 0.5 s and was stopped.")
    expect(page.locator("#forecast-pending")).to_be_hidden()
    expect(page.locator("#forecast-chart")).to_have_count(0)
