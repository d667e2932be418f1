"""One deadline per fetch: every HTTP request a provider's library makes gets at most the time that is left.

yfinance gives its cookie and crumb requests 30 s each and its time-zone lookup 10 s, whatever timeout the
caller passed; ccxt pages through candles with one timeout per page. A fetch is therefore bounded here, at
the one place all their requests pass through: the HTTP session. ``bounded(session)`` makes the session's
``request`` replace each call's timeout by ``min(timeout, time left)`` and refuse to start a request once the
time is up, so a dead network turns into a timeout error within the deadline (plus the few milliseconds it
takes to raise it).

The time left is handed to the transport as its own timeout: curl's CURLOPT_TIMEOUT_MS for curl_cffi
(yfinance), the socket timeouts for requests (ccxt). Nothing here relies on a Python thread or signal
to interrupt a call, so the bound holds under gevent too, where curl_cffi's blocking C call cannot be
interrupted by the event loop (gevent patches the sockets requests uses, so there the timeout is
enforced by gevent's own socket waits). The deadline lives in a ContextVar, which is per thread and, with
greenlet >= 1.0, per greenlet: concurrent fetches sharing one session each keep their own.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time

# Below this, starting a request is pointless (and curl reads a 0 ms timeout as "no timeout").
MIN_REQUEST_S = 0.005

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("market_fetch_deadline", default=None)


class DeadlineExceeded(TimeoutError):
    """The fetch's time is up; raised instead of starting another request.

    A TimeoutError (so an OSError): yfinance's own retry logic treats it as a transient network error and
    gives up on the optional cookie and crumb, exactly as it would for a real timeout.
    """


@contextlib.contextmanager
def deadline(seconds: float):
    """Bound every request made through a ``bounded`` session inside the block to ``seconds`` in total.

    Nested blocks keep the earlier of the two deadlines.
    """
    ends = time.monotonic() + float(seconds)
    current = _deadline.get()
    token = _deadline.set(ends if current is None else min(current, ends))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline, or None outside any ``deadline`` block."""
    ends = _deadline.get()
    return None if ends is None else ends - time.monotonic()


def clamp(timeout):
    """``timeout`` (seconds, a (connect, read) pair, None or absent) limited to the time left.

    Returns a single number of seconds (a pair is summed first: curl_cffi adds the two up as well), or
    ``timeout`` unchanged outside a deadline. Raises DeadlineExceeded when the time is up.
    """
    left = remaining()
    if left is None:
        return timeout
    if left < MIN_REQUEST_S:
        raise DeadlineExceeded(f"The market-data fetch ran out of time ({-left:.3f} s past its deadline).")
    if isinstance(timeout, (tuple, list)):
        timeout = sum(t for t in timeout if isinstance(t, (int, float)))
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and 0 < timeout < left:
        return float(timeout)
    return left


def bounded(session):
    """Make ``session`` (requests or curl_cffi) respect the current deadline on every request; idempotent.

    The instance's ``request`` is wrapped rather than the class subclassed, so that sessions made by a
    library (ccxt builds its own) and sessions handed in by tests are bounded the same way.
    """
    if getattr(session, "_fd_bounded", False):
        return session
    send = session.request

    @functools.wraps(send)
    def request(method, url, *args, **kwargs):
        if remaining() is not None:
            kwargs["timeout"] = clamp(kwargs.get("timeout"))
        return send(method, url, *args, **kwargs)

    session.request = request
    session._fd_bounded = True
    return session
