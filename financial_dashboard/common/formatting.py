"""Jinja filters that show numbers the way people read money: sign, thousands separators, colour."""

import decimal

from markupsafe import Markup, escape


def money(value, currency="", signed=False):
    if value is None:
        return "—"
    number = float(value)
    sign = "+" if signed and number > 0 else ("−" if number < 0 else "")
    return f"{sign}{currency}{abs(number):,.2f}"


def pct(value, signed=True, places=2):
    if value is None:
        return "—"
    number = float(value)
    sign = "+" if signed and number > 0 else ("−" if number < 0 else "")
    return f"{sign}{abs(number):,.{places}f} %"


def tone(value):
    """CSS class for a gain, a loss or nothing."""
    if value is None:
        return "text-body-secondary"
    number = float(value) if not isinstance(value, decimal.Decimal) else value
    return "text-success" if number > 0 else "text-danger" if number < 0 else "text-body-secondary"


def signed_money(value, currency=""):
    """Money with its sign and colour, as HTML."""
    return Markup(f'<span class="{tone(value)}">{escape(money(value, currency, signed=True))}</span>')


def signed_pct(value):
    return Markup(f'<span class="{tone(value)}">{escape(pct(value))}</span>')


def number(value):
    """A price or quantity: thousands separators, at least 2 and at most 8 decimals, no float noise."""
    if value is None:
        return "—"
    text = f"{decimal.Decimal(str(value)):,.8f}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def when(value):
    """An ISO timestamp from the API as a short UTC time, or just the date when it is midnight."""
    if not value:
        return "—"
    text = str(value).replace("Z", "")
    day, _, time = text.partition("T")
    return day if not time or time.startswith("00:00:00") else f"{day} {time[:5]} UTC"


FILTERS = {
    "number": number,
    "when": when,
    "money": money,
    "pct": pct,
    "tone": tone,
    "signed_money": signed_money,
    "signed_pct": signed_pct,
}
