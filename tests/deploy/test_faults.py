"""Faults in production mode: gunicorn (gunicorn.conf.py, 2 gevent workers) on PostgreSQL, with a
Redis and a database path that this test breaks on purpose.

- Redis killed, then frozen, during a steady load: every answer is still 200, none waits for more than
  the short Redis timeout, /health says the cache is degraded; when Redis is back, /health says ok
  and answers are cached in it again.
- The database behind a proxy switched into a black hole (pooled connections freeze, new ones are
  never answered): API routes answer 503 JSON and pages a styled 503, with Retry-After, in seconds;
  /health answers 503; static files stay instant; switched back, the same workers serve again.
"""

import json
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict

from sqlalchemy.engine import make_url

from tests.fault_tools import redis_server, tcp_proxy
from tests.live_server import gunicorn

PASSWORD = "a long enough password"


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        return json.loads(self.body)


def fetch(url, method="GET", body=None, headers=None, timeout=30):
    """One request; an HTTP error status is an answer too. Cookies are the caller's (they are Secure)."""
    data = None
    headers = dict(headers or {})
    if isinstance(body, dict):
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif isinstance(body, str):
        data, headers["Content-Type"] = body.encode(), "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    start = time.perf_counter()
    try:
        with NO_REDIRECTS.open(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read(), time.perf_counter() - start)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read(), time.perf_counter() - start)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def sign_up(base, email):
    """A user with a goal, a bearer token and a signed-in browser session cookie."""
    assert fetch(f"{base}/api/auth/register", "POST", {"email": email, "password": PASSWORD, "name": "F"}).status == 201
    token = fetch(f"{base}/api/auth/token", "POST", {"email": email, "password": PASSWORD}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    goal = {"title": "Car", "target_amount": "1000", "target_date": "2030-01-01"}
    assert fetch(f"{base}/api/goals", "POST", goal, auth).status == 201
    login_page = fetch(f"{base}/login")
    csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', login_page.body).group(1).decode()
    cookie = login_page.headers["Set-Cookie"].split(";")[0]
    form = urllib.parse.urlencode({"csrf_token": csrf, "email": email, "password": PASSWORD})
    signed_in = fetch(f"{base}/login", "POST", form, {"Cookie": cookie})
    assert signed_in.status == 302, signed_in.body[:500]
    # Signing in sets the session cookie and a known-device cookie (login throttling): send them all back.
    cookies = "; ".join(c.split(";")[0] for c in signed_in.headers.get_all("Set-Cookie"))
    return auth, {"Cookie": cookies}


class Load:
    """Threads sending a mix of requests until stopped; every answer is recorded with the phase it fell in."""

    def __init__(self, base, auth, threads=6):
        self.urls = [
            (f"{base}/api/stock/AAPL?period=1y", {}),
            (f"{base}/api/stock/MSFT?period=180d", {}),
            (f"{base}/api/stock/IBM?period=90d&indicators=rsi", {}),
            (f"{base}/api/goals", auth),
            (f"{base}/api/dashboard", auth),
        ]
        self.phase = "warm"
        self.answers = defaultdict(list)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, offset):
        n = offset
        while not self.stop.is_set():
            url, headers = self.urls[n % len(self.urls)]
            phase = self.phase
            answer = fetch(url, headers=headers, timeout=20)
            self.answers[phase].append((url.split("/api/")[1], answer.status, answer.seconds))
            n += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def run_phase(self, name, seconds):
        self.phase = name
        time.sleep(seconds)


def summary(answers):
    seconds = sorted(s for _, _, s in answers)
    return {
        "n": len(answers),
        "statuses": sorted({status for _, status, _ in answers}),
        "median_ms": round(statistics.median(seconds) * 1000),
        "max_ms": round(seconds[-1] * 1000),
    }


def test_redis_killed_or_frozen_under_load_costs_nothing_but_speed(tmp_path, live_database):
    with redis_server() as server, gunicorn(tmp_path, live_database, extra_env={"REDIS_URL": server.url}) as base:
        auth, _ = sign_up(base, "cache-faults@example.com")
        health = lambda: fetch(f"{base}/health")  # noqa: E731
        assert health().json() == {"status": "ok", "database": "ok", "cache": "ok"}

        with Load(base, auth) as load:
            load.run_phase("warm", 2)
            server.kill()
            load.run_phase("killed", 4)
            killed_health = health()
            server.start()
            load.run_phase("restarted", 3)
            server.freeze()
            load.run_phase("frozen", 4)
            frozen_health = health()
            server.thaw()
            load.run_phase("thawed", 3)

        figures = {phase: summary(answers) for phase, answers in load.answers.items()}
        print(figures)
        for phase, answers in load.answers.items():
            assert {status for _, status, _ in answers} == {200}, (phase, figures[phase])
        # Frozen, a request pays at most one Redis timeout (REDIS_TIMEOUT_S, 0.5 s by default) on top of its
        # own work; before, every cache call waited 5 s and the request then failed.
        assert figures["frozen"]["max_ms"] < 2000 and figures["killed"]["max_ms"] < 2000, figures
        for answer in (killed_health, frozen_health):
            assert answer.status == 200
            assert answer.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
        assert health().json() == {"status": "ok", "database": "ok", "cache": "ok"}
        # Caching resumed: the thawed Redis holds fresh answers again.
        server.client().flushall()
        deadline = time.monotonic() + 10  # a worker that failed last retries Redis within REDIS_RETRY_S
        while not server.client().keys("*answer:json:stock*") and time.monotonic() < deadline:
            fetch(f"{base}/api/stock/AAPL?period=1y")
            time.sleep(0.2)
        assert server.client().keys("*answer:json:stock*")


def test_a_database_that_stops_answering_gives_503s_in_seconds_and_the_app_recovers(tmp_path, live_database):
    url = make_url(live_database)
    with tcp_proxy(url.host, url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with gunicorn(tmp_path, proxied) as base:  # default timeouts: connect 3 s, statement 5 s
            auth, session = sign_up(base, "database-faults@example.com")
            assert fetch(f"{base}/goals", headers=session).status == 200

            proxy.black_hole()  # the pooled connections freeze; new ones are accepted and never answered
            answers = {}

            def call(name, path, **kwargs):
                answers[name] = fetch(f"{base}{path}", timeout=40, **kwargs)

            calls = [
                ("api", "/api/goals", {"headers": auth}),
                ("page", "/goals", {"headers": session}),
                (
                    "token",
                    "/api/auth/token",
                    {"method": "POST", "body": {"email": "a@example.com", "password": "x" * 9}},
                ),
                ("health", "/health", {}),
            ]
            calls += [(f"api-{i}", "/api/dashboard", {"headers": auth}) for i in range(12)]
            threads = [threading.Thread(target=call, args=(name, path), kwargs=kwargs) for name, path, kwargs in calls]
            for thread in threads:
                thread.start()
            time.sleep(0.5)  # every worker now has requests waiting on the database
            static = [
                fetch(f"{base}{path}", headers=session)
                for path in ("/static/app.css", "/vendor/plotly.min.js", "/static/app.css")
            ]
            for thread in threads:
                thread.join()

            print(
                {name: (a.status, round(a.seconds, 2)) for name, a in answers.items()},
                [round(a.seconds, 3) for a in static],
            )
            assert all(a.status == 200 and a.seconds < 0.5 for a in static)
            for name, answer in answers.items():
                assert answer.status == 503 and answer.headers["Retry-After"] == "5", (name, answer.body[:300])
                # A frozen pooled connection: its pre-ping gives up after 3 s, one reconnect after 3 s more.
                assert answer.seconds < 8, (name, answer.seconds)
            assert answers["api"].json()["error"]["code"] == 503
            assert answers["health"].json() == {"status": "error", "database": "unreachable", "cache": "none"}
            page = answers["page"].body.decode()
            assert answers["page"].headers["Content-Type"].startswith("text/html")
            assert "503 Service Unavailable" in page and "bootstrap.min.css" in page

            # New requests while it stays dark: one connect timeout each.
            later = fetch(f"{base}/api/goals", headers=auth)
            assert later.status == 503 and later.seconds < 4.5

            proxy.forward()
            recovered = fetch(f"{base}/api/goals", headers=auth)
            assert recovered.status == 200 and recovered.json()["total"] == 1
            assert fetch(f"{base}/health").json() == {"status": "ok", "database": "ok", "cache": "none"}
            assert fetch(f"{base}/goals", headers=session).status == 200
