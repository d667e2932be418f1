"""Training on demand: one training at a time per model (across threads, processes and machines), long
trainings in the background with 202 and polling, retraining now, failures as 503 rather than 500."""

import threading
import time

import pytest

from financial_dashboard.analytics.forecasting import training
from financial_dashboard.analytics.forecasting.isolated import TrainingFailed
from financial_dashboard.predictions import locks, services


def test_two_requests_at_once_train_once_and_share_the_result(app, api, trainings, monkeypatch):
    real = training.train

    def slow(name, frame, **kwargs):  # long enough for the second request to arrive meanwhile
        time.sleep(0.5)
        return real(name, frame, **kwargs)

    monkeypatch.setattr(training, "train", slow)
    answers = []

    def ask():
        answers.append(
            api.client.get("/api/predictions/GOOG?model=svr&days=2", headers={"Authorization": f"Bearer {api.token}"})
        )

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert [a.status_code for a in answers] == [200, 200]
    assert trainings.count() == 1
    assert answers[0].json["model_info"]["trained_at"] == answers[1].json["model_info"]["trained_at"]


def test_a_held_lock_makes_the_next_one_wait_and_then_give_up(app):
    outcome = {}

    def other(timeout):
        with app.app_context():
            started = time.monotonic()
            try:
                with locks.training_lock("forecast:test", timeout):
                    outcome["acquired_after"] = time.monotonic() - started
            except locks.LockTimeout:
                outcome["gave_up_after"] = time.monotonic() - started

    with locks.training_lock("forecast:test", 5):
        waiter = threading.Thread(target=other, args=(0.4,))
        waiter.start()
        waiter.join(10)
        assert outcome.pop("gave_up_after") == pytest.approx(0.4, abs=0.3)
        late = threading.Thread(target=other, args=(10,))
        late.start()
        time.sleep(0.5)
    late.join(10)
    assert 0.4 < outcome["acquired_after"] < 2


def test_post_train_retrains_now_and_needs_a_token(api, browser_user, trainings):
    first = api.get("/api/predictions/IBM?model=random_forest&days=5").json
    response = api.post("/api/predictions/IBM/train?model=random_forest&days=5")

    assert response.status_code == 200 and trainings.count() == 2
    assert response.json["model_info"]["trained_at"] > first["model_info"]["trained_at"]
    assert api.get("/api/predictions/IBM?model=random_forest&days=5").json == response.json
    refused = browser_user.post("/api/predictions/IBM/train?model=random_forest")
    assert refused.status_code == 401
    assert api.post("/api/predictions/IBM/train").status_code == 400  # which model: required


class SlowChild:
    """Stands in for the child process of a heavy model: trains here, once ``gate`` is set."""

    def __init__(self, fail=None):
        self.gate, self.calls, self.fail = threading.Event(), 0, fail

    def __call__(self, name, frame, *, timeout, progress=None, **kwargs):
        self.calls += 1
        self.gate.wait(30)
        if self.fail:
            raise self.fail
        return training.train(name, frame, **kwargs)


@pytest.fixture
def heavy_drift(forecasts, monkeypatch):
    """Drift, trained the way the app trains by default (background job, child process), minus the process."""
    monkeypatch.setitem(forecasts, "PREDICTIONS_TRAIN_IN_PROCESS", ["naive", "random_forest", "svr"])
    child = SlowChild()
    monkeypatch.setattr(services, "train_in_child", child)
    return child


def test_a_long_training_answers_202_until_it_is_stored_then_200(api, heavy_drift):
    url = "/api/predictions/MSFT?model=drift&days=4"

    first = api.get(url + "&wait=0")
    second = api.get(url + "&wait=0.2")
    heavy_drift.gate.set()
    done = api.get(url + "&wait=20")

    assert first.status_code == second.status_code == 202
    assert first.headers["Retry-After"] == "3" and first.headers["Location"] == url + "&wait=0"
    assert first.json["status"] == "training" and first.json["model"] == "drift"
    assert first.json["started_at"] == second.json["started_at"]  # the same job, not a second training
    assert done.status_code == 200 and len(done.json["predictions"]) == 4
    assert heavy_drift.calls == 1


def test_the_comparison_lists_what_is_still_training_and_answers_202(api, heavy_drift):
    pending = api.get("/api/predictions/MSFT/compare?days=2&wait=0")
    heavy_drift.gate.set()
    complete = api.get("/api/predictions/MSFT/compare?days=2&wait=20")

    assert pending.status_code == 202 and pending.json["pending"] == ["drift"]
    assert [row["model"] for row in pending.json["models"]] == ["naive", "random_forest", "svr"]
    assert pending.json["summary"] == "Still training: drift."
    assert complete.status_code == 200 and complete.json["complete"] is True
    assert [row["model"] for row in complete.json["models"]] == ["naive", "drift", "random_forest", "svr"]


def test_a_failed_training_is_a_503_with_its_reason_and_is_not_retried_at_once(api, monkeypatch, heavy_drift):
    heavy_drift.fail = TrainingFailed("The drift training was ended by signal 9.")
    heavy_drift.gate.set()
    url = "/api/predictions/MSFT?model=drift&days=4&wait=20"

    first, second = api.get(url), api.get(url)

    for response in (first, second):
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert response.json["error"]["description"] == "The drift training was ended by signal 9."
    assert heavy_drift.calls == 1
