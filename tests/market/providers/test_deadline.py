"""One deadline per fetch: against a network that never answers, a fetch ends within MARKET_TIMEOUT_S.

The black hole is a real local socket that accepts connections (the kernel completes the handshake for its
backlog) and never answers; the real curl_cffi (yfinance's transport) and requests (ccxt's) reach it as their
HTTPS proxy, so their CONNECT waits forever, like a firewall that drops packets. yfinance alone gives its
cookie request 30 s: without the deadline these fetches took 30 s and more. The bounds asserted are the
issue's (the timeout plus one second): they guard against hangs, they measure no speed.
"""

import socket
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import requests

from financial_dashboard.market.providers import ProviderUnavailable, ccxt_provider, deadline
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

from ..conftest import bars

TIMEOUT = 1.0


@pytest.fixture
def black_hole():
    """The address of a TCP server that accepts connections and never says a word."""
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(64)
    yield f"http://127.0.0.1:{hole.getsockname()[1]}"
    hole.close()


@pytest.fixture
def dead_yahoo(black_hole, fresh_yfinance):
    """yfinance's own kind of session (curl_cffi, impersonating Chrome) on a network that never answers."""
    from curl_cffi import requests as curl

    session = curl.Session(impersonate="chrome", proxies={"https": black_hole, "http": black_hole})
    yield YFinanceProvider(timeout=TIMEOUT, session=session)
    session.close()


def timed(call, *args, **kwargs):
    started = time.monotonic()
    try:
        return call(*args, **kwargs), time.monotonic() - started
    except Exception as error:  # the error is the result here
        return error, time.monotonic() - started


def test_clamp_outside_and_inside_a_deadline():
    assert deadline.clamp(30) == 30 and deadline.clamp(None) is None and deadline.remaining() is None
    with deadline.deadline(2):
        assert 1.9 < deadline.clamp(30) <= 2  # yfinance's 30 s cookie request gets what is left
        assert deadline.clamp(0.5) == 0.5
        assert 1.9 < deadline.clamp(None) <= 2  # curl_cffi's "no timeout" too
        assert deadline.clamp((0.25, 0.5)) == 0.75  # a (connect, read) pair, summed as curl does
        with deadline.deadline(10):
            assert deadline.remaining() <= 2  # a nested deadline never extends the outer one
    with deadline.deadline(0), pytest.raises(deadline.DeadlineExceeded):
        deadline.clamp(30)
    assert issubclass(deadline.DeadlineExceeded, TimeoutError)  # what yfinance treats as a transient error


def test_a_bounded_session_hands_the_time_left_to_every_request():
    class Recorder:
        def __init__(self):
            self.timeouts = []

        def request(self, method, url, **kwargs):
            self.timeouts.append(kwargs.get("timeout"))

        def get(self, url, **kwargs):
            return self.request(method="GET", url=url, **kwargs)  # how curl_cffi's get() calls request()

    session = deadline.bounded(deadline.bounded(Recorder()))  # idempotent
    session.get("https://fc.yahoo.com", timeout=30)
    with deadline.deadline(1):
        session.get("https://fc.yahoo.com", timeout=30)
        session.get("https://query1.finance.yahoo.com/v1/test/getcrumb")
    assert session.timeouts[0] == 30 and 0.9 < session.timeouts[1] <= 1 and 0.9 < session.timeouts[2] <= 1


def test_a_requests_session_is_bounded_too(black_hole):
    session = deadline.bounded(requests.Session())
    session.proxies = {"https": black_hole}
    with deadline.deadline(0.5):
        error, elapsed = timed(session.get, "https://api.binance.com/api/v3/ping", timeout=30)
    assert isinstance(error, requests.exceptions.Timeout) and elapsed < 1.5


def test_a_yahoo_fetch_on_a_dead_network_ends_within_the_timeout(dead_yahoo):
    error, elapsed = timed(dead_yahoo.fetch_ohlcv, "AAPL", pd.Timestamp("2024-01-02", tz="UTC"))
    assert isinstance(error, ProviderUnavailable) and error.cause == "timeout", error
    assert elapsed < TIMEOUT + 1


def test_the_api_answers_stale_or_503_within_market_timeout_plus_a_second(app, client, live, dead_yahoo, monkeypatch):
    monkeypatch.setitem(app.config, "MARKET_TIMEOUT_S", TIMEOUT)
    live.use("yfinance", dead_yahoo)

    response, elapsed = timed(client.get, "/api/stock/MSFT?period=30d")
    assert response.status_code == 503 and elapsed < TIMEOUT + 1
    assert "(timeout)" in response.json["error"]["description"]

    from financial_dashboard.market import store

    store.store_bars("yfinance", "AAPL", "1d", bars("AAPL"))
    response, elapsed = timed(client.get, "/api/stock/AAPL?period=30d")
    assert response.status_code == 200 and elapsed < TIMEOUT + 1
    assert (response.json["stale"], response.json["stale_reason"]) == (True, "timeout")


def test_an_exchange_fetch_on_a_dead_network_ends_within_the_timeout(black_hole, monkeypatch):
    monkeypatch.setattr(ccxt_provider, "_exchanges", {})
    monkeypatch.setattr(ccxt_provider, "_market_locks", {})
    provider = CcxtProvider(timeout=TIMEOUT)
    provider.exchange.httpsProxy = black_hole
    provider.exchange.timeout = 30_000  # ccxt's own per-request timeout (ms) would let each page wait 30 s
    error, elapsed = timed(provider.fetch_ohlcv, "BTC/USDT")
    assert isinstance(error, ProviderUnavailable) and error.cause == "timeout", error
    assert elapsed < TIMEOUT + 1


GEVENT_SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import socket, sys, time
    import gevent
    import pandas as pd
    from curl_cffi import requests as curl
    from financial_dashboard.market.providers import ProviderUnavailable
    from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider

    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(64)
    proxy = "http://127.0.0.1:%d" % hole.getsockname()[1]
    provider = YFinanceProvider(timeout=1.0, session=curl.Session(impersonate="chrome", proxies={"https": proxy}))

    def fetch(symbol):
        started = time.monotonic()
        try:
            provider.fetch_ohlcv(symbol, pd.Timestamp("2024-01-02", tz="UTC"))
        except ProviderUnavailable as error:
            return error.cause, time.monotonic() - started

    jobs = [gevent.spawn(fetch, symbol) for symbol in ("AAPL", "MSFT")]
    gevent.joinall(jobs, timeout=30)
    print(" ".join("%s:%.3f" % job.value for job in jobs))
""")


def test_the_deadline_holds_in_a_gevent_worker():
    """gunicorn's gevent worker patches sockets, threads and time; curl's own timeout does not care."""
    pytest.importorskip("gevent")
    done = subprocess.run(
        [sys.executable, "-c", GEVENT_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[3]),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = [item.split(":") for item in done.stdout.split()]
    assert [cause for cause, _ in results] == ["timeout", "timeout"]
    # Each greenlet's fetch ends within its own deadline (the deadline is per greenlet, like a request).
    assert all(float(seconds) < TIMEOUT + 1 for _, seconds in results), done.stdout
