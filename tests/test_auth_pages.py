"""The account pages apply the same password rules as the API: the most common passwords are refused
next to the field, at registration and at a password change."""

import pytest

from financial_dashboard.auth.passwords import MESSAGE, common_passwords

from .conftest import PASSWORD


@pytest.fixture
def no_csrf(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # these tests are about the password field


def test_the_bundled_list_holds_thousands_of_passwords_of_eight_characters_or_more():
    passwords = common_passwords()

    assert len(passwords) > 8000
    assert {"12345678", "password", "iloveyou"} <= passwords
    assert min(map(len, passwords)) >= 8


def test_the_register_page_refuses_a_common_password(no_csrf, client, count_rows):
    response = client.post("/register", data={"name": "Carol", "email": "carol@example.com", "password": "12345678"})

    assert response.status_code == 400
    assert MESSAGE.replace("'", "&#39;") in response.get_data(as_text=True)
    assert count_rows("users") == 0


def test_the_profile_page_refuses_a_common_new_password(no_csrf, client, user):
    assert client.post("/login", data={"email": "alice@example.com", "password": PASSWORD}).status_code == 302

    response = client.post("/profile/password", data={"current_password": PASSWORD, "new_password": "password"})

    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert user.check_password(PASSWORD)
