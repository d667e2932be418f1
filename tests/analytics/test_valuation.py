"""Holding valuation (units, splits, value on a day) checked against cases worked out by hand."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from financial_dashboard.analytics.valuation import (
    AssetPosition,
    daily_values,
    split_factor,
    units,
    value_on,
)

D = dt.date

# Closes on 2 Jan (10), 5 Jan (12) and 10 Jan 2024 (15); no prices on the other days.
PRICES = pd.Series([10.0, 12.0, 15.0], index=pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-10"]))


FIFTH_JAN = D(2024, 1, 5)


def _position(amount=1200.0, bought=FIFTH_JAN, quantity=None, prices=PRICES, splits=None):
    return AssetPosition(
        id=1,
        name="ACME",
        type="stock",
        quantity=quantity,
        amount_invested=amount,
        purchase_date=bought,
        prices=prices,
        splits=splits,
    )


@pytest.mark.parametrize(
    ("bought", "amount", "expected_price"),
    [
        (D(2024, 1, 1), 1000.0, 10.0),  # before every price: the first later one, 10
        (D(2024, 1, 5), 1200.0, 12.0),  # a close on the day itself: 12
        (D(2024, 1, 7), 1200.0, 12.0),  # between closes: the last one before, 5 Jan's 12
        (D(2024, 2, 1), 1500.0, 15.0),  # after every price: the last one, 15
    ],
)
def test_units_from_amount_use_the_purchase_date_price(bought, amount, expected_price):
    held, reason = units(_position(amount=amount, bought=bought))
    assert held == pytest.approx(amount / expected_price)  # 100 units in every case
    assert held == pytest.approx(100.0)
    assert reason is None


def test_units_from_quantity_ignore_the_price():
    assert units(_position(quantity=7.0)) == (7.0, None)


def test_units_without_prices_say_why():
    assert units(_position(prices=pd.Series(dtype="float64"))) == (None, "no prices")


def test_split_factor_multiplies_splits_strictly_after_the_date():
    splits = pd.Series([2.0, 3.0, 0.0], index=pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]))
    assert split_factor(splits, D(2019, 12, 31)) == 6.0  # 2 × 3; yfinance's 0.0 "no split" is skipped
    assert split_factor(splits, D(2020, 1, 1)) == 3.0  # the split on the day itself is not after it
    assert split_factor(splits, D(2022, 6, 1)) == 1.0
    assert split_factor(None, D(2020, 1, 1)) == 1.0
    assert split_factor(pd.Series(dtype="float64"), D(2020, 1, 1)) == 1.0


def test_four_for_one_split_after_purchase_values_a_typed_quantity_correctly():
    # 10 shares bought on 2 Jan 2020 at 400 each (4,000). A 4-for-1 split on 31 Aug 2020;
    # the provider's adjusted closes are 400 / 4 = 100 on 2 Jan and 125 on 1 Sep.
    prices = pd.Series([100.0, 125.0], index=pd.to_datetime(["2020-01-02", "2020-09-01"]))
    splits = pd.Series([2.0, 4.0], index=pd.to_datetime(["2019-06-03", "2020-08-31"]))  # the 2019 one predates the buy
    position = _position(amount=4000.0, bought=D(2020, 1, 2), quantity=10.0, prices=prices, splits=splits)

    assert units(position) == (40.0, None)  # 10 × 4
    on_purchase = value_on(position, D(2020, 1, 2))
    assert on_purchase["value"] == pytest.approx(4000.0)  # 40 × 100: the same as paid
    after = value_on(position, D(2020, 9, 1))
    assert after["value"] == pytest.approx(5000.0)  # 40 × 125 (= 10 × 500 before the split)
    assert after["profit"] == pytest.approx(1000.0)
    assert after["return_pct"] == pytest.approx(25.0)  # 1,000 / 4,000


def test_value_on_a_day_uses_the_last_price_on_or_before_it():
    position = _position()  # 1,200 on 5 Jan at 12: 100 units
    mid = value_on(position, D(2024, 1, 8))
    assert mid == {
        "units": pytest.approx(100.0),
        "price": 12.0,
        "price_date": D(2024, 1, 5),
        "value": pytest.approx(1200.0),
        "invested": 1200.0,
        "profit": pytest.approx(0.0),
        "return_pct": pytest.approx(0.0),
        "priced": True,
        "reason": None,
    }
    later = value_on(position, D(2024, 3, 1))
    assert later["price"] == 15.0 and later["price_date"] == D(2024, 1, 10)
    assert later["value"] == pytest.approx(1500.0)  # 100 × 15
    assert later["profit"] == pytest.approx(300.0)  # 1,500 - 1,200
    assert later["return_pct"] == pytest.approx(25.0)  # 300 / 1,200


def test_before_the_purchase_date_the_holding_is_worth_nothing():
    state = value_on(_position(), D(2024, 1, 4))
    assert state["value"] == 0.0 and state["invested"] == 0.0
    assert state["profit"] is None and state["return_pct"] is None
    assert state["priced"] is False and state["reason"] == "before the purchase date"


@pytest.mark.parametrize("quantity", [None, 3.0])
def test_no_prices_means_worth_what_was_invested_and_not_priced(quantity):
    state = value_on(_position(quantity=quantity, prices=pd.Series(dtype="float64")), D(2024, 6, 1))
    assert state["value"] == 1200.0 and state["invested"] == 1200.0
    assert state["priced"] is False and state["reason"] == "no prices"
    assert state["price"] is None
    # Cost is an assumption, not a measurement: no made-up zero profit.
    assert state["profit"] is None and state["return_pct"] is None
    assert state["units"] == quantity


def test_bought_before_the_first_price_is_carried_at_cost_until_quoted():
    position = _position(amount=500.0, bought=D(2023, 12, 20), quantity=40.0)
    state = value_on(position, D(2023, 12, 28))
    assert state["value"] == 500.0 and state["priced"] is False
    assert state["reason"] == "no price on or before this day"
    assert value_on(position, D(2024, 1, 2))["value"] == pytest.approx(400.0)  # 40 × 10


def test_daily_values_fill_every_calendar_day():
    values = daily_values(_position(), D(2024, 1, 3), D(2024, 1, 11))
    assert list(values.index.date) == [D(2024, 1, day) for day in range(3, 12)]
    # 3-4 Jan before the purchase: 0; 5-9 Jan: 100 × 12; 10-11 Jan: 100 × 15.
    assert values.tolist() == pytest.approx([0, 0, 1200, 1200, 1200, 1200, 1200, 1500, 1500])


def test_daily_values_of_a_never_priced_holding_are_its_cost():
    values = daily_values(_position(prices=pd.Series(dtype="float64")), D(2024, 1, 4), D(2024, 1, 6))
    assert values.tolist() == [0.0, 1200.0, 1200.0]


def test_database_shaped_inputs_are_accepted():
    # Decimal money, a quantity as Decimal, plain dates as the index, a UTC-aware index.
    prices = pd.Series([Decimal(10), Decimal("12.5")], index=[D(2024, 1, 2), D(2024, 1, 3)])
    position = AssetPosition(7, "X", "etf", None, Decimal("1000.00"), dt.datetime(2024, 1, 2, 15, 30), prices)
    assert position.purchase_date == D(2024, 1, 2)
    assert value_on(position, D(2024, 1, 3))["value"] == pytest.approx(1250.0)  # 1000 / 10 × 12.5
    aware = pd.Series([10.0], index=pd.DatetimeIndex(["2024-01-02"], tz="UTC"))
    assert value_on(_position(amount=100.0, bought=D(2024, 1, 2), prices=aware), D(2024, 1, 2))["value"] == 100.0


def test_unsorted_prices_are_sorted_before_look_up():
    shuffled = PRICES.iloc[[2, 0, 1]]
    assert value_on(_position(prices=shuffled), D(2024, 1, 8))["price"] == 12.0
