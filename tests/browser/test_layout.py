"""Layout in the browser: charts follow the theme and the window, and pages fit a phone's screen."""

from playwright.sync_api import expect

from .actions import log_in, submit, wait_for_charts

PHONE = {"width": 390, "height": 844}


def seeded_user(live_server, page):
    """A signed-in user with a goal and a portfolio whose asset has prices synced from the sample data."""
    email = live_server.create_user()
    ids = live_server.seed(email)
    log_in(page, email)
    page.goto(f"/assets/{ids['asset']}")
    submit(page, "Sync from market")
    return ids


def layout_of(page, chart_id):
    return page.evaluate(
        """id => { const l = document.getElementById(id)._fullLayout;
        return {font: l.font.color, xgrid: l.xaxis && l.xaxis.gridcolor, ygrid: l.yaxis && l.yaxis.gridcolor,
                paper: l.paper_bgcolor, hover: [l.hoverlabel.bgcolor, l.hoverlabel.font.color]}; }""",
        chart_id,
    )


CONTRAST = """() => {
    const luminance = rgb => {
        const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(v => v / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const background = luminance(getComputedStyle(document.body).backgroundColor);
    return [...document.querySelectorAll('main .text-success, main .text-danger')].map(element => {
        const [a, b] = [luminance(getComputedStyle(element).color), background].sort((x, y) => y - x);
        return [element.textContent.trim(), Math.round((a + 0.05) / (b + 0.05) * 100) / 100]; }); }"""


def gains_and_losses_below_aa(page):
    """Signed amounts (green and red text) with less than WCAG AA's 4.5:1 contrast on the page background."""
    shown = page.evaluate(CONTRAST)
    assert shown, "no gain or loss on the page"
    return [(text, ratio) for text, ratio in shown if ratio < 4.5]


def test_charts_follow_a_dark_system_theme(new_page, live_server, external_requests):
    page = new_page(color_scheme="dark")
    seeded_user(live_server, page)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    wait_for_charts(page)
    assert layout_of(page, "dashboard-value") == {
        "font": "#dee2e6",
        "xgrid": "#495057",
        "ygrid": "#495057",
        "paper": "rgba(0,0,0,0)",
        "hover": ["#212529", "#dee2e6"],
    }
    assert gains_and_losses_below_aa(page) == []
    page.goto("/market?symbol=AAPL")
    wait_for_charts(page)
    assert layout_of(page, "market-chart")["xgrid"] == "#495057"
    assert gains_and_losses_below_aa(page) == []
    assert external_requests == []


def test_charts_follow_a_light_system_theme(new_page, live_server):
    page = new_page(color_scheme="light")
    seeded_user(live_server, page)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")
    wait_for_charts(page)
    layout = layout_of(page, "dashboard-value")
    assert (layout["font"], layout["xgrid"], layout["hover"]) == ("#212529", "#dee2e6", ["#ffffff", "#212529"])
    assert gains_and_losses_below_aa(page) == []
    page.goto("/market?symbol=AAPL")
    assert gains_and_losses_below_aa(page) == []


def test_charts_resize_with_the_window(page, live_server):
    page.goto("/market?symbol=AAPL")
    wait_for_charts(page)
    width = "() => document.querySelector('#market-chart .main-svg').getBoundingClientRect().width"
    wide = page.evaluate(width)
    page.set_viewport_size({"width": 700, "height": 900})
    # A function with an argument, not an expression string: the page's CSP forbids eval.
    page.wait_for_function(f"wide => ({width})() < wide - 300", arg=wide)
    assert page.evaluate(width) <= 700


def test_pages_fit_a_phone_screen(new_page, live_server, external_requests):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    ids = seeded_user(live_server, page)
    for path in (
        "/",
        "/goals",
        f"/goals/{ids['goal']}",
        "/goals/new",
        "/portfolios",
        f"/portfolios/{ids['portfolio']}",
        f"/assets/{ids['asset']}",
        "/market?symbol=AAPL",
        "/profile",
        "/tokens",
    ):
        page.goto(path)
        wait_for_charts(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    # The menu folds behind a button, which opens it.
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Goals")).to_be_hidden()
    menu.get_by_role("button", name="Toggle navigation").click()
    expect(menu.get_by_role("link", name="Goals")).to_be_visible()
    assert external_requests == []


def test_market_legend_stays_clear_of_the_panels(new_page, live_server):
    for width in (1280, 390):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto("/market?symbol=AAPL")
        wait_for_charts(page)
        legend_bottom, price_title_top, plot_top = page.evaluate("""() => {
            const chart = document.getElementById('market-chart');
            const title = [...chart.querySelectorAll('.annotation-text')].find(t => t.textContent === 'Price');
            return [chart.querySelector('.legend').getBoundingClientRect().bottom,
                    title.getBoundingClientRect().top,
                    chart.querySelector('.nsewdrag[data-subplot=xy]').getBoundingClientRect().top]; }""")
        assert legend_bottom <= price_title_top <= plot_top, width
