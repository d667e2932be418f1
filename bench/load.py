"""Load test, one command: ``.venv/bin/python bench/load.py`` (see bench/README.md).

gunicorn with the production settings (gunicorn.conf.py: gevent, 2 workers) on a throwaway PostgreSQL
database and the real Redis (a key prefix of this run's own), a few users each holding goals and a 3-asset
portfolio synced from the bundled sample prices, and ``wrk`` sending a weighted mix of what a signed-in user
does: list goals, portfolio performance, the dashboard (API and page), cached stock data. Every user logs
in once at the start (a token and a browser session), so login throttling is never reached.

The same mix then runs against a second server with the per-user cache off (USER_CACHE_TTL_S=0), in the
same run, as the baseline. Prints requests/s, p50 and p99 of the whole mix and the errors (non-2xx answers
and socket errors) of both; exits 1 unless the cached run has no error and a p99 under 500 ms.
"""

import argparse
import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from market import row  # noqa: E402  (bench/market.py: the report table's rows)
from portfolio import postgres_database  # noqa: E402  (bench/portfolio.py: a throwaway PostgreSQL database)

from tests.live_server import gunicorn  # noqa: E402  (production settings, as the deploy tests run it)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "bench password 1"
USER_AGENT = "fd-bench"  # the same for the logins and for wrk: a session is tied to its browser
TARGET_P99_MS = 500
# What a signed-in user does, by weight: the market explorer, goals, the portfolio page's figures, the
# dashboard's data and the dashboard page itself.
MIX = (("stock", 25), ("goals", 20), ("performance", 20), ("dashboard", 20), ("page", 15))
HOLDINGS = (("AAPL", "10", "2008-01-02"), ("MSFT", "20", "2009-03-02"), ("IBM", "5", "2010-06-01"))

WRK_SCRIPT = """
local users = {users}
local mix = {mix}
local total = 0
for _, entry in ipairs(mix) do total = total + entry[2] end
local paths = {{
  stock = function(u) return "/api/stock/AAPL", {{}} end,
  goals = function(u) return "/api/goals", {{Authorization = "Bearer " .. u.token}} end,
  performance = function(u) return "/api/portfolios/" .. u.portfolio .. "/performance",
                                   {{Authorization = "Bearer " .. u.token}} end,
  dashboard = function(u) return "/api/dashboard", {{Authorization = "Bearer " .. u.token}} end,
  page = function(u) return "/", {{Cookie = u.cookie}} end,
}}
local counter = 0
statuses, kinds = {{}}, {{}}

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads_list, thread)
end
threads_list = {{}}

function init(args)
  math.randomseed(os.time() * 1000 + seed)
end

function request()
  local user = users[math.random(#users)]
  local pick, kind = math.random(total), nil
  for _, entry in ipairs(mix) do
    if pick <= entry[2] then kind = entry[1] break end
    pick = pick - entry[2]
  end
  kinds[kind] = (kinds[kind] or 0) + 1
  local path, headers = paths[kind](user)
  headers["User-Agent"] = "{agent}"
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout))
  for _, thread in ipairs(threads_list) do
    for code, n in pairs(thread:get("statuses")) do io.write(string.format("STATUS %d %d\\n", code, n)) end
    for kind, n in pairs(thread:get("kinds")) do io.write(string.format("KIND %s %d\\n", kind, n)) end
  end
end
"""


# --- HTTP helpers (standard library only) ---


def call(base, method, path, body=None, headers=None, form=False):
    """(status, headers, text) of one request; JSON bodies unless ``form``."""
    headers = {"User-Agent": USER_AGENT, **(headers or {})}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def api(base, token, method, path, body=None, expect=(200, 201)):
    status, _, text = call(base, method, path, body, {"Authorization": f"Bearer {token}"})
    if status not in expect:
        raise SystemExit(f"{method} {path} answered {status}: {text[:300]}")
    return json.loads(text) if text else None


def cookies_of(headers) -> dict:
    # The production session cookie is Secure, which urllib's cookie jar would not send back over http.
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def log_in(base, email) -> tuple[str, str]:
    """A bearer token (POST /api/auth/token) and a browser session cookie (the login form), once each."""
    status, _, text = call(base, "POST", "/api/auth/token", {"email": email, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"token login of {email} answered {status}: {text[:300]}")
    token = json.loads(text)["access_token"]
    status, headers, text = call(base, "GET", "/login")
    cookies = cookies_of(headers)
    csrf = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text).group(1))
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    status, headers, text = call(
        base,
        "POST",
        "/login",
        {"email": email, "password": PASSWORD, "csrf_token": csrf},
        {"Cookie": cookie},
        form=True,
    )
    if status != 302:
        raise SystemExit(f"form login of {email} answered {status}: {text[:300]}")
    cookies.update(cookies_of(headers))
    return token, "; ".join(f"{k}={v}" for k, v in cookies.items())


# --- the data ---


def prepare(url, users) -> list[str]:
    """Migrate the database and create the users (in-process: registration is throttled); returns emails."""
    from flask_migrate import upgrade

    from financial_dashboard import create_app
    from financial_dashboard.auth import services as auth
    from financial_dashboard.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
    emails = [f"user{i}@bench.example" for i in range(users)]
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's line per migration
            upgrade()
        for email in emails:
            auth.register_user({"email": email, "password": PASSWORD, "name": email.split("@")[0]})
        db.engine.dispose()
    return emails


def seed(base, token) -> int:
    """Through the API: a portfolio of 3 stocks synced from the sample prices and 3 goals; the portfolio's id."""
    portfolio = api(base, token, "POST", "/api/portfolios", {"name": "Long term"})["id"]
    for symbol, quantity, bought in HOLDINGS:
        asset = api(
            base,
            token,
            "POST",
            f"/api/portfolios/{portfolio}/assets",
            {
                "name": symbol,
                "type": "stock",
                "symbol": symbol,
                "quantity": quantity,
                "amount_invested": "2500",
                "purchase_date": bought,
            },
        )["id"]
        api(base, token, "POST", f"/api/assets/{asset}/prices/sync")
    for title, target, savings, funded in (
        ("Emergency fund", "10000", "2500", False),
        ("House", "80000", "0", True),
        ("Holiday", "3000", "1200", False),
    ):
        api(
            base,
            token,
            "POST",
            "/api/goals",
            {
                "title": title,
                "target_amount": target,
                "current_savings": savings,
                "target_date": "2030-06-30",
                **({"portfolio_id": portfolio} if funded else {}),
            },
        )
    return portfolio


def check_mix(base, user) -> dict:
    """Each request of the mix answers 200 once (sizes for the report)."""
    sizes = {}
    requests = {
        "stock": ("/api/stock/AAPL", {}),
        "goals": ("/api/goals", {"Authorization": f"Bearer {user['token']}"}),
        "performance": (
            f"/api/portfolios/{user['portfolio']}/performance",
            {"Authorization": f"Bearer {user['token']}"},
        ),
        "dashboard": ("/api/dashboard", {"Authorization": f"Bearer {user['token']}"}),
        "page": ("/", {"Cookie": user["cookie"]}),
    }
    for kind, (path, headers) in requests.items():
        status, _, text = call(base, "GET", path, headers=headers)
        if status != 200 or (kind == "page" and "Net worth" not in text):
            raise SystemExit(f"{kind} {path} answered {status}: {text[:300]}")
        sizes[kind] = len(text.encode())
    return sizes


# --- load ---


def lua(users) -> str:
    def quote(value):
        return json.dumps(str(value))

    table = ", ".join(
        f"{{token = {quote(u['token'])}, cookie = {quote(u['cookie'])}, portfolio = {u['portfolio']}}}" for u in users
    )
    mix = ", ".join(f"{{{quote(kind)}, {weight}}}" for kind, weight in MIX)
    return WRK_SCRIPT.format(users="{" + table + "}", mix="{" + mix + "}", agent=USER_AGENT)


def run_wrk(base, script, seconds, threads, connections) -> dict:
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, base + "/"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = {"statuses": {}, "kinds": {}}
    for line in result.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["BENCH"]:
            requests, duration, p50, p99, *socket = map(int, parts[1:])
            out.update(
                requests=requests,
                rps=requests / (duration / 1e6),
                p50=p50 / 1000,
                p99=p99 / 1000,
                socket=socket[0] + socket[1] + socket[2] + socket[4],
            )
        elif parts[:1] in (["STATUS"], ["KIND"]):
            bucket = out["statuses" if parts[0] == "STATUS" else "kinds"]
            bucket[parts[1]] = bucket.get(parts[1], 0) + int(parts[2])
    out["non_2xx"] = sum(n for code, n in out["statuses"].items() if not code.startswith("2"))
    out["errors"] = out["non_2xx"] + out["socket"]
    return out


def measure(tmp, url, users, prefix, cache_ttl, args) -> dict:
    """One server (its own Redis key prefix), a warm-up, then the measured run."""
    env = {
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "USER_CACHE_TTL_S": str(cache_ttl),
        "SECRET_KEY": "bench-load",
        **pool_env(args),
    }
    script = tmp / "mix.lua"
    script.write_text(lua(users))
    with gunicorn(tmp, url, workers=args.workers, extra_env=env) as base:
        check_mix(base, users[0])
        run_wrk(base, str(script), args.warmup, args.threads, args.connections)
        workers = server_processes(base)
        before = cpu_seconds(workers)
        result = run_wrk(base, str(script), args.duration, args.threads, args.connections)
        used = cpu_seconds(workers) - before
    # CPU time per request does not depend on what else the machine runs; latency does.
    result.update(cpu_ms=used * 1000 / max(result["requests"], 1), cpus=used / args.duration)
    return result


def server_processes(base) -> list[int]:
    """The gunicorn processes (master and workers) serving ``base``."""
    bind = f"--bind\0{base.removeprefix('http://')}\0".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and bind in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def cpu_seconds(pids) -> float:
    """User and system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def pool_env(args) -> dict:
    """Database connections per worker for the requests it runs at once (SQLAlchemy's default is 5 + 10), kept
    open: an overflow connection is closed when it is given back, and opening one costs a server process."""
    per_worker = -(-args.connections // args.workers)
    return {"DATABASE_POOL_SIZE": str(per_worker), "DATABASE_MAX_OVERFLOW": str(per_worker // 8)}


def clean_redis(prefixes):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for prefix in prefixes:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    client.close()


def report(results, sizes, args) -> bool:
    cached, base = results["cached"], results.get("baseline")
    passed = cached["errors"] == 0 and cached["p99"] < TARGET_P99_MS
    lines = [
        row("benchmark", "measured", "target", None).replace(" -", "  "),
        "-" * 84,
        row("per-user cache on: requests/s", f"{cached['rps']:.0f}", "", None),
        row(
            "    p50 / p99 latency, whole mix",
            f"{cached['p50']:.1f} / {cached['p99']:.1f} ms",
            f"p99 < {TARGET_P99_MS}",
            cached["p99"] < TARGET_P99_MS,
        ),
        row("    errors (non-2xx + socket)", f"{cached['non_2xx']} + {cached['socket']}", "0", cached["errors"] == 0),
        row("    server CPU per request / CPUs it got", f"{cached['cpu_ms']:.1f} ms / {cached['cpus']:.2f}", "", None),
    ]
    if base:
        lines += [
            row("per-user cache off (baseline): requests/s", f"{base['rps']:.0f}", "", None),
            row("    p50 / p99 latency, whole mix", f"{base['p50']:.1f} / {base['p99']:.1f} ms", "", None),
            row("    errors (non-2xx + socket)", f"{base['non_2xx']} + {base['socket']}", "", None),
            row("    server CPU per request / CPUs it got", f"{base['cpu_ms']:.1f} ms / {base['cpus']:.2f}", "", None),
            row("requests/s ratio on / off", f"{cached['rps'] / base['rps']:.1f}", "", None),
            row("p99 ratio off / on", f"{base['p99'] / cached['p99']:.1f}", "", None),
        ]
    lines.append("mix (weight, answer size): " + ", ".join(f"{k} {w} ({sizes[k] / 1024:.0f} KB)" for k, w in MIX))
    lines.append("requests sent, cached run: " + ", ".join(f"{k} {n}" for k, n in sorted(cached["kinds"].items())))
    lines.append(f"statuses, cached run: {cached['statuses']}" + (f"; baseline: {base['statuses']}" if base else ""))
    lines.append(f"logins: {args.users} token + {args.users} form, once per user before the load")
    lines.append(
        f"load: wrk -t{args.threads} -c{args.connections} -d{args.duration}s (after {args.warmup} s of "
        f"warm-up), {args.users} users, gunicorn.conf.py ({args.workers} gevent workers, {pool_env(args)}), PostgreSQL, "
        f"Redis; {os.cpu_count()} CPUs shared by all, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print("\n".join(lines))
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of measured load per server (default 30)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as in production)")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--skip-baseline", action="store_true", help="only the run with the per-user cache")
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    run_id = uuid.uuid4().hex[:8]
    prefixes = {"cached": f"fd-bench-{run_id}-on:", "baseline": f"fd-bench-{run_id}-off:"}
    with postgres_database() as url, tempfile.TemporaryDirectory(prefix="fd-load-") as tmp:
        if url is None:
            raise SystemExit("PostgreSQL is unreachable (TEST_POSTGRES_URL); the load test needs it.")
        tmp = Path(tmp)
        emails = prepare(url, args.users)
        try:
            with gunicorn(
                tmp,
                url,
                workers=args.workers,
                extra_env={"REDIS_URL": REDIS_URL, "SECRET_KEY": "bench-load", "CACHE_KEY_PREFIX": prefixes["cached"]},
            ) as base:
                users = []
                for email in emails:
                    token, cookie = log_in(base, email)
                    users.append({"token": token, "cookie": cookie, "portfolio": seed(base, token)})
                sizes = check_mix(base, users[0])
            results = {"cached": measure(tmp, url, users, prefixes["cached"], 300, args)}
            if not args.skip_baseline:
                results["baseline"] = measure(tmp, url, users, prefixes["baseline"], 0, args)
        finally:
            clean_redis(prefixes.values())
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                for log in tmp.glob("gunicorn-*.log"):
                    shutil.copy(log, args.logs / log.name)
    return 0 if report(results, sizes, args) else 1


if __name__ == "__main__":
    sys.exit(main())
