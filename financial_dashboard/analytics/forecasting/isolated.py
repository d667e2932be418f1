"""Run one training in a child Python process, for models whose library is heavy (TensorFlow).

The parent never imports the library: the child does, trains, writes the result and exits, returning
its memory (TensorFlow alone holds ~500 MB) to the system. Progress events come back as JSON lines on
the child's stdout; a child that outlives ``timeout`` seconds is killed. Waiting on the child is a
pipe read and a process wait, which a gevent worker turns into a cooperative wait, so the worker keeps
serving other requests meanwhile.

Run as ``python -m financial_dashboard.analytics.forecasting.isolated REQUEST RESULT`` (pickled files).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .base import ForecastError

PACKAGE_ROOT = Path(__file__).resolve().parents[3]  # the folder holding financial_dashboard/


class TrainingFailed(ForecastError):
    """The child crashed, was killed or timed out; ``message`` says which, without a stack trace."""


def train_in_child(name: str, frame, *, timeout: float, progress=None, **kwargs):
    """``training.train(name, frame, **kwargs)`` in a child process; returns its TrainedModel.

    Errors the training raises on purpose (ForecastError) are raised again here as they were.
    """
    with tempfile.TemporaryDirectory(prefix="forecast-") as folder:
        request, result, errors = (Path(folder) / n for n in ("request.pkl", "result.pkl", "stderr.txt"))
        request.write_bytes(pickle.dumps({"name": name, "frame": frame, "kwargs": kwargs}))
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")])),
        }
        with open(errors, "wb") as stderr:
            child = subprocess.Popen(
                [sys.executable, "-m", __name__, str(request), str(result)],
                cwd=PACKAGE_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
        expired = threading.Event()
        timer = threading.Timer(timeout, lambda: (expired.set(), child.kill()))
        timer.daemon = True
        timer.start()
        try:
            for line in child.stdout:
                if progress is not None:
                    progress(json.loads(line))
            code = child.wait()
        finally:
            timer.cancel()
            if child.poll() is None:  # the progress callback raised: do not leave the child behind
                child.kill()
                child.wait()
            child.stdout.close()
        if code != 0 or not result.exists():
            cause = (
                f"took longer than {timeout:g} s and was stopped"
                if expired.is_set()
                else f"was ended by signal {-code}"
                if code < 0
                else f"failed (exit code {code})"
            )
            tail = errors.read_text(errors="replace").strip().splitlines()[-1:] if code > 0 else []
            raise TrainingFailed(f"The {name} training {cause}." + (f" Last message: {tail[0][:300]}" if tail else ""))
        outcome = pickle.loads(result.read_bytes())  # noqa: S301 - written by our own child process
        if isinstance(outcome, ForecastError):
            raise outcome
        return outcome


def _main(request_path: str, result_path: str) -> int:
    from .training import train

    request = pickle.loads(Path(request_path).read_bytes())  # noqa: S301 - written by our parent

    def progress(event):
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()

    try:
        outcome = train(request["name"], request["frame"], progress=progress, **request["kwargs"])
    except ForecastError as error:
        outcome = error
    Path(result_path).write_bytes(pickle.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(_main(*sys.argv[1:3]))
