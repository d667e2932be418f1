"""Browser fixtures: the real app served on 127.0.0.1 once per run, and Debian's Chromium driven by Playwright.

The app gets its own SQLite file (migrated like production), sample market data and real CSRF
protection. It does not use the parametrised ``app`` fixture: browser tests run once, not per database.
Every page blocks requests to any host but the app and records them in ``external_requests``; a
failed test leaves a screenshot of each of its pages in tests/artifacts/.
Every test in this folder is marked ``browser``: ``-m 'not browser'`` leaves them out of a quick run.
"""

import dataclasses
import os
import re
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from financial_dashboard import create_app
from financial_dashboard.extensions import db

from .actions import PASSWORD

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    """Mark every test in this folder ``browser``, files added later included."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@dataclasses.dataclass
class LiveServer:
    url: str
    app: object

    def new_email(self, prefix="user"):
        return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"

    def create_user(self, email=None, password=PASSWORD, name="Browser User"):
        """A user made straight through the service (the real sign-up is tested in the walkthrough)."""
        from financial_dashboard.auth import services

        email = email or self.new_email()
        with self.app.app_context():
            services.register_user({"email": email, "password": password, "name": name})
        return email

    def seed(self, email):
        """Through the services: a goal, and a portfolio holding one asset. Returns their ids."""
        from financial_dashboard.assets import services as assets
        from financial_dashboard.assets.schemas import AssetSchema
        from financial_dashboard.auth import services as auth
        from financial_dashboard.goals import services as goals
        from financial_dashboard.goals.schemas import GoalSchema
        from financial_dashboard.portfolios import services as portfolios
        from financial_dashboard.portfolios.schemas import PortfolioSchema

        with self.app.app_context():
            user = auth.find_user_by_email(email)
            goal = goals.create_goal(
                user, GoalSchema().load({"title": "Boat", "target_amount": "5000", "target_date": "2031-06-30"})
            )
            portfolio = portfolios.create_portfolio(user, PortfolioSchema().load({"name": "Savings"}))
            asset = assets.create_asset(
                portfolio,
                AssetSchema().load(
                    {
                        "name": "Microsoft",
                        "type": "stock",
                        "symbol": "MSFT",
                        "amount_invested": "800",
                        "purchase_date": "2012-01-03",
                    }
                ),
            )
            return {"goal": goal.id, "portfolio": portfolio.id, "asset": asset.id}

    def count(self, model, **filters):
        """Committed rows of ``model`` matching ``filters``, read in a fresh app context."""
        import sqlalchemy as sa

        with self.app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**filters))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a free 127.0.0.1 port, in a background thread, for the whole run."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    database = tmp_path_factory.mktemp("browser") / "browser.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "browser-tests",
            "MARKET_DATA_SOURCE": "sample",
            "WTF_CSRF_ENABLED": True,
            "TESTING": False,
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing (apt-get install -y chromium; never `playwright install`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " under CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def external_requests():
    """URLs of every request a page tried to send outside the app (all of them blocked)."""
    return []


@pytest.fixture
def new_page(browser, live_server, external_requests, request):
    """Factory: a page in a fresh browser context (its own cookies: one per user), guarded and screenshotted."""
    contexts, pages = [], []

    def guard(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def make(**options):
        context = browser.new_context(
            **{"base_url": live_server.url, "viewport": {"width": 1280, "height": 900}, **options}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.route("**/*", guard)
        pages.append(page)
        return page

    yield make
    call = request.node.stash.get(REPORTS, {}).get("call")
    if call is not None and call.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, page in enumerate(pages, start=1):
            suffix = "" if number == 1 else f"-{number}"
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
            except PlaywrightError as error:  # a crashed page must not hide the test's own failure
                print(f"screenshot of page {number} failed: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
