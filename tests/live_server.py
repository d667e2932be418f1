"""A real gunicorn, started with the production settings (gunicorn.conf.py) on a free loopback port.

Concurrency, fault and slow-client tests need the app as production runs it: several worker processes
behind one socket, not the test client. Each server is this test's own and is stopped (only it) after.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers, if not with 200 (say /health while the cache is down)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def gunicorn(tmp_path, database_url, workers=2, extra_env=None, args=()):
    """Yield the base URL of gunicorn serving wsgi:app with gunicorn.conf.py; stop it afterwards."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "live-server-test",
        "DATABASE_URL": database_url,
        "MARKET_DATA_SOURCE": "sample",
        "WEB_CONCURRENCY": str(workers),
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    env.pop("REDIS_URL", None) if "REDIS_URL" not in (extra_env or {}) else None
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "wsgi:app", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/health", process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
