"""KPI values checked against a 5-bar series worked out by hand."""

import math
import statistics

import pandas as pd
import pytest

from financial_dashboard.analytics.kpis import KPI_DEFINITIONS, compute_kpis

FIGURES = [key for key in KPI_DEFINITIONS if key != "bars"]


def _frame(closes, volumes=None):
    index = pd.date_range("2024-03-01", periods=len(closes), freq="D", tz="UTC")
    closes = [float(c) for c in closes]
    return pd.DataFrame(
        {
            "open": closes,
            "high": [c + 2 for c in closes],
            "low": [c - 3 for c in closes],
            "close": closes,
            "volume": volumes if volumes is not None else [1000.0] * len(closes),
        },
        index=index,
    )


FIVE_BARS = _frame([100, 120, 90, 110, 108], volumes=[1000, 2000, 1500, 1200, 1300])


def test_five_bar_series_by_hand():
    kpis = compute_kpis(FIVE_BARS)
    assert kpis["latest_price"] == 108.0
    assert kpis["first_price"] == 100.0
    assert kpis["return_pct"] == pytest.approx(8.0)  # 108 / 100 - 1
    assert kpis["change"] == pytest.approx(-2.0)  # 108 - 110
    assert kpis["change_pct"] == pytest.approx(-200 / 110)  # -1.8181...
    assert kpis["high"] == 122.0  # 120 + 2
    assert kpis["low"] == 87.0  # 90 - 3
    assert kpis["max_drawdown_pct"] == pytest.approx(-25.0)  # 90 against the 120 peak
    assert kpis["average_volume"] == 1400.0  # 7000 / 5
    assert kpis["bars"] == 5
    assert kpis["start"] == pd.Timestamp("2024-03-01", tz="UTC")
    assert kpis["end"] == pd.Timestamp("2024-03-05", tz="UTC")


def test_volatility_is_sample_std_of_percent_returns():
    # Bar-to-bar returns in percent: +20, -25, +22.22..., -1.8181...
    returns = [20.0, -25.0, 200 / 9, -200 / 110]
    kpis = compute_kpis(FIVE_BARS)
    assert kpis["volatility"] == pytest.approx(statistics.stdev(returns))  # ddof=1
    assert kpis["volatility"] != pytest.approx(statistics.pstdev(returns))
    assert kpis["volatility"] == pytest.approx(22.0817559, rel=1e-8)
    assert kpis["annualized_volatility_pct"] == pytest.approx(statistics.stdev(returns) * math.sqrt(252))


def test_periods_per_year_scales_annualized_volatility():
    crypto = compute_kpis(FIVE_BARS, periods_per_year=365)
    assert crypto["annualized_volatility_pct"] == pytest.approx(crypto["volatility"] * math.sqrt(365))


def test_two_bars_of_volatility_hand_computed():
    # Returns +10% and -10%: mean 0, sample variance (100 + 100) / 1 = 200.
    kpis = compute_kpis(_frame([100, 110, 99]))
    assert kpis["volatility"] == pytest.approx(math.sqrt(200))


def test_no_drawdown_when_prices_never_fall():
    kpis = compute_kpis(_frame([10, 11, 11, 12]))
    assert kpis["max_drawdown_pct"] == 0.0
    assert kpis["return_pct"] == pytest.approx(20.0)


def test_empty_frame_gives_none_everywhere():
    kpis = compute_kpis(_frame([]))
    assert kpis["bars"] == 0
    assert all(kpis[key] is None for key in FIGURES)


def test_single_bar_has_no_change_return_or_volatility():
    kpis = compute_kpis(_frame([50]))
    assert kpis["bars"] == 1
    assert kpis["latest_price"] == kpis["first_price"] == 50.0
    for key in ("return_pct", "change", "change_pct", "volatility", "annualized_volatility_pct"):
        assert kpis[key] is None, key
    assert kpis["max_drawdown_pct"] == 0.0


def test_two_bars_have_change_but_no_volatility():
    kpis = compute_kpis(_frame([50, 55]))
    assert kpis["change"] == pytest.approx(5.0)
    assert kpis["change_pct"] == pytest.approx(10.0)
    assert kpis["volatility"] is None
    assert kpis["annualized_volatility_pct"] is None


def test_zero_prices_give_none_not_inf():
    # Previous close 0: change_pct and the 0 -> 3 return are undefined.
    kpis = compute_kpis(_frame([5, 0, 3]))
    assert kpis["change"] == pytest.approx(3.0)
    assert kpis["change_pct"] is None
    assert kpis["volatility"] is None
    assert kpis["return_pct"] == pytest.approx(-40.0)
    assert compute_kpis(_frame([0, 2, 3]))["return_pct"] is None


@pytest.mark.parametrize("closes", [[], [7], [7, 7], [5, 0, 3], [0, 0, 0], [100, 120, 90, 110, 108]])
def test_no_nan_or_inf_in_any_figure(closes):
    for key, value in compute_kpis(_frame(closes)).items():
        if isinstance(value, float):
            assert math.isfinite(value), key


def test_definitions_cover_every_key_in_one_sentence():
    assert set(KPI_DEFINITIONS) == set(compute_kpis(FIVE_BARS))
    for key, text in KPI_DEFINITIONS.items():
        assert text.endswith(".") and text.count(". ") == 0, key


def test_missing_column_is_rejected():
    with pytest.raises(ValueError, match="volume"):
        compute_kpis(FIVE_BARS.drop(columns="volume"))


def test_unsorted_frame_is_rejected():
    with pytest.raises(ValueError, match="sorted"):
        compute_kpis(FIVE_BARS.iloc[::-1])
