"""Each model: fit, forecast dates and bands, the same answer every time, and a stored model that forecasts the same."""

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.analytics.forecasting import create_model, load_model
from financial_dashboard.analytics.forecasting.features import build_features
from financial_dashboard.analytics.forecasting.training import train

from .conftest import TINY, made_up, sample_frame

LIGHT = ["naive", "drift", "random_forest", "svr"]


def fitted(name, frame, **extra):
    model = create_model(name, **{**TINY.get(name, {}), **extra})
    features = build_features(frame) if model.uses_features else None
    return model.fit(frame["close"], features), features


@pytest.mark.parametrize("name", LIGHT)
def test_same_data_and_settings_give_the_same_forecast_and_the_stored_model_gives_it_too(name, aapl):
    first, features = fitted(name, aapl)
    second, _ = fitted(name, aapl)
    restored = load_model(first.to_bytes(), aapl["close"], features)

    forecast = first.forecast(30).prices
    assert np.all(np.isfinite(forecast)) and np.all(forecast > 0)
    assert np.array_equal(forecast, second.forecast(30).prices)
    assert np.array_equal(forecast, restored.forecast(30).prices)


def test_stock_forecasts_skip_weekends_and_crypto_forecasts_do_not(aapl):
    assert aapl.index[-1].day_name() == "Friday"  # 2013-03-01
    stock, _ = fitted("naive", aapl)
    crypto, _ = fitted("naive", aapl, weekdays_only=False)

    assert [d.strftime("%a %d") for d in stock.forecast(3).dates] == ["Mon 04", "Tue 05", "Wed 06"]
    assert [d.strftime("%a %d") for d in crypto.forecast(3).dates] == ["Sat 02", "Sun 03", "Mon 04"]


def test_naive_carries_the_last_close_and_drift_compounds_the_mean_return():
    frame = made_up([100.0, 110.0, 121.0])
    assert fitted("naive", frame)[0].forecast(2).prices.tolist() == [121.0, 121.0]
    assert fitted("drift", frame)[0].forecast(2).prices == pytest.approx([133.1, 146.41])


@pytest.mark.parametrize("name", ["random_forest", "svr"])
def test_the_fast_one_step_prediction_equals_the_pipeline(name, aapl):
    model, features = fitted(name, aapl)
    x = features.dropna().to_numpy()[-50:]
    assert np.allclose(model._predict_step(x), model.pipeline.predict(x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["random_forest", "svr"])
def test_the_learners_predict_returns_not_price_levels(name):
    # A series far above anything seen in training moves by returns of the usual size, not back to old levels.
    rng = np.random.default_rng(3)
    frame = made_up(50 * np.exp(np.cumsum(rng.normal(0.0005, 0.01, 300))))
    frame.iloc[-40:, :4] *= 3  # a jump to a new level
    model, _ = fitted(name, frame)
    path = model.forecast(10).prices
    assert np.all(np.abs(np.diff(np.log(path))) < 0.1)
    assert path[0] == pytest.approx(frame["close"].iloc[-1], rel=0.1)


def test_training_stores_bands_from_the_backtest_errors_at_each_horizon():
    frame = sample_frame(bars=400)
    result = train("random_forest", frame, options=TINY["random_forest"], origins=60, max_horizon=30)

    prices, lower, upper = map(np.array, (result.prices, result.lower, result.upper))
    quantiles = np.array([h["band"] for h in result.horizons])
    # The 10th and 90th percentiles of log(actual / forecast): off-centre when the model was biased.
    assert np.allclose(lower, prices * np.exp(quantiles[:, 0])) and np.allclose(upper, prices * np.exp(quantiles[:, 1]))
    assert len(prices) == 30 and np.all(lower < upper)
    assert (upper - lower)[-1] > 2 * (upper - lower)[0]
    assert len(result.horizons) == 30 and result.horizons[6]["origins"] == 60
    assert result.last_bar == frame.index[-1]
    info = result.info
    assert info["method"] == "recursive" and info["refits"] == 10  # 89 origins in blocks of 10, and the final fit
    assert info["data_range"] == {"from": frame.index[0], "to": frame.index[-1]}


def test_a_model_only_needs_the_closes_and_features_it_was_trained_on_to_forecast_again(aapl):
    model, features = fitted("svr", aapl)
    data = model.to_bytes()
    assert data[:2] == b"PK"  # a numpy .npz archive
    restored = load_model(data, aapl["close"], features)
    assert restored.options() == model.options()
    assert isinstance(restored.forecast(5).dates[0], pd.Timestamp)
