"""Goal planning formulas checked against cases worked out by hand."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from financial_dashboard.analytics.planning import (
    future_value,
    goal_plan,
    monthly_rate,
    months_between,
    months_to_target,
    project,
    required_monthly,
)

D = dt.date
# (1.01)^12 - 1 = 0.12682503013196977: the yearly rate whose effective monthly rate is exactly 1 %.
ONE_PCT_A_MONTH = (1.01**12 - 1) * 100


def test_months_between_counts_calendar_months_then_days():
    assert months_between(D(2024, 1, 15), D(2024, 4, 15)) == 3.0
    assert months_between(D(2024, 1, 15), D(2024, 4, 30)) == pytest.approx(3 + 15 / 30.4375)  # 3.49281
    assert months_between(D(2024, 1, 31), D(2024, 2, 29)) == 1.0  # 31 Jan + 1 month clamps to 29 Feb
    assert months_between(D(2024, 1, 31), D(2024, 2, 28)) == pytest.approx(28 / 30.4375)  # not yet a month
    assert months_between(D(2024, 1, 1), D(2034, 1, 1)) == 120.0
    assert months_between(D(2024, 3, 1), D(2024, 3, 1)) == 0.0
    assert months_between(D(2024, 4, 15), D(2024, 1, 15)) == -3.0


def test_monthly_rate_is_the_effective_equivalent():
    assert monthly_rate(ONE_PCT_A_MONTH) == pytest.approx(0.01)
    assert monthly_rate(None) == 0.0
    assert (1 + monthly_rate(Decimal("7.2"))) ** 12 == pytest.approx(1.072)  # 12 months compound to the year
    with pytest.raises(ValueError):
        monthly_rate(-100)


def test_required_monthly_without_growth():
    assert required_monthly(12000, 0, 12) == 1000.0  # 12,000 / 12
    # (12,000 - 2,000) / 12 = 833.333… → 833.34, rounded up so paying it is never short:
    payment = required_monthly(Decimal(12000), Decimal(2000), 12)
    assert payment == 833.34
    assert 2000 + payment * 12 >= 12000  # 12,000.08
    assert 2000 + (payment - 0.01) * 12 < 12000  # 11,999.96


def test_required_monthly_with_growth_plugged_back_into_the_future_value():
    # i = 1 %, n = 12: (1.01)^12 = 1.1268250, annuity factor (1.1268250 - 1) / 0.01 = 12.682503.
    # P = (10,000 - 1,000 × 1.1268250) / 12.682503 = 8,873.175 / 12.682503 = 699.6389 → 699.64
    payment = required_monthly(10000, 1000, 12, ONE_PCT_A_MONTH)
    assert payment == 699.64
    growth = 1.01**12
    reached = 1000 * growth + payment * (growth - 1) / 0.01
    assert reached == pytest.approx(10000, abs=0.15) and reached >= 10000
    assert 1000 * growth + (payment - 0.01) * (growth - 1) / 0.01 < 10000


def test_required_monthly_is_zero_when_growth_alone_gets_there_and_none_without_time():
    # 1,000 × 1.01^12 = 1,126.83 ≥ 1,100: nothing more is needed (never a negative payment).
    assert required_monthly(1100, 1000, 12, ONE_PCT_A_MONTH) == 0.0
    assert required_monthly(1000, 2000, 12) == 0.0
    assert required_monthly(1000, 0, 0) is None
    assert required_monthly(1000, 0, -2) is None


def test_months_to_target_formula():
    assert months_to_target(10000, 1000, 500) == 18.0  # (10,000 - 1,000) / 500
    # n = ln((T + P/i) / (S + P/i)) / ln(1 + i) = ln(60,000 / 51,000) / ln(1.01)
    #   = 0.1625189 / 0.0099503 = 16.3330
    months = months_to_target(10000, 1000, 500, ONE_PCT_A_MONTH)
    assert months == round(math.log(60000 / 51000) / math.log(1.01), 2) == 16.33
    assert future_value(1000, 500, 0.01, months) == pytest.approx(10000, abs=5)  # lands on the target
    # Growth alone: ln(2) / ln(1.01) = 69.66 months to double.
    assert months_to_target(10000, 5000, None, ONE_PCT_A_MONTH) == 69.66


def test_months_to_target_edges():
    assert months_to_target(1000, 1000, 0) == 0.0  # already there
    assert months_to_target(1000, 100, 0) is None  # no contribution and no growth
    assert months_to_target(1000, 0, None, ONE_PCT_A_MONTH) is None  # growth on nothing stays nothing
    # A -12 % year with 100 a month levels off at -P/i = 100 / 0.010597 ≈ 9,437: 10,000 is never reached.
    assert months_to_target(10000, 5000, 100, -12) is None
    # … but 9,000 is: the balance rises towards 9,437 and passes 9,000.
    assert months_to_target(9000, 5000, 100, -12) is not None


def test_project_month_by_month_then_the_end_date():
    # 1,000 now and 100 at each month's end without growth; 31 Jan + n months clamps to each month's end.
    points = project(1000, 100, None, D(2024, 1, 31), D(2024, 4, 15))
    assert points == [
        {"date": D(2024, 1, 31), "balance": 1000.0},
        {"date": D(2024, 2, 29), "balance": 1100.0},
        {"date": D(2024, 3, 31), "balance": 1200.0},
        # 31 Mar → 15 Apr is 15 days: 2 + 15 / 30.4375 = 2.49281 months → 1,000 + 249.28
        {"date": D(2024, 4, 15), "balance": 1249.28},
    ]


def test_project_compounds_like_the_month_by_month_recursion():
    # Month 1: 1,000 × 1.01 + 100 = 1,110; month 2: 1,110 × 1.01 + 100 = 1,221.10.
    points = project(1000, 100, ONE_PCT_A_MONTH, D(2024, 1, 1), D(2024, 3, 1))
    assert [p["balance"] for p in points] == [1000.0, 1110.0, 1221.1]


def test_goal_reachable_only_with_the_expected_return():
    # 10,000 saved towards 20,000 in exactly 10 years (120 months), no contributions.
    # With 7.2 % a year: 10,000 × 1.072^10 = 10,000 × 2.00423 = 20,042.31 → on track.
    with_return = goal_plan(20000, 10000, D(2034, 1, 1), D(2024, 1, 1), None, 7.2)
    assert with_return["status"] == "on_track"
    assert with_return["projected_at_target_date"] == 20042.31
    assert with_return["projected_pct"] == 100.21
    assert with_return["months_left"] == 120.0
    assert with_return["progress_pct"] == 50.0 and with_return["remaining"] == 10000.0
    assert with_return["required_monthly"] == 83.34  # 10,000 / 120 = 83.333… rounded up
    assert with_return["required_monthly_with_return"] == 0.0  # growth alone is enough
    # Doubling at 7.2 %: 12 × ln 2 / ln 1.072 = 12 × 0.693147 / 0.069526 = 119.64 months.
    assert with_return["months_to_target"] == 119.64
    # Without it the 10,000 just sits there: 50 % of the target → behind.
    without = goal_plan(20000, 10000, D(2034, 1, 1), D(2024, 1, 1))
    assert without["status"] == "behind"
    assert without["projected_at_target_date"] == 10000.0 and without["projected_pct"] == 50.0
    assert without["required_monthly_with_return"] is None
    assert without["reasons"]["required_monthly_with_return"] == "no expected return is set"
    assert without["months_to_target"] is None and "months_to_target" in without["reasons"]


def test_overdue_goal():
    plan = goal_plan(1000, 500, D(2023, 12, 31), D(2024, 1, 1), monthly_contribution=100)
    assert plan["status"] == "overdue"
    assert plan["months_left"] == 0.0
    assert plan["required_monthly"] is None and plan["reasons"]["required_monthly"] == "the target date has passed"
    assert plan["projected_at_target_date"] is None
    assert plan["months_to_target"] == 5.0  # (1,000 - 500) / 100: when it will be reached after all
    assert plan["progress_pct"] == 50.0 and plan["remaining"] == 500.0


def test_achieved_goal_even_after_its_date():
    for today in (D(2024, 1, 1), D(2026, 1, 1)):
        plan = goal_plan(Decimal(1000), Decimal("1000.00"), D(2025, 1, 1), today, expected_annual_return_pct=5)
        assert plan["status"] == "achieved"
        assert plan["remaining"] == 0.0 and plan["progress_pct"] == 100.0
        assert plan["required_monthly"] == 0.0 and plan["required_monthly_with_return"] == 0.0
        assert plan["months_to_target"] == 0.0


@pytest.mark.parametrize(
    ("current", "monthly", "status"),
    [
        (400, 50, "on_track"),  # 400 + 12 × 50 = 1,000: exactly 100 %
        (900, None, "at_risk"),  # 900 = exactly 90 %: the lower edge of at risk
        (899.99, None, "behind"),  # 89.999 %: below 90 %
        (950, 4, "at_risk"),  # 950 + 48 = 998: 99.8 %
    ],
)
def test_status_boundaries(current, monthly, status):
    plan = goal_plan(1000, current, D(2025, 1, 1), D(2024, 1, 1), monthly_contribution=monthly)
    assert plan["status"] == status


def test_paying_the_required_amount_is_on_track():
    # 12 months to go from 1,000 to 10,000 at 1 % a month: 699.64 a month (see above).
    plan = goal_plan(10000, 1000, D(2025, 1, 1), D(2024, 1, 1), expected_annual_return_pct=ONE_PCT_A_MONTH)
    assert plan["required_monthly_with_return"] == 699.64
    follow = goal_plan(10000, 1000, D(2025, 1, 1), D(2024, 1, 1), 699.64, ONE_PCT_A_MONTH)
    assert follow["status"] == "on_track"
    # 1,000 × 1.01^12 + 699.64 × 12.682503 = 1,126.825 + (8,877.752 - 0.36 × 12.682503)
    #   = 1,126.825 + 8,873.186 = 10,000.01
    assert follow["projected_at_target_date"] == 10000.01


def test_required_share_of_income():
    plan = goal_plan(12000, 0, D(2025, 1, 1), D(2024, 1, 1), monthly_income=Decimal(4000))
    assert plan["required_monthly"] == 1000.0
    assert plan["required_share_of_income_pct"] == 25.0  # 1,000 / 4,000
    # With an expected return the share uses the smaller, with-return amount: 10,000 at 1 % a month
    # from 1,000 needs 699.64, which is 699.64 / 2,000 = 34.98 % of the income.
    with_return = goal_plan(10000, 1000, D(2025, 1, 1), D(2024, 1, 1), None, ONE_PCT_A_MONTH, 2000)
    assert with_return["required_share_of_income_pct"] == 34.98
    unknown = goal_plan(12000, 0, D(2025, 1, 1), D(2024, 1, 1))
    assert unknown["required_share_of_income_pct"] is None
    assert unknown["reasons"]["required_share_of_income_pct"] == "the monthly income is not known"


def test_a_withdrawal_is_the_callers_new_balance():
    # Withdrawals are recorded by the caller, which passes the savings left; the plan follows.
    before = goal_plan(1000, 1000, D(2025, 1, 1), D(2024, 1, 1), monthly_contribution=20)
    after = goal_plan(1000, 1000 - 300, D(2025, 1, 1), D(2024, 1, 1), monthly_contribution=20)
    assert before["status"] == "achieved"
    # 700 + 12 × 20 = 940: 94 % of the target → at risk; 300 / 20 = 15 months to get back.
    assert after["status"] == "at_risk"
    assert after["remaining"] == 300.0 and after["months_to_target"] == 15.0
    assert after["required_monthly"] == 25.0  # 300 / 12


def test_goal_plan_keys_and_bad_target():
    plan = goal_plan(1000, 0, D(2025, 1, 1), D(2024, 1, 1))
    assert set(plan) == {
        "progress_pct",
        "remaining",
        "months_left",
        "required_monthly",
        "required_monthly_with_return",
        "required_share_of_income_pct",
        "months_to_target",
        "projected_at_target_date",
        "projected_pct",
        "status",
        "reasons",
    }
    for key, figure in plan.items():
        if figure is None:
            assert key in plan["reasons"], key
    with pytest.raises(ValueError):
        goal_plan(0, 0, D(2025, 1, 1), D(2024, 1, 1))
