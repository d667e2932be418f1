"""What a user does in the browser, as small steps shared by the browser tests."""

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"


def submit(page: Page, button_name: str, *, exact=True, within=None):
    """Click a submit button and wait for the page it leads to; returns that page's response."""
    scope = within or page
    with page.expect_navigation() as navigation:
        scope.get_by_role("button", name=button_name, exact=exact).click()
    return navigation.value


def register(page: Page, email: str, name: str, password: str = PASSWORD):
    page.goto("/register")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Monthly income").fill("4000")
    submit(page, "Register")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def log_in(page: Page, email: str, password: str = PASSWORD, remember=False):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Remember me").check()
    response = submit(page, "Log in", within=page.locator("main"))
    assert response.status == 200, response.status
    expect(page.locator("header form[action='/logout']")).to_have_count(1)  # hidden in the phone menu


def log_out(page: Page):
    submit(page, "Log out")
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")


def go_to(page: Page, menu_entry: str):
    """Follow a link of the main navigation."""
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name=menu_entry, exact=True).click()


def wait_for_charts(page: Page):
    """Every chart on the page drawn by plotly.js (app.js sets data-ready once Plotly.newPlot resolves)."""
    page.wait_for_function("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.ready === 'true')")


def traces(page: Page, chart_id: str) -> list[dict]:
    """The traces plotly.js drew in ``chart_id``: type, name, axis and number of points."""
    return page.evaluate(
        """id => document.getElementById(id).data.map(t => ({
        type: t.type || 'scatter', name: t.name, yaxis: t.yaxis || 'y', points: (t.x || t.values || []).length}))""",
        chart_id,
    )


def progress(page: Page, within: str = "#goal-progress") -> int:
    return int(page.locator(f"{within} [role=progressbar]").get_attribute("aria-valuenow"))
