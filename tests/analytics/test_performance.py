"""Portfolio returns and risk figures checked against cases worked out by hand."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.analytics.performance import (
    annualize,
    benchmark_return,
    beta_alpha,
    daily_returns,
    max_drawdown,
    portfolio_series,
    sharpe,
    simple_return,
    sortino,
    time_weighted_return,
    volatility,
    xirr,
)
from financial_dashboard.analytics.performance_report import DEFINITIONS, performance_report
from financial_dashboard.analytics.valuation import AssetPosition

D = dt.date

# One asset closing at 10, 20, 20, 10 on 1-4 Jan 2024.
SWING = pd.Series([10.0, 20.0, 20.0, 10.0], index=pd.date_range("2024-01-01", periods=4))


def _position(id_, amount, bought, prices=SWING, type_="stock", quantity=None):
    return AssetPosition(id_, f"asset {id_}", type_, quantity, amount, bought, prices)


# Buy 1,000 at 10 (100 units) on 1 Jan; the price doubles; add 1,000 at 20 (50 units) on
# 3 Jan; the price halves back to 10 on 4 Jan.
#   value:    1 Jan 100 × 10 = 1,000 | 2 Jan 100 × 20 = 2,000 | 3 Jan 150 × 20 = 3,000 | 4 Jan 150 × 10 = 1,500
#   invested: 1,000 | 1,000 | 2,000 | 2,000;  flow: 1,000 | 0 | 1,000 | 0
ADDED_MID_PERIOD = [_position(1, 1000.0, D(2024, 1, 1)), _position(2, 1000.0, D(2024, 1, 3), type_="etf")]


def _finite_everywhere(value):
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite_everywhere(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite_everywhere(item) for item in value)
    return True


def test_portfolio_series_by_hand():
    frame = portfolio_series(ADDED_MID_PERIOD, D(2024, 1, 1), D(2024, 1, 4))
    assert list(frame.columns) == ["value", "invested", "flow"]
    assert frame["value"].tolist() == pytest.approx([1000, 2000, 3000, 1500])
    assert frame["invested"].tolist() == [1000, 1000, 2000, 2000]
    assert frame["flow"].tolist() == [1000, 0, 1000, 0]


def test_portfolio_series_counts_earlier_purchases_as_invested():
    frame = portfolio_series(ADDED_MID_PERIOD, D(2024, 1, 2), D(2024, 1, 3))
    assert frame["invested"].tolist() == [1000, 2000]  # the 1 Jan purchase is already in
    assert frame["flow"].tolist() == [0, 1000]


def test_portfolio_series_rejects_a_reversed_period():
    with pytest.raises(ValueError):
        portfolio_series(ADDED_MID_PERIOD, D(2024, 1, 4), D(2024, 1, 1))


def test_simple_return():
    assert simple_return(1500, 2000) == pytest.approx(-0.25)  # (1,500 - 2,000) / 2,000
    assert simple_return(0, 0) is None


def test_twr_differs_from_simple_return_when_money_is_added_mid_period():
    frame = portfolio_series(ADDED_MID_PERIOD, D(2024, 1, 1), D(2024, 1, 4))
    # r(2 Jan) = 2,000 / 1,000 - 1 = +100 %
    # r(3 Jan) = (3,000 - 1,000) / 2,000 - 1 = 0 %   (the deposit is not a gain)
    # r(4 Jan) = 1,500 / 3,000 - 1 = -50 %
    assert daily_returns(frame["value"], frame["flow"]).tolist() == pytest.approx([1.0, 0.0, -0.5])
    # TWR = 2 × 1 × 0.5 - 1 = 0: the asset went from 10 back to 10.
    assert time_weighted_return(frame) == pytest.approx(0.0)
    # Simple return = (1,500 - 2,000) / 2,000 = -25 %: more money was in for the fall.
    assert simple_return(1500, 2000) == pytest.approx(-0.25)


def test_first_day_return_uses_the_deposit_as_its_base():
    # Empty the day before, 1,000 paid, worth 1,050 at the close: r = 1,050 / 1,000 - 1 = 5 %.
    values = pd.Series([0.0, 1050.0, 1050.0])
    flows = pd.Series([0.0, 1000.0, 0.0])
    assert daily_returns(values, flows).tolist() == pytest.approx([0.05, 0.0])
    # Days with nothing held and nothing bought are left out.
    assert daily_returns(pd.Series([0.0, 0.0, 100.0]), pd.Series([0.0, 0.0, 100.0])).tolist() == [0.0]


def test_twr_is_none_without_capital():
    frame = pd.DataFrame({"value": [0.0, 0.0], "flow": [0.0, 0.0]})
    assert time_weighted_return(frame) is None


def test_xirr_of_one_year_over_a_leap_year():
    # 1,000 grows to 1,100 over 366 days. Actual/365: (1 + r)^(366/365) = 1.1, so
    # r = 1.1^(365/366) - 1 = exp(ln(1.1) × 365/366) - 1 = exp(0.0953101798 × 0.99726776) - 1 = 0.0997135859
    rate = xirr([(D(2020, 1, 1), -1000.0), (D(2021, 1, 1), 1100.0)])
    assert rate == pytest.approx(1.1 ** (365 / 366) - 1, abs=1e-12)
    assert rate == pytest.approx(0.0997135859, abs=1e-10)


def test_xirr_with_two_deposits_is_exactly_ten_percent():
    # 1,000 in on 1 Jan 2019 and 1,000 on 1 Jan 2020 (365 days later), 2,310 out on
    # 31 Dec 2020 (730 days after the start). At 10 %: 1,000 × 1.1² + 1,000 × 1.1 = 1,210 + 1,100 = 2,310.
    flows = [(D(2019, 1, 1), -1000.0), (D(2020, 1, 1), -1000.0), (D(2020, 12, 31), 2310.0)]
    assert xirr(flows) == pytest.approx(0.10, abs=1e-12)
    assert xirr(reversed(flows)) == pytest.approx(0.10, abs=1e-12)  # order does not matter


def test_xirr_with_two_roots_returns_the_one_nearest_zero():
    # -100, +230, -132 a year apart: -100 + 230/1.1 - 132/1.21 = -100 + 209.09 - 109.09 = 0
    # and -100 + 230/1.2 - 132/1.44 = -100 + 191.67 - 91.67 = 0. Both 10 % and 20 % solve it.
    flows = [(D(2021, 1, 1), -100.0), (D(2022, 1, 1), 230.0), (D(2023, 1, 1), -132.0)]
    assert xirr(flows) == pytest.approx(0.10, abs=1e-9)


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [(D(2020, 1, 1), -1000.0), (D(2021, 1, 1), -5.0)],  # money only goes in
        [(D(2020, 1, 1), -1000.0), (D(2020, 1, 1), 1100.0)],  # everything on one day
        [(D(2020, 1, 1), -1000.0), (D(2021, 1, 1), 0.0)],  # a zero is no flow
    ],
)
def test_xirr_is_none_without_a_sign_change_or_a_span(flows):
    assert xirr(flows) is None


def test_annualize_only_beyond_a_year():
    assert annualize(0.21, 730) == pytest.approx(0.10)  # 1.21^(365/730) - 1 = 1.1 - 1
    assert annualize(0.10, 366) == pytest.approx(1.1 ** (365 / 366) - 1)
    assert annualize(0.10, 365) is None  # a year is not stretched or restated
    assert annualize(0.05, 100) is None
    assert annualize(None, 800) is None


def test_max_drawdown():
    # Peak 120, trough 60 after it: 60 / 120 - 1 = -50 % (the earlier 90 is only -25 %).
    assert max_drawdown(pd.Series([100.0, 120, 90, 110, 60, 130])) == pytest.approx(-0.5)
    # Days before the first purchase (zeros) are not a loss: 80 / 100 - 1 = -20 %.
    assert max_drawdown(pd.Series([0.0, 0, 100, 80])) == pytest.approx(-0.2)
    assert max_drawdown(pd.Series([1.0, 2, 3])) == 0.0
    assert max_drawdown(pd.Series(dtype="float64")) is None


# Four returns: mean = (0.02 - 0.01 + 0.03 - 0.02) / 4 = 0.005
# deviations ±0.015, ±0.025: sample variance = (2 × 0.000225 + 2 × 0.000625) / 3 = 0.0017 / 3
# std = √0.000566667 = 0.0238048
# downside (rf 0) = √((0.01² + 0.02²) / 4) = √0.000125 = 0.0111803
TINY = pd.Series([0.02, -0.01, 0.03, -0.02])


def test_volatility_by_hand():
    assert volatility(TINY, periods_per_year=4) == pytest.approx(math.sqrt(0.0017 / 3) * 2)  # × √4
    assert volatility(TINY, periods_per_year=4) == pytest.approx(0.0476095, abs=1e-7)
    assert volatility(pd.Series([0.01])) is None


def test_sharpe_and_sortino_by_hand():
    # Sharpe = 0.005 / 0.0238048 × √4 = 0.420084; Sortino = 0.005 / 0.0111803 × 2 = 0.894427 (= 2/√5).
    assert sharpe(TINY, 0.0, periods_per_year=4) == pytest.approx(0.420084, abs=1e-6)
    assert sortino(TINY, 0.0, periods_per_year=4) == pytest.approx(2 / math.sqrt(5))


def test_sharpe_and_sortino_subtract_the_risk_free_rate_per_period():
    # 1.01^4 - 1 a year is exactly 1 % a quarter: excess = 0.01, -0.02, 0.02, -0.03, mean -0.005.
    # Sharpe = -0.005 / 0.0238048 × 2 = -0.420084
    # downside = √((0.02² + 0.03²) / 4) = √0.000325 = 0.0180278; Sortino = -0.005 / 0.0180278 × 2 = -0.5547002
    risk_free = 1.01**4 - 1
    assert sharpe(TINY, risk_free, periods_per_year=4) == pytest.approx(-0.420084, abs=1e-6)
    assert sortino(TINY, risk_free, periods_per_year=4) == pytest.approx(-0.5547002, abs=1e-7)


def test_sharpe_and_sortino_are_none_rather_than_infinite():
    assert sharpe(pd.Series([0.01]), 0.0) is None  # one return has no spread
    assert sharpe(pd.Series([0.01, 0.01, 0.01]), 0.0) is None  # no variation
    assert sortino(pd.Series([0.01, 0.02]), 0.0) is None  # never below the risk-free rate


def test_beta_of_twice_the_benchmark_is_two():
    benchmark = pd.Series([0.01, -0.02, 0.03, 0.005], index=pd.date_range("2024-01-01", periods=4))
    beta, alpha = beta_alpha(2 * benchmark, benchmark)
    assert beta == pytest.approx(2.0)
    assert alpha == pytest.approx(0.0, abs=1e-12)  # mean(2b) - 2 × mean(b) = 0


def test_alpha_is_jensens_and_annualised_arithmetically():
    # p = 2b + 0.001 a day: beta 2, alpha = 0.001 a day × 252 = 0.252.
    benchmark = pd.Series([0.01, -0.02, 0.03, 0.005], index=pd.date_range("2024-01-01", periods=4))
    beta, alpha = beta_alpha(2 * benchmark + 0.001, benchmark, 0.0, 252)
    assert beta == pytest.approx(2.0) and alpha == pytest.approx(0.252)
    # A 2× position borrows nothing here, so with a risk-free rate of 0.001 a day Jensen's alpha
    # of p = 2b is mean(2b - rf) - 2 × mean(b - rf) = rf per day = 0.252 a year.
    beta, alpha = beta_alpha(2 * benchmark, benchmark, 1.001**252 - 1, 252)
    assert beta == pytest.approx(2.0) and alpha == pytest.approx(0.252)


def test_beta_is_none_without_shared_moving_days():
    days = pd.date_range("2024-01-01", periods=3)
    assert beta_alpha(pd.Series([0.1, 0.2, 0.3], index=days), pd.Series([0.0, 0.0, 0.0], index=days)) == (None, None)
    other = pd.date_range("2025-01-01", periods=3)
    assert beta_alpha(pd.Series([0.1, 0.2, 0.3], index=days), pd.Series([0.1, 0.2, 0.3], index=other)) == (None, None)


def test_benchmark_return_uses_the_closes_on_or_before_each_end():
    prices = pd.Series([100.0, 110.0, 121.0], index=pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-10"]))
    assert benchmark_return(prices, D(2024, 1, 3), D(2024, 1, 12)) == pytest.approx(0.21)  # 121 / 100 - 1
    assert benchmark_return(prices, D(2024, 1, 5), D(2024, 1, 9)) == pytest.approx(0.0)  # 110 / 110 - 1
    assert benchmark_return(prices, D(2024, 1, 1), D(2024, 1, 12)) is None  # no close by the start
    assert benchmark_return(pd.Series(dtype="float64"), D(2024, 1, 1), D(2024, 1, 12)) is None


def test_report_when_money_is_added_mid_period():
    closes = {"2023-12-29": 100.0, "2024-01-01": 100.0, "2024-01-02": 110.0, "2024-01-03": 110.0, "2024-01-04": 99.0}
    benchmark = pd.Series(list(closes.values()), index=pd.to_datetime(list(closes)))
    report = performance_report(ADDED_MID_PERIOD, D(2024, 1, 1), D(2024, 1, 4), benchmark_prices=benchmark)
    assert report["invested"] == 2000.0 and report["value"] == 1500.0 and report["profit"] == -500.0
    assert report["simple_return_pct"] == -25.0
    assert report["twr_pct"] == 0.0
    assert report["days"] == 3  # money first in at the close of 1 Jan, measured to the close of 4 Jan
    assert report["twr_annualized_pct"] is None and "twr_annualized_pct" in report["reasons"]
    # Money-weighted, with daily growth g = (1 + r)^(1/365): the 1 Jan deposit grows 3 days,
    # the 3 Jan one 1 day, so 1,000 g³ + 1,000 g = 1,500, i.e. g³ + g - 1.5 = 0. Cardano:
    # g = ∛(0.75 + √(0.5625 + 1/27)) + ∛(0.75 - √(0.5625 + 1/27)) = 1.1512947 - 0.2900706 = 0.8612241,
    # and the 3-day rate is g³ - 1 = (1.5 - g) - 1 = 0.5 - g = -0.3612241 → -36.12 %.
    root = math.sqrt(0.5625 + 1 / 27)
    g = (0.75 + root) ** (1 / 3) - (root - 0.75) ** (1 / 3)
    assert g == pytest.approx(0.8612241, abs=1e-7)
    assert report["irr_period_pct"] == round((0.5 - g) * 100, 2) == -36.12
    assert report["irr_pct"] == -100.0  # a 36 % loss in 3 days compounds to all but everything in a year
    # Returns (entry day 0, then +100 %, 0, -50 %): mean 0.125, sample std √(1.1875 / 3) = 0.629153.
    # Volatility = 0.629153 × √365 = 12.0199 → 1201.99 %; Sharpe = 0.125 / 0.629153 × √365 = 3.7958;
    # Sortino = 0.125 / √(0.25 / 4) × √365 = 0.5 × 19.10497 = 9.5525; index 1, 1, 2, 2, 1: drawdown -50 %.
    assert report["volatility_pct"] == 1201.99
    assert report["sharpe"] == 3.7958
    assert report["sortino"] == 9.5525
    assert report["max_drawdown_pct"] == -50.0
    # Allocation on 4 Jan: 100 units × 10 = 1,000 (stock) and 50 × 10 = 500 (etf).
    assert report["allocation"]["by_asset"] == [
        {"id": 1, "name": "asset 1", "type": "stock", "value": 1000.0, "pct": 66.67, "priced": True},
        {"id": 2, "name": "asset 2", "type": "etf", "value": 500.0, "pct": 33.33, "priced": True},
    ]
    assert report["allocation"]["by_type"] == [
        {"type": "stock", "value": 1000.0, "pct": 66.67},
        {"type": "etf", "value": 500.0, "pct": 33.33},
    ]
    assert report["series"] == [
        {"date": D(2024, 1, 1), "value": 1000.0, "invested": 1000.0},
        {"date": D(2024, 1, 2), "value": 2000.0, "invested": 1000.0},
        {"date": D(2024, 1, 3), "value": 3000.0, "invested": 2000.0},
        {"date": D(2024, 1, 4), "value": 1500.0, "invested": 2000.0},
    ]
    # Benchmark from the 1 Jan close (100) to 4 Jan (99): -1 %. Shared daily returns 2-4 Jan:
    # p = 1, 0, -0.5 (mean 1/6), b = 0.1, 0, -0.1 (mean 0).
    # cov = (5/6 × 0.1 + (-2/3) × (-0.1)) / 2 = 0.075; var b = 0.02 / 2 = 0.01; beta = 7.5.
    # alpha = (1/6 - 7.5 × 0) × 365 = 60.8333 → 6083.33 %.
    assert report["benchmark"] == {"return_pct": -1.0, "beta": 7.5, "alpha_pct": 6083.33}
    assert set(report["definitions"]) >= {"twr_pct", "irr_pct", "sharpe", "benchmark.beta"}
    assert report["unpriced"] == []


def test_report_for_a_window_starting_after_the_first_purchase():
    report = performance_report(ADDED_MID_PERIOD, D(2024, 1, 3), D(2024, 1, 4))
    # Opening value at the 2 Jan close: 2,000. r(3 Jan) = (3,000 - 1,000) / 2,000 - 1 = 0, r(4 Jan) = -50 %.
    assert report["twr_pct"] == -50.0
    assert report["days"] == 2  # 2 Jan close to 4 Jan close
    # Money-weighted: -2,000 (opening, 2 Jan), -1,000 (3 Jan), +1,500 (4 Jan). With daily growth u:
    # 2,000 u² + 1,000 u = 1,500 → 2u² + u - 1.5 = 0 → u = (-1 + √13) / 4 = 0.6513878,
    # so the 2-day rate is u² - 1 = -0.5756939 → -57.57 %.
    u = (-1 + math.sqrt(13)) / 4
    assert report["irr_period_pct"] == round((u**2 - 1) * 100, 2) == -57.57
    assert report["invested"] == 2000.0  # totals at the end date include earlier purchases
    assert [row["date"] for row in report["series"]] == [D(2024, 1, 3), D(2024, 1, 4)]


def test_report_over_a_leap_year_agrees_across_measures_without_mid_period_flows():
    prices = pd.Series([10.0, 11.0], index=pd.to_datetime(["2020-01-01", "2021-01-01"]))
    report = performance_report([_position(1, 1000.0, D(2020, 1, 1), prices)], D(2020, 1, 1), D(2021, 1, 1))
    assert report["days"] == 366
    assert report["simple_return_pct"] == 10.0 and report["twr_pct"] == 10.0
    assert report["irr_period_pct"] == 10.0
    # 1.1^(365/366) - 1 = 9.9714 %: the yearly figures agree.
    assert report["twr_annualized_pct"] == report["irr_pct"] == 9.97
    # 367 daily returns (the purchase day's 0, then 366 days), one of 0.1 and the rest 0:
    # mean 0.1/367, sample variance (0.01 - 367 × (0.1/367)²) / 366 = 0.01/367, std = 0.1/√367.
    # Volatility = 0.1/√367 × √365 = 0.1 × √(365/367) = 9.9727 %;
    # Sharpe = (0.1/367) / (0.1/√367) × √365 = √(365/367) = 0.99727.
    assert report["volatility_pct"] == 9.97
    assert report["sharpe"] == 0.9973
    assert report["sortino"] is None and report["reasons"]["sortino"] == "no day returned less than the risk-free rate"
    assert report["max_drawdown_pct"] == 0.0  # a real zero: the index never fell
    assert len(report["series"]) == 367


def test_report_without_any_price_gives_reasons_not_zeros():
    unpriced = [_position(1, 500.0, D(2024, 1, 1), prices=pd.Series(dtype="float64"))]
    report = performance_report(unpriced, D(2024, 1, 1), D(2024, 3, 1))
    assert report["value"] == 500.0 and report["invested"] == 500.0  # carried at cost
    for key in ("profit", "simple_return_pct", "twr_pct", "irr_pct", "volatility_pct", "sharpe", "sortino"):
        assert report[key] is None
        assert report["reasons"][key] == "no holding has a price"
    assert report["unpriced"] == [{"id": 1, "name": "asset 1", "reason": "no prices"}]
    assert report["allocation"]["by_asset"][0]["priced"] is False


def test_report_of_an_empty_portfolio_is_all_reasons():
    report = performance_report([], D(2024, 1, 1), D(2024, 1, 31), benchmark_prices=pd.Series(dtype="float64"))
    assert report["value"] == 0.0 and report["invested"] == 0.0
    assert report["twr_pct"] is None and report["irr_pct"] is None and report["days"] is None
    assert report["benchmark"] == {"return_pct": None, "beta": None, "alpha_pct": None}
    assert report["reasons"]["benchmark.beta"] == "no benchmark prices"
    assert report["allocation"] == {"by_asset": [], "by_type": []}
    for key, figure in report.items():
        if figure is None:
            assert key in report["reasons"], key


def test_report_is_json_safe_and_explains_every_missing_figure():
    one_day = performance_report(ADDED_MID_PERIOD, D(2024, 1, 2), D(2024, 1, 2))
    assert one_day["sharpe"] is None and one_day["reasons"]["sharpe"] == "needs at least 2 days of returns"
    for report in (one_day, performance_report(ADDED_MID_PERIOD, D(2023, 12, 1), D(2024, 1, 4))):
        assert _finite_everywhere(report)
        for key, figure in report.items():
            if figure is None and key != "benchmark":
                assert key in report["reasons"]
                assert key in DEFINITIONS


def test_report_rejects_a_reversed_period():
    with pytest.raises(ValueError):
        performance_report(ADDED_MID_PERIOD, D(2024, 1, 4), D(2024, 1, 1))


def test_report_is_fast_for_fifty_assets_with_a_thousand_prices():
    import time

    days = pd.date_range("2020-01-01", periods=1000)
    rng = np.random.default_rng(4)
    positions = [
        _position(
            i,
            1000.0,
            D(2020, 1, 1) + dt.timedelta(days=10 * i),
            pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 1000))), index=days),
        )
        for i in range(50)
    ]
    started = time.perf_counter()
    report = performance_report(positions, D(2020, 1, 1), D(2022, 9, 26))
    assert time.perf_counter() - started < 0.5  # the pure math's share of the API's 100 ms, with room for slow CI
    assert report["twr_pct"] is not None and _finite_everywhere(report)
