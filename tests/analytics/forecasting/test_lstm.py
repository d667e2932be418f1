"""The LSTM: Keras on TensorFlow, deterministic, one traced graph for inference, stored as weights.

Tiny networks and two epochs everywhere except the one slow test, which trains the real configuration
on two years of bundled AAPL closes end to end.
"""

import importlib.util

import numpy as np
import pytest

from financial_dashboard.analytics.forecasting import create_model, load_model
from financial_dashboard.analytics.forecasting.lstm import adaptive_look_back
from financial_dashboard.analytics.forecasting.training import train

from .conftest import TINY, sample_frame

# TensorFlow is imported by the tests themselves, in this process, so they run last (see tests/conftest.py,
# pytest_collection_modifyitems); only looked up here, not imported, so collecting this file loads nothing.
pytestmark = [
    pytest.mark.tensorflow,
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow is not installed"),
]


def tiny(**extra):
    return create_model("lstm", **{**TINY["lstm"], **extra})


def test_same_data_gives_the_same_forecast_and_the_stored_weights_give_it_too():
    closes = sample_frame(bars=200)["close"]
    first = tiny().fit(closes)
    second = tiny().fit(closes)
    restored = load_model(first.to_bytes(), closes)

    forecast = first.forecast(30).prices
    assert np.all(np.isfinite(forecast)) and np.all(forecast > 0)
    assert np.array_equal(forecast, second.forecast(30).prices)
    assert np.allclose(forecast, restored.forecast(30).prices, rtol=1e-6)
    assert first.look_back == 20
    # Inference is one graph traced once, whatever the batch or the horizon (no retracing per call).
    first.predict_paths([100, 110, 120], 7)
    first.forecast(3)
    assert first._step.experimental_get_tracing_count() == 1


def test_the_look_back_adapts_to_the_length_of_the_data():
    assert [adaptive_look_back(n) for n in (60, 150, 415, 900)] == [10, 15, 41, 60]


def test_early_stopping_and_refits_are_reported_in_the_model_info():
    closes = sample_frame(bars=200)["close"]
    events = []
    model = tiny(epochs=3).fit(closes.iloc[:150], progress=events.append)
    model.refit(closes, progress=events.append)
    info = model.info()
    assert [e["stage"] for e in events] == ["fit"] * 3 + ["refit"]
    assert info["epochs"] == 4 and info["look_back"] == 15 and info["training_samples"] == 200 - 15


@pytest.mark.slow
def test_the_real_configuration_trains_end_to_end_on_two_years_of_bundled_closes():
    frame = sample_frame("AAPL", bars=504)
    result = train("lstm", frame)

    info = result.info
    assert info["look_back"] == 41  # a tenth of the 414 closes before the first backtest origin
    assert info["units"] == [32, 16] and info["max_epochs"] == 40
    assert 5 <= info["epochs"] and info["refits"] == 3  # first fit, a refit 45 origins later, the final fit
    assert len(result.horizons) == 30 and all(h["origins"] == 60 for h in result.horizons)
    prices = np.array(result.prices)
    assert np.all(np.isfinite(prices)) and abs(prices[0] / frame["close"].iloc[-1] - 1) < 0.1
    assert all(h["ratio_to_naive"] > 0 for h in result.horizons)
