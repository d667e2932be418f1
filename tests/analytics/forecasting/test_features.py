"""Features come from the analytics indicators, and their one-close-at-a-time extension matches them exactly."""

import numpy as np
import pytest

from financial_dashboard.analytics import indicators
from financial_dashboard.analytics.forecasting.features import (
    FEATURES,
    WARMUP,
    FeatureState,
    build_features,
    indicator_memory,
)

from .conftest import sample_frame


def test_features_are_the_indicators_of_the_analytics_module():
    frame = sample_frame(bars=200)
    close = frame["close"]
    features = build_features(frame)

    assert list(features.columns) == list(FEATURES)
    row = features.iloc[-1]
    assert row["rsi"] == pytest.approx(indicators.rsi(close).iloc[-1] / 100)
    assert row["macd_histogram"] == pytest.approx(indicators.macd(close)["histogram"].iloc[-1] / close.iloc[-1])
    bands = indicators.bollinger(close).iloc[-1]
    assert row["bollinger_b"] == pytest.approx((close.iloc[-1] - bands["lower"]) / (bands["upper"] - bands["lower"]))
    assert row["return_0"] == pytest.approx(np.log(close.iloc[-1] / close.iloc[-2]))
    assert row["return_4"] == pytest.approx(np.log(close.iloc[-5] / close.iloc[-6]))
    assert row["momentum"] == pytest.approx(close.iloc[-1] / close.iloc[-11] - 1)
    assert features.iloc[WARMUP:].notna().all().all()


def test_features_are_causal_a_prefix_gives_the_same_rows():
    frame = sample_frame(bars=200)
    whole = build_features(frame)
    prefix = build_features(frame.iloc[:120])
    assert np.allclose(prefix.iloc[WARMUP:].to_numpy(), whole.iloc[WARMUP:120].to_numpy(), rtol=0, atol=1e-12)


def test_stepping_the_state_with_the_real_closes_reproduces_build_features():
    frame = sample_frame(bars=300)
    frame["volume"] = 1000.0  # future volume is taken as unchanged; here it really is
    closes = frame["close"]
    features = build_features(frame)
    ends = np.array([100, 180, 240])
    state = FeatureState(closes.to_numpy(), indicator_memory(closes), features.to_numpy(), ends)

    assert np.allclose(state.current, features.to_numpy()[ends])
    for step in range(1, 40):
        stepped = state.step(closes.to_numpy()[ends + step])
        assert np.allclose(stepped, features.to_numpy()[ends + step], rtol=1e-9, atol=1e-12), step


def test_the_state_refuses_origins_inside_the_warm_up():
    frame = sample_frame(bars=100)
    closes = frame["close"]
    with pytest.raises(ValueError, match="warm-up"):
        FeatureState(closes.to_numpy(), indicator_memory(closes), build_features(frame).to_numpy(), np.array([20]))
