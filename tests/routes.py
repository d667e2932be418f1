"""Every route of the app, read from its URL map, with what a test needs to call it for real.

``OWNERS`` maps each URL argument that names a user's object (``goal_id``, ``asset_id`` ...) to its owner
fixture: a function that makes that object for a user (and whatever it needs first) and returns its id.
``PUBLIC_ARGUMENTS`` lists the arguments nobody owns. An argument in neither is reported by
``unknown_arguments`` with what to add, so a new route cannot slip past the generated tests.
``BODIES`` holds a valid body per (endpoint, method): valid, so that a missing check would show as a
change rather than as a validation error.
"""

import functools
import re

from flask import current_app

from financial_dashboard.auth import services as auth_services

from .conftest import PASSWORD

AUTOMATIC = {"HEAD", "OPTIONS"}  # added by Flask to every rule
THIS_FILE = "tests/routes.py"


def created(response):
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


# --- Owner fixtures: make one object for ``owner`` and return its id ---


def own_goal(owner):
    return created(
        owner.api.post(
            "/api/goals",
            json={
                "title": "House",
                "target_amount": "50000.00",
                "current_savings": "1234.56",
                "target_date": "2030-06-30",
            },
        )
    )


def own_contribution(owner):
    return created(
        owner.api.post(f"/api/goals/{owner['goal_id']}/contributions", json={"amount": "100", "date": "2024-02-01"})
    )


def own_portfolio(owner):
    return created(owner.api.post("/api/portfolios", json={"name": "Main"}))


def own_asset(owner):
    # Bought within the bundled sample period, so a price sync finds closes to store.
    return created(
        owner.api.post(
            f"/api/portfolios/{owner['portfolio_id']}/assets",
            json={
                "name": "Apple",
                "type": "stock",
                "symbol": "AAPL",
                "quantity": "10",
                "amount_invested": "1500.00",
                "purchase_date": "2013-02-01",
            },
        )
    )


def own_price(owner):
    response = owner.api.post(
        f"/api/assets/{owner['asset_id']}/prices",
        json=[{"date": "2024-01-02", "price": "150.25"}, {"date": "2024-01-03", "price": "151.5"}],
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["items"][0]["id"]


def own_token(owner):
    token, _ = auth_services.issue_token(owner.user, current_app.config["API_TOKEN_TTL"], "spare")
    return token.id


def own_watchlist(owner):
    return created(owner.api.post("/api/watchlists", json={"name": "Tech"}))


def own_item(owner):
    # A bundled sample symbol, so that the check against the market data passes offline.
    return created(owner.api.post(f"/api/watchlists/{owner['watchlist_id']}/items", json={"symbol": "AAPL"}))


def own_alert(owner):
    return created(owner.api.post("/api/alerts", json={"symbol": "AAPL", "condition": "above", "target": "500"}))


OWNERS = {
    "goal_id": own_goal,
    "contribution_id": own_contribution,
    "portfolio_id": own_portfolio,
    "asset_id": own_asset,
    "price_id": own_price,
    "token_id": own_token,
    "watchlist_id": own_watchlist,
    "item_id": own_item,
    "alert_id": own_alert,
}
# Market symbols (forecasts included: models learn from public data) and static files: public, nobody's object.
PUBLIC_ARGUMENTS = {"ticker", "base", "quote", "pair", "filename", "symbol"}


class Owner:
    """A user with an API client; ``owner["asset_id"]`` makes the object on first use and keeps its id."""

    def __init__(self, user, api):
        self.user, self.api, self.ids = user, api, {}

    def __getitem__(self, argument):
        if argument not in self.ids:
            self.ids[argument] = OWNERS[argument](self)
        return self.ids[argument]

    def own_everything(self):
        for argument in OWNERS:
            self[argument]
        return self


# --- Bodies: one valid body (the first) and variants, per (endpoint, method) ---
# String values may name objects: "{bob[portfolio_id]}" is Bob's portfolio, "{alice.user.email}" Alice's email.

NEW_ASSET = {"name": "Sneaky", "type": "stock", "amount_invested": "1", "purchase_date": "2024-01-02"}
GOAL_FORM = {"title": "Pwned", "target_amount": "1", "target_date": "2031-01-01"}
CONTRIBUTION = {"amount": "1", "date": "2024-03-01"}

BODIES = {
    # JSON API
    ("goals.update_goal", "PATCH"): [{"title": "Pwned", "current_savings": "0"}],
    ("goals.add_contribution", "POST"): [CONTRIBUTION],
    ("portfolios.update_portfolio", "PATCH"): [{"name": "Pwned"}],
    ("assets.create_asset", "POST"): [NEW_ASSET],
    ("assets.update_asset", "PATCH"): [
        {"name": "Pwned", "amount_invested": "0"},
        {"portfolio_id": "{bob[portfolio_id]}"},
    ],
    ("prices.upsert_prices", "POST"): [
        {"date": "2024-01-02", "price": "0.01"},
        [{"date": "2024-01-03", "price": "0.01"}, {"date": "2030-01-01", "price": "1"}],
    ],
    ("prices.update_price", "PATCH"): [{"price": "0.01"}],
    ("watchlists.update_watchlist", "PATCH"): [{"name": "Pwned"}],
    ("watchlists.add_item", "POST"): [{"symbol": "MSFT"}],
    ("alerts.update_alert", "PATCH"): [{"target": "450", "note": "Pwned"}, {"active": False}],
    # Page forms
    ("goals.new_goal", "POST"): [GOAL_FORM],
    ("goals.edit_goal", "POST"): [GOAL_FORM],
    ("goals.add_contribution_page", "POST"): [CONTRIBUTION],
    ("portfolios.portfolios_page", "POST"): [{"name": "Another"}],
    ("portfolios.rename_portfolio_page", "POST"): [{"rename-name": "Pwned"}],
    ("portfolios.new_asset", "POST"): [NEW_ASSET],
    ("assets.edit_asset", "POST"): [{**NEW_ASSET, "name": "Pwned"}],
    ("assets.add_price", "POST"): [{"date": "2024-01-05", "price": "0.01"}],
    ("assets.bulk_prices", "POST"): [{"lines": "2024-01-05,0.01\n2024-01-06,0.02"}],
    ("watchlists.watchlists_page", "POST"): [{"name": "Another"}],
    ("watchlists.add_item_page", "POST"): [{"symbol": "IBM"}],
    ("watchlists.rename_watchlist_page", "POST"): [{"name": "Pwned"}],
    ("alerts.alerts_page", "POST"): [{"symbol": "MSFT", "condition": "below", "target": "20"}],
    ("auth.login", "POST"): [{"email": "{alice.user.email}", "password": PASSWORD}],
    ("auth.register_page", "POST"): [{"name": "Carol", "email": "carol@example.com", "password": PASSWORD}],
    ("auth.update_profile", "POST"): [{"name": "Renamed"}],
    ("auth.change_password_page", "POST"): [{"current_password": PASSWORD, "new_password": "another good password"}],
    ("auth.delete_account_page", "POST"): [{"password": PASSWORD}],
    ("auth.tokens", "POST"): [{"name": "script"}],
}


def bodies(endpoint, method):
    """The bodies to send; a write with none listed is sent empty (the owner's own call then shows if it needs one)."""
    if method in ("GET", "DELETE"):
        return [None]
    return BODIES.get((endpoint, method), [{}])


def fill(template, **owners):
    """``template`` with every "{...}" string formatted from ``owners``; a lone id becomes an int."""
    if isinstance(template, str):
        if "{" not in template:
            return template
        filled = template.format(**owners)
        return int(filled) if filled.isdigit() else filled
    if isinstance(template, dict):
        return {key: fill(value, **owners) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, **owners) for item in template]
    return template


def build_url(rule, values):
    """``/goals/<int:goal_id>`` with ``goal_id`` put in."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule)


# --- The URL map ---


@functools.cache
def url_rules():
    """Every rule of a freshly built app (the same factory as the app under test), in a stable order."""
    from financial_dashboard import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "routes"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, sorted(rule.methods)))


def is_api(rule):
    return rule.rule.startswith("/api/")


def methods(rule):
    return sorted(rule.methods - AUTOMATIC)


def owned_arguments(rule):
    return sorted(arg for arg in rule.arguments if arg not in PUBLIC_ARGUMENTS)


def unknown_arguments(rule):
    """What to add for a route whose URL takes an argument that has no owner fixture, or None."""
    unknown = [arg for arg in owned_arguments(rule) if arg not in OWNERS]
    if not unknown:
        return None
    names = ", ".join(f"<{arg}>" for arg in unknown)
    return (
        f"{rule.rule} ({rule.endpoint}) takes {names}, which has no owner fixture. Add an owner fixture that makes "
        f"the object and returns its id to OWNERS in {THIS_FILE} (or the argument to PUBLIC_ARGUMENTS if nobody "
        f"owns it)."
    )
