"""currencies_of: the known currencies of a set of holdings, for totals that must not mix them."""

from types import SimpleNamespace

from financial_dashboard.analytics.currencies import currencies_of


def test_distinct_known_currencies_sorted_from_objects_and_mappings():
    positions = [
        SimpleNamespace(currency="USD"),
        {"currency": "INR"},
        SimpleNamespace(currency="USD"),
        {"currency": "EUR"},
    ]

    assert currencies_of(positions) == ["EUR", "INR", "USD"]


def test_unknown_currencies_are_left_out():
    positions = [SimpleNamespace(currency=None), SimpleNamespace(), {"currency": " "}, {}, {"currency": "USDT"}]

    assert currencies_of(positions) == ["USDT"]
    assert currencies_of([]) == []
