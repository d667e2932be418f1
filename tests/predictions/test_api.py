"""GET /api/predictions/...: a forecast with its track record against naive, the comparison, the models."""

import datetime as dt

import pytest

from financial_dashboard.extensions import db
from financial_dashboard.predictions.models import ForecastModelRecord
from tests.market.conftest import strict_json

URL = "/api/predictions/AAPL?model=random_forest&days=14"


def test_the_forecast_routes_need_an_account(anon):
    for url in ("/api/predictions/models", URL, "/api/predictions/AAPL/compare"):
        response = anon.get(url)
        assert response.status_code == 401 and response.json["error"]["code"] == 401


def test_the_models_are_listed_with_a_description_and_whether_they_are_available(api, forecasts):
    items = {m["name"]: m for m in api.get("/api/predictions/models").json["items"]}

    assert list(items) == ["naive", "drift", "lstm", "random_forest", "svr"]
    assert items["random_forest"]["available"] is True and items["random_forest"]["reason"] is None
    assert items["lstm"]["available"] is False and "PREDICTIONS_MODELS" in items["lstm"]["reason"]
    assert items["lstm"]["heavy"] is True and items["svr"]["heavy"] is False
    assert items["random_forest"]["min_closes"] == 183
    assert all(m["description"] for m in items.values())


def test_a_forecast_has_dated_trading_days_with_bands_a_backtest_against_naive_and_model_info(api):
    response = api.get(URL)

    assert response.status_code == 200, response.json
    body = strict_json(response.data)
    assert (body["symbol"], body["model"], body["days"], body["kind"]) == ("AAPL", "random_forest", 14, "stock")
    assert (body["source"], body["sample"], body["stale"]) == ("sample", True, False)
    assert body["as_of"] == "2013-03-01T00:00:00Z"
    predictions = body["predictions"]
    dates = [dt.date.fromisoformat(p["date"]) for p in predictions]
    assert len(predictions) == 14 and dates[0] == dt.date(2013, 3, 4) and dates[-1] == dt.date(2013, 3, 21)
    assert all(d.weekday() < 5 for d in dates) and dates == sorted(dates)
    assert all(p["lower"] < p["upper"] and p["price"] > 0 for p in predictions)
    backtest = body["backtest"]
    assert (backtest["horizon"], backtest["origins"]) == (14, 60)
    assert backtest["to"] == "2013-02-08"  # the last origin whose 14-day-ahead close is known
    for side in ("model", "naive"):
        assert set(backtest[side]) == {"mae", "rmse", "mape_pct", "directional_accuracy_pct", "mase"}
    assert backtest["naive"]["directional_accuracy_pct"] is None
    assert backtest["ratio_to_naive"] == pytest.approx(backtest["model"]["mae"] / backtest["naive"]["mae"], rel=1e-4)
    assert backtest["beats_naive"] == (backtest["ratio_to_naive"] < 1)
    assert backtest["verdict"].startswith("Over the last 60 trading days its 14-day forecasts were")
    info = body["model_info"]
    assert info["label"] == "Random forest" and info["method"] == "recursive" and info["trained_at"].endswith("Z")
    assert info["data_range"] == {"from": "2011-03-02", "to": "2013-03-01"} and info["closes"] == 503
    assert body["notes"][0].startswith("Sample data") and "not investment advice" in body["notes"][-1]


def test_a_stored_training_is_reused_by_later_requests_and_other_horizons(api, trainings, count_rows):
    first = api.get(URL).json
    again = api.get(URL).json
    other = api.get("/api/predictions/aapl?model=random_forest&days=3").json

    assert trainings.count() == 1 and count_rows("forecast_models") == 1
    assert again == first
    assert other["model_info"]["trained_at"] == first["model_info"]["trained_at"]
    assert [p["price"] for p in other["predictions"]] == [p["price"] for p in first["predictions"][:3]]
    record = db.session.scalar(db.select(ForecastModelRecord))
    assert (record.source, record.symbol, record.interval, record.model) == ("sample", "AAPL", "1d", "random_forest")
    assert record.last_bar == dt.datetime(2013, 3, 1, tzinfo=dt.UTC) and len(record.payload) > 1000


def test_a_training_older_than_a_day_is_replaced(api, trainings, monkeypatch, count_rows):
    from financial_dashboard.common import clock

    api.get(URL)
    later = clock.utcnow() + dt.timedelta(hours=25)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    api.get("/api/predictions/AAPL?model=random_forest&days=13")

    assert trainings.count() == 2 and count_rows("forecast_models") == 1


@pytest.mark.parametrize(
    "query, field, text",
    [
        ("model=prophet", "model", "Unknown model 'prophet'. Known models: naive, drift, lstm, random_forest, svr."),
        ("model=lstm", "model", "The lstm model is not available on this server"),
        ("days=0", "days", "greater than or equal to 1 and less than or equal to 30"),
        ("days=31", "days", "less than or equal to 30"),
        ("days=soon", "days", "Not a valid integer."),
        ("kind=bond", "kind", "Must be one of: stock, crypto."),
        ("wait=99", "wait", "less than or equal to 25"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api, query, field, text):
    response = api.get(f"/api/predictions/AAPL?{query}")

    assert response.status_code == 400
    assert text in " ".join(response.json["error"]["fields"][field])


def test_too_little_history_says_how_many_bars_are_needed_and_how_many_exist(api, forecasts, monkeypatch):
    monkeypatch.setitem(forecasts, "PREDICTIONS_HISTORY", "90d")
    response = api.get(URL)

    assert response.status_code == 400
    (message,) = response.json["error"]["fields"]["symbol"]
    assert message.startswith("AAPL: The random_forest forecast needs at least 183 daily closes")
    assert message.endswith("61 are available.")


def test_unknown_and_malformed_symbols_answer_like_the_market_data(api):
    assert api.get("/api/predictions/ZZZZ?model=naive").status_code == 404
    bad = api.get("/api/predictions/A$B?model=naive")
    assert bad.status_code == 400 and "symbol" in bad.json["error"]["fields"]


def test_the_comparison_scores_every_model_against_naive_on_the_same_origins(api):
    response = api.get("/api/predictions/MSFT/compare?days=5")

    assert response.status_code == 200
    body = strict_json(response.data)
    rows = {row["model"]: row for row in body["models"]}
    assert list(rows) == ["naive", "drift", "random_forest", "svr"] and body["complete"] is True
    origins = {(r["backtest"]["from"], r["backtest"]["to"], r["backtest"]["naive"]["mae"]) for r in rows.values()}
    assert len(origins) == 1
    naive = rows["naive"]["backtest"]
    assert naive["ratio_to_naive"] == 1 and naive["beats_naive"] is None and "baseline" in naive["verdict"]
    for name in ("drift", "random_forest", "svr"):
        assert rows[name]["backtest"]["verdict"].startswith("Over the last 60 trading days its 5-day forecasts")
    best = body["best"]
    assert best is None or rows[best]["backtest"]["beats_naive"]
    assert set(body["metrics"]) == {"mae", "rmse", "mape_pct", "directional_accuracy_pct", "mase"}


def test_the_browser_session_may_read_forecasts(browser_user):
    assert browser_user.get("/api/predictions/IBM?model=naive&days=2").status_code == 200


def test_the_comparison_leaves_out_models_without_enough_history_and_says_why(api, forecasts, monkeypatch):
    monkeypatch.setitem(forecasts, "PREDICTIONS_HISTORY", "180d")  # 122 closes: enough for the baselines only
    body = api.get("/api/predictions/AAPL/compare?days=3").json

    assert [row["model"] for row in body["models"]] == ["naive", "drift"]
    assert [s["model"] for s in body["skipped"]] == ["random_forest", "svr"]
    assert body["skipped"][0]["reason"].endswith(
        "needs at least 183 daily closes (94 to train on, plus 89 for a "
        "backtest of 60 forecast origins up to 30 days ahead); "
        "122 are available."
    )
    monkeypatch.setitem(forecasts, "PREDICTIONS_HISTORY", "90d")
    none = api.get("/api/predictions/AAPL/compare?days=3")
    assert none.status_code == 400 and "needs at least 91 daily closes" in none.json["error"]["fields"]["symbol"][0]
