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


FILTERS = {"money": money, "pct": pct, "tone": tone, "signed_money": signed_money, "signed_pct": signed_pct}
