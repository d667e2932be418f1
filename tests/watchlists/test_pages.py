"""The watchlists page: tables of quotes with sparklines; create, rename, delete, add and remove in place."""

import pytest

from ..conftest import Page

pytestmark = pytest.mark.usefixtures("no_csrf")


@pytest.fixture
def signed_in(client, user, login_as):
    login_as(user)
    return client


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get("/watchlists")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_add_symbols_and_see_prices_and_sparklines(signed_in):
    created = signed_in.post("/watchlists", data={"name": "Tech"})
    assert created.status_code == 302
    page = signed_in.get("/watchlists").get_data(as_text=True)
    (form,) = [a for a in Page(page).find("form") if a.get("action", "").endswith("/items")]

    for symbol in ("aapl", "MSFT"):
        response = signed_in.post(form["action"], data={"symbol": symbol})
        assert response.status_code == 302 and "#watchlist-" in response.headers["Location"]
    html = signed_in.get("/watchlists").get_data(as_text=True)
    rows = Page(html).find("tr")

    assert [r["data-symbol"] for r in rows if "data-symbol" in r] == ["AAPL", "MSFT"]
    assert len(Page(html).find("polyline")) == 2
    assert "430.47" in html and "sample" in html  # AAPL's last bundled close, marked as sample data
    assert 'href="/market?symbol=AAPL"' in html


def test_an_unknown_symbol_is_refused_next_to_the_field(signed_in):
    signed_in.post("/watchlists", data={"name": "Tech"})
    html = signed_in.get("/watchlists").get_data(as_text=True)
    (form,) = [a for a in Page(html).find("form") if a.get("action", "").endswith("/items")]

    response = signed_in.post(form["action"], data={"symbol": "ZZZZ"})

    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "The sample data has no ZZZZ" in text and "is-invalid" in text


def test_rename_remove_and_delete(signed_in, count_rows):
    signed_in.post("/watchlists", data={"name": "Tech"})
    html = signed_in.get("/watchlists").get_data(as_text=True)
    actions = {a["action"].rsplit("/", 1)[-1]: a["action"] for a in Page(html).find("form") if "action" in a}
    signed_in.post(actions["items"], data={"symbol": "IBM"})

    assert signed_in.post(actions["rename"], data={"name": "Blue chips"}).status_code == 302
    html = signed_in.get("/watchlists").get_data(as_text=True)
    assert "Blue chips" in html
    (remove,) = [a["action"] for a in Page(html).find("form") if "/items/" in a.get("action", "")]
    assert signed_in.post(remove, data={}).status_code == 302
    assert count_rows("watchlist_items") == 0
    assert signed_in.post(actions["delete"], data={}).status_code == 302
    assert count_rows("watchlists") == 0


def test_a_duplicate_name_is_refused_on_the_form(signed_in):
    signed_in.post("/watchlists", data={"name": "Tech"})
    response = signed_in.post("/watchlists", data={"name": "Tech"})
    assert response.status_code == 400 and "Already used" in response.get_data(as_text=True)
