"""Training in a child process: the same result as in this one, errors carried back, a stuck child stopped."""

import sys

import numpy as np
import pytest

from financial_dashboard.analytics.forecasting import NotEnoughHistory
from financial_dashboard.analytics.forecasting.isolated import TrainingFailed, train_in_child
from financial_dashboard.analytics.forecasting.training import train

from .conftest import sample_frame


def test_the_child_trains_exactly_what_this_process_would_and_reports_progress():
    frame = sample_frame(bars=200)
    events = []
    child = train_in_child("drift", frame, timeout=120, progress=events.append, origins=30, max_horizon=10)
    here = train("drift", frame, origins=30, max_horizon=10)

    assert np.array_equal(child.prices, here.prices) and child.horizons == here.horizons
    assert child.payload == here.payload
    assert events[-1] == {"stage": "backtest", "block": 39, "blocks": 39}


def test_an_error_of_the_training_comes_back_as_itself():
    with pytest.raises(NotEnoughHistory) as raised:
        train_in_child("random_forest", sample_frame(bars=100), timeout=120)
    assert (raised.value.needed, raised.value.available) == (183, 100)


def test_a_child_that_runs_too_long_is_stopped():
    before = "tensorflow" in sys.modules
    with pytest.raises(TrainingFailed, match="longer than 2 s and was stopped"):
        train_in_child("lstm", sample_frame(bars=300), timeout=2, options={"epochs": 10_000})
    assert ("tensorflow" in sys.modules) == before  # the child imported it, not this process
