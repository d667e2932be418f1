"""Page speed in headless Chromium, one command: ``.venv/bin/python bench/pages.py`` (about 30 seconds).

Serves the app with gunicorn (2 workers, sample market data, a temporary SQLite database holding one
user with a goal and a portfolio of AAPL bought 2010-01-04, prices synced), logs in through the form,
and measures the time from navigation start to "chart drawn" (every ``.chart`` has
``data-ready="true"``, set by static/app.js once Plotly.newPlot resolves) for
(a) the dashboard and (b) the market explorer with a candlestick chart of at least 1,000 bars,
with the browser cache and the server's 20-second market cache warm. A page without charts
(the market explorer's empty search form, same layout, scripts and styles) is the baseline.
Prints median and p95 against the 1.5 s target with PASS/FAIL, and a breakdown of where the time
of one load goes; exits 1 when a target is missed.
"""

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# bench/market.py: serve on a free port and stop only that process afterwards.
from market import gunicorn  # noqa: E402 (bench/ is put on the path just above)

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TARGET_MS = 1500
EMAIL, PASSWORD = "bench@example.com", "bench password 1"
PURCHASE_DATE = "2010-01-04"
MARKET_URL = "/market?symbol=AAPL&period=5y&interval=1d"
MIN_BARS = 1000

# Runs before any page script: note when every chart of the page reports drawn (performance.now()
# counts from the navigation's start).
CHARTS_READY = """
window.__chartsReady = null;
new MutationObserver(function (_, observer) {
  var charts = document.querySelectorAll('.chart');
  if (charts.length && Array.prototype.every.call(charts, function (c) { return c.dataset.ready === 'true'; })) {
    window.__chartsReady = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-ready']});
"""
NAVIGATION = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {response: n.responseEnd, dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, html: n.transferSize,
          body: n.decodedBodySize}; }"""


def environment(folder: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "FLASK_APP", "DATABASE_URL")}
    env.update(
        APP_ENV="development",
        MARKET_DATA_SOURCE="sample",
        SECRET_KEY="bench-pages",
        LOG_LEVEL="WARNING",
        DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare_database(env: dict) -> int:
    """Migrate, then a user with a goal and an AAPL holding since 2010 with synced prices; returns the prices added."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from financial_dashboard import create_app
    from financial_dashboard.assets import services as assets
    from financial_dashboard.assets.schemas import AssetSchema
    from financial_dashboard.auth import services as auth
    from financial_dashboard.goals import services as goals
    from financial_dashboard.goals.schemas import ContributionSchema, GoalSchema
    from financial_dashboard.portfolios import services as portfolios
    from financial_dashboard.portfolios.schemas import PortfolioSchema
    from financial_dashboard.prices import services as prices

    app = create_app()
    with app.app_context():
        logging.disable(logging.INFO)  # alembic announces every migration
        upgrade()
        logging.disable(logging.NOTSET)
        user = auth.register_user({"email": EMAIL, "password": PASSWORD, "name": "Bench"})
        goal = goals.create_goal(
            user,
            GoalSchema().load(
                {
                    "title": "House",
                    "target_amount": "60000",
                    "current_savings": "12000",
                    "target_date": "2032-06-30",
                    "monthly_contribution": "500",
                }
            ),
        )
        goals.add_contribution(goal, ContributionSchema().load({"amount": "500", "date": dt.date.today().isoformat()}))
        portfolio = portfolios.create_portfolio(user, PortfolioSchema().load({"name": "Long term"}))
        asset = assets.create_asset(
            portfolio,
            AssetSchema().load(
                {
                    "name": "Apple",
                    "type": "stock",
                    "symbol": "AAPL",
                    "quantity": "10",
                    "amount_invested": "2140",
                    "purchase_date": PURCHASE_DATE,
                }
            ),
        )
        return prices.sync_from_market(asset)["created"]


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


class Browser:
    def __init__(self, playwright, base_url):
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        self.context = self.browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        self.context.add_init_script(CHARTS_READY)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.outside = []
        # Record (without routing, which would switch the HTTP cache off) anything sent beyond the app.
        self.page.on("request", lambda r: urlsplit(r.url).hostname in (None, "127.0.0.1") or self.outside.append(r.url))

    def log_in(self):
        self.page.goto("/login?next=%2Fmarket")  # a page without charts: plotly.js stays uncached for now
        self.page.fill("#email", EMAIL)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        if urlsplit(self.page.url).path != "/market":
            raise SystemExit(f"Logging in failed: ended on {self.page.url}")

    def load(self, url, charts=True) -> dict:
        """One navigation: ms from its start to every chart drawn (or to the load event without charts)."""
        response = self.page.goto(url, wait_until="load")
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        if charts:
            self.page.wait_for_function("window.__chartsReady !== null")
        timing = self.page.evaluate(NAVIGATION)
        timing["ready"] = self.page.evaluate("window.__chartsReady") if charts else timing["load"]
        return timing

    def measure(self, url, runs, warmup, charts=True):
        """``runs`` loads after ``warmup`` ones (browser cache, V8 code cache, both workers' market cache)."""
        self.first = [self.load(url, charts) for _ in range(max(1, warmup))][:1]
        return [self.load(url, charts) for _ in range(runs)]

    def figure_sizes(self):
        return self.page.evaluate("""() => [...document.querySelectorAll('script[type="application/json"]')]
            .map(s => [s.id, s.textContent.length])""")

    def profile(self, url) -> dict:
        """One warm load under Chrome's tracer: main-thread time in plotly.js compile/evaluation and in drawing."""
        self.load(url)
        self.browser.start_tracing(
            page=self.page, categories=["devtools.timeline", "v8", "disabled-by-default-v8.compile"]
        )
        self.load(url)
        events = json.loads(self.browser.stop_tracing())["traceEvents"]
        totals = {
            "plotly.js compile + evaluate": 0.0,
            "chart scripts (figure parse + newPlot)": 0.0,
            "layout + paint": 0.0,
        }
        for event in events:
            if event.get("ph") != "X" or "dur" not in event:
                continue
            data = event.get("args", {}).get("data", {})
            name, ms = event["name"], event["dur"] / 1000
            script = data.get("url", "") or data.get("scriptName", "")
            if name in ("EvaluateScript", "v8.compile", "v8.compileModule") and script.endswith("plotly.min.js"):
                totals["plotly.js compile + evaluate"] += ms
            elif name == "EvaluateScript" and script.endswith("charts-init.js"):
                totals["chart scripts (figure parse + newPlot)"] += ms
            elif name in ("Layout", "UpdateLayoutTree", "Paint", "PrePaint", "Layerize"):
                totals["layout + paint"] += ms
        return totals

    def close(self):
        self.context.close()
        self.browser.close()


def row(label, measured, target, passed):
    verdict = "" if passed is None else ("PASS" if passed else "FAIL")
    return f"{label:<58} {measured:>16} {target:>9}  {verdict}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measured loads per page (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="loads before measuring (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium (never `playwright install`).")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fd-bench-pages-") as tmp:
        tmp = Path(tmp)
        env = environment(tmp)
        synced = prepare_database(env)
        with (
            gunicorn("wsgi:app", "/", env, ROOT, tmp / "gunicorn.log", args.workers) as url,
            sync_playwright() as playwright,
        ):
            base = url.rstrip("/")
            browser = Browser(playwright, base)
            try:
                browser.log_in()
                baseline = browser.measure("/market", args.runs, args.warmup, charts=False)
                dashboard = browser.measure("/", args.runs, args.warmup)
                cold = browser.first[0]["ready"]  # the first page with a chart: plotly.js not cached yet
                dashboard_sizes = browser.figure_sizes()
                market = browser.measure(MARKET_URL, args.runs, args.warmup)
                bars = int(browser.page.locator("#kpis .kpi-card", has_text="Bars").locator(".value").inner_text())
                points = browser.page.evaluate("document.getElementById('market-chart').data[0].x.length")
                market_sizes = browser.figure_sizes()
                profiles = {"dashboard": browser.profile("/"), "market": browser.profile(MARKET_URL)}
                plotly_size = browser.page.evaluate("""() => performance.getEntriesByType('resource')
                    .filter(r => r.name.endsWith('/vendor/plotly.min.js')).map(r => r.decodedBodySize)[0] || 0""")
            finally:
                browser.close()
    if bars < MIN_BARS or points != bars:
        raise SystemExit(f"{MARKET_URL} drew {points} candles of {bars} bars; the benchmark needs at least {MIN_BARS}.")

    lines = [row("page (ms from navigation start)", "median / p95", "target", None).rstrip(), "-" * 92]
    failed = False
    for label, loads, target in (
        ("baseline: /market, no chart (load event)", baseline, None),
        ("(a) dashboard: charts drawn", dashboard, TARGET_MS),
        (f"(b) market, {bars}-bar candlestick + panels: charts drawn", market, TARGET_MS),
    ):
        ready = [load["ready"] for load in loads]
        median, p95 = statistics.median(ready), percentile(ready, 95)
        passed = None if target is None else p95 < target
        failed |= passed is False
        lines.append(row(label, f"{median:.0f} / {p95:.0f}", f"< {target}" if target else "", passed))
        lines.append(
            row("    HTML received (median)", f"{statistics.median(load['response'] for load in loads):.0f}", "", None)
        )
    lines.append(row("for information: first dashboard load, plotly.js not cached", f"{cold:.0f}", "", None))
    lines.append(row("no request left 127.0.0.1", f"{len(browser.outside)} outside", "0", not browser.outside))
    failed |= bool(browser.outside)
    lines += [
        "",
        (
            f"sizes: plotly.min.js {plotly_size / 1e6:.2f} MB (cached after the first load); figure JSON "
            + ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in dashboard_sizes + market_sizes)
        ),
        "one traced warm load, main-thread ms: "
        + "; ".join(
            f"{page}: " + ", ".join(f"{k} {v:.0f}" for k, v in totals.items()) for page, totals in profiles.items()
        ),
        (
            f"setup: gunicorn {args.workers} sync workers, 127.0.0.1, MARKET_DATA_SOURCE=sample, SQLite; "
            f"{synced} AAPL prices synced since {PURCHASE_DATE}; {args.runs} loads after {args.warmup} warm-up "
            f"loads per page; Chromium {CHROMIUM}, 1280x900; {os.cpu_count()} CPUs shared by server and browser; "
            "pass = p95 under target"
        ),
    ]
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f} s)")
    sys.exit(code)
