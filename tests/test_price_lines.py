"""Pasted "date,price" lines (the asset page's bulk form) loaded into the rows the API's bulk POST takes."""

import datetime as dt
import decimal

import pytest
from marshmallow import ValidationError

from financial_dashboard.prices.schemas import PriceLinesSchema


def load(text):
    return PriceLinesSchema().load({"lines": text})["lines"]


def error_of(text):
    with pytest.raises(ValidationError) as raised:
        load(text)
    return raised.value.messages["lines"]


def test_comma_semicolon_and_tab_separate_and_blank_lines_are_skipped():
    assert load("2024-01-03, 155\n\n2024-02-01\t160\n  \n2024-02-02;161.5") == [
        {"date": dt.date(2024, 1, 3), "price": decimal.Decimal("155")},
        {"date": dt.date(2024, 2, 1), "price": decimal.Decimal("160")},
        {"date": dt.date(2024, 2, 2), "price": decimal.Decimal("161.5")},
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("2024-02-01,160\n\n2024-02-30,1", "Line 3: date: Not a valid date."),
        ("2024-02-01;160;1", "Line 1: expected “date,price”, got “2024-02-01;160;1”."),
        ("2024-02-01,-5", "Line 1: price: Must be greater than 0 and less than 10000000000."),
        ("2024-02-01,160\n2024-02-01,161", "Line 2: 2024-02-01 is also on line 1."),
        ("  \n\n", "Paste at least one “date,price” line."),
    ],
)
def test_the_first_bad_line_is_named(text, message):
    assert error_of(text) == [message]


def test_nothing_pasted_asks_for_a_line():
    with pytest.raises(ValidationError) as raised:
        PriceLinesSchema().load({})
    assert raised.value.messages == {"lines": ["Paste at least one “date,price” line."]}
