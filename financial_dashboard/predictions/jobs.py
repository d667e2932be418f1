"""Trainings that outlive the request that started them (the LSTM's, which take longer than a request should).

A job runs in a thread of the web process with its own app context (under gunicorn's gevent worker a
"thread" is a greenlet, and the job mostly waits on its child process, so the worker keeps serving).
Requests for the same key in the same process share one job; across processes the training lock
makes the second job wait and then find the first one's result in the store.
"""

import dataclasses
import logging
import threading
import time

from ..analytics.forecasting import ForecastError
from ..errors import AppError
from ..extensions import db

log = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class Job:
    key: str
    started: float = dataclasses.field(default_factory=time.time)
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    error: BaseException | None = None

    def wait(self, seconds: float | None) -> bool:
        """Whether the job finished within ``seconds`` (None: however long it takes)."""
        return self.done.wait(seconds)


_jobs: dict[str, Job] = {}
_guard = threading.Lock()


def start(app, key: str, work) -> Job:
    """Run ``work()`` in the background for ``key``, unless a job for it is already running here."""
    with _guard:
        job = _jobs.get(key)
        if job is not None and not job.done.is_set():
            return job
        job = _jobs[key] = Job(key)

    def run():
        with app.app_context():
            try:
                work()
            except Exception as error:  # reported to whoever waits on the job
                job.error = error
                if not isinstance(error, (AppError, ForecastError)):
                    log.exception("Training job %s failed", key)
            finally:
                db.session.remove()
                job.done.set()

    threading.Thread(target=run, name=f"train:{key}", daemon=True).start()
    return job


def running(key: str) -> Job | None:
    job = _jobs.get(key)
    return job if job is not None and not job.done.is_set() else None


def wait_all(seconds: float | None = None) -> None:
    """Wait for every job of this process (tests, and a clean shutdown)."""
    for job in list(_jobs.values()):
        job.wait(seconds)
