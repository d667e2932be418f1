"""Forecast fixtures: small models, a clean cache, a count of trainings, and the market fakes.

The app is shared by the session, so each fixture puts back what it changes (monkeypatch) and waits for
background jobs before the tables are emptied.
"""

import pytest

from financial_dashboard.analytics.forecasting import training
from financial_dashboard.extensions import cache
from financial_dashboard.predictions import jobs, services
from tests.market.conftest import fresh_cache, live  # noqa: F401  (fixtures for the live-source tests)

LIGHT = ["naive", "drift", "random_forest", "svr"]
TINY = {
    "random_forest": {"trees": 8, "refit_every": 10},
    "svr": {"refit_every": 5},
    "lstm": {"epochs": 2, "refit_epochs": 1, "units": [4, 2], "refit_every": 40},
}


@pytest.fixture(autouse=True)
def forecasts(request, monkeypatch):
    """Small models, the light ones only (the LSTM has tests of its own), an empty cache, no job left behind.

    Only for tests on the shared app: the others start an app or a server of their own.
    """
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    monkeypatch.setitem(app.config, "PREDICTIONS_MODEL_OPTIONS", TINY)
    # In this process, so that trainings can be counted and each does not start Python anew; the child
    # process is tested in test_weight.py, test_gunicorn.py and tests/analytics/forecasting/test_isolated.py.
    monkeypatch.setitem(app.config, "PREDICTIONS_TRAIN_IN_PROCESS", LIGHT)
    monkeypatch.setitem(app.config, "PREDICTIONS_MODELS", LIGHT)
    cache.clear()
    yield app.config
    jobs.wait_all(120)
    cache.clear()


class Trainings:
    """Counts the trainings that really ran (in this process), by model."""

    def __init__(self, monkeypatch):
        self.calls = []
        real = training.train

        def counting(name, frame, **kwargs):
            self.calls.append(name)
            return real(name, frame, **kwargs)

        monkeypatch.setattr(services.trainer, "train", counting)

    def count(self, name=None):
        return len([c for c in self.calls if name is None or c == name])


@pytest.fixture
def trainings(monkeypatch):
    return Trainings(monkeypatch)


@pytest.fixture
def browser_user(user, login_as):
    """Alice, signed in through the browser session (reads of the API are allowed with it)."""
    return login_as(user)
