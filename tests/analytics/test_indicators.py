"""Indicator values checked against hand arithmetic and textbook loops, not against ta itself."""

import math

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.analytics.indicators import (
    ALLOWED_INDICATORS,
    INDICATORS,
    bollinger,
    compute_indicators,
    ema,
    macd,
    moving_averages,
    rsi,
    series_to_list,
    sma,
)

NAN = float("nan")

# A 60-bar wiggly but deterministic price path, long enough for MACD's 33-bar warm-up.
PRICES = [100 + 10 * math.sin(i / 4) + 0.5 * i + (i % 3) for i in range(60)]


def _series(values, dated=False):
    index = pd.date_range("2024-01-01", periods=len(values), freq="D", tz="UTC") if dated else None
    return pd.Series(values, index=index, dtype="float64")


def _assert_matches(actual: pd.Series, expected: list) -> None:
    assert len(actual) == len(expected)
    for position, (got, want) in enumerate(zip(actual.tolist(), expected, strict=False)):
        if want is None or (isinstance(want, float) and math.isnan(want)):
            assert math.isnan(got), f"bar {position}: expected warm-up NaN, got {got}"
        else:
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), f"bar {position}"


def _ema_loop(values: list, window: int) -> list:
    """Textbook EMA, alpha = 2 / (n + 1), in ta's convention (pandas ewm adjust=False).

    Seeded with the first available value (not an SMA of the first n values);
    the first n - 1 outputs after that seed are hidden as warm-up NaN. Leading
    NaNs in the input (MACD's signal line) are skipped before seeding.
    """
    alpha = 2 / (window + 1)
    out, average, seen = [], None, 0
    for value in values:
        if math.isnan(value):
            out.append(NAN)
            continue
        average = value if average is None else alpha * value + (1 - alpha) * average
        seen += 1
        out.append(average if seen >= window else NAN)
    return out


def _rsi_loop(values: list, window: int) -> list:
    """Wilder RSI by explicit recurrence, alpha = 1 / n, in ta's convention.

    ta seeds the smoothed gain and loss with 0 on the first bar (which has no
    change) instead of Wilder's average of the first n changes, and shows a
    value from bar n - 1 on; when the smoothed loss is 0 the RSI is 100.
    """
    out, gain, loss = [], 0.0, 0.0
    for i, value in enumerate(values):
        if i > 0:
            change = value - values[i - 1]
            gain = (1 - 1 / window) * gain + max(change, 0) / window
            loss = (1 - 1 / window) * loss + max(-change, 0) / window
        if i < window - 1:
            out.append(NAN)
        else:
            out.append(100.0 if loss == 0 else 100 - 100 / (1 + gain / loss))
    return out


def test_sma_window_3_on_one_to_six():
    _assert_matches(sma(_series([1, 2, 3, 4, 5, 6]), 3), [NAN, NAN, 2.0, 3.0, 4.0, 5.0])


def test_sma_accepts_integer_prices():
    _assert_matches(sma(pd.Series([2, 4, 9]), 2), [NAN, 3.0, 6.5])


def test_ema_window_3_by_hand():
    # alpha = 2 / (3 + 1) = 0.5, seeded with the first close: 1, 1.5, 2.25, 3.125, ...
    _assert_matches(ema(_series([1, 2, 3, 4, 5, 6]), 3), [NAN, NAN, 2.25, 3.125, 4.0625, 5.03125])


@pytest.mark.parametrize("window", [5, 12, 26])
def test_ema_matches_recurrence(window):
    _assert_matches(ema(_series(PRICES), window), _ema_loop(PRICES, window))


def test_rsi_window_3_by_hand():
    # Changes +1, -0.5, +1, -0.5, +1 smoothed with alpha 1/3 from 0:
    # bar 2: gain 2/9, loss 1/6 -> RS 4/3 -> 400/7; bar 3: 13/27 vs 1/9 -> 81.25;
    # bar 4: 26/81 vs 13/54 -> 400/7; bar 5: 133/243 vs 13/81 -> 3325/43.
    closes = _series([10, 11, 10.5, 11.5, 11, 12])
    _assert_matches(rsi(closes, 3), [NAN, NAN, 400 / 7, 81.25, 400 / 7, 3325 / 43])


def test_rsi_14_matches_wilder_recurrence():
    result = rsi(_series(PRICES))
    _assert_matches(result, _rsi_loop(PRICES, 14))
    assert result.iloc[13:].between(0, 100).all()


def test_rsi_is_100_when_prices_only_rise():
    result = rsi(_series([float(v) for v in range(1, 21)]), 14)
    assert result.iloc[:13].isna().all()
    assert (result.iloc[13:] == 100.0).all()


def test_rsi_is_0_when_prices_only_fall():
    result = rsi(_series([float(v) for v in range(20, 0, -1)]), 14)
    assert (result.iloc[13:] == 0.0).all()


def test_macd_columns_values_and_histogram():
    result = macd(_series(PRICES))
    assert list(result.columns) == ["macd", "signal", "histogram"]
    fast, slow = _ema_loop(PRICES, 12), _ema_loop(PRICES, 26)
    line = [f - s for f, s in zip(fast, slow, strict=False)]
    signal = _ema_loop(line, 9)
    _assert_matches(result["macd"], line)
    _assert_matches(result["signal"], signal)
    _assert_matches(result["histogram"], [m - s for m, s in zip(line, signal, strict=False)])
    # Slow EMA needs 26 bars, then the signal needs 9 MACD values: first at bar 33.
    assert result["macd"].first_valid_index() == 25
    assert result["signal"].first_valid_index() == 33


def test_bollinger_uses_population_std():
    # Textbook data set: mean 5, population std exactly 2 (sample std would be ~2.14).
    result = bollinger(_series([2, 4, 4, 4, 5, 5, 7, 9]), window=8, k=2)
    assert list(result.columns) == ["middle", "upper", "lower"]
    assert result.iloc[:7].isna().all().all()
    assert result.iloc[7].tolist() == pytest.approx([5.0, 9.0, 1.0])


def test_bollinger_rolling_window_3():
    # Each window (n, n+1, n+2) has mean n+1 and population std sqrt(2/3).
    result = bollinger(_series([1, 2, 3, 4, 5, 6]), window=3, k=2)
    width = 2 * math.sqrt(2 / 3)
    _assert_matches(result["middle"], [NAN, NAN, 2, 3, 4, 5])
    _assert_matches(result["upper"], [NAN, NAN, 2 + width, 3 + width, 4 + width, 5 + width])
    _assert_matches(result["lower"], [NAN, NAN, 2 - width, 3 - width, 4 - width, 5 - width])


def test_moving_averages_keys_and_values():
    result = moving_averages(_series(PRICES))
    assert list(result) == ["MA_20", "MA_50"]
    expected_50 = [NAN] * 49 + [sum(PRICES[i - 49 : i + 1]) / 50 for i in range(49, 60)]
    _assert_matches(result["MA_50"], expected_50)


def test_compute_indicators_shapes_and_alignment():
    close = _series(PRICES, dated=True)
    result = compute_indicators(close, ALLOWED_INDICATORS)
    assert {name: list(series) for name, series in result.items()} == {
        "rsi": ["RSI_14"],
        "macd": ["macd", "signal", "histogram"],
        "bollinger": ["middle", "upper", "lower"],
        "ema": ["EMA_12", "EMA_26"],
    }
    for bundle in result.values():
        for series in bundle.values():
            assert len(series) == len(close)
            assert series.index.equals(close.index)
    # Warm-up is NaN, not a filler value, and the last bar is always computed.
    assert result["ema"]["EMA_26"].iloc[:25].isna().all()
    assert result["bollinger"]["upper"].iloc[:19].isna().all()
    assert not result["macd"]["signal"].iloc[-1:].isna().any()


def test_compute_indicators_shorter_than_warm_up_gives_all_nan():
    close = _series([1.0, 2.0, 3.0])
    series = compute_indicators(close, ["rsi"])["rsi"]["RSI_14"]
    assert len(series) == 3 and series.isna().all()


def test_compute_indicators_subset_only():
    assert list(compute_indicators(_series(PRICES), ["ema"])) == ["ema"]


def test_unknown_indicator_name_lists_allowed_names():
    with pytest.raises(ValueError) as error:
        compute_indicators(_series(PRICES), ["rsi", "stochastic"])
    message = str(error.value)
    assert "stochastic" in message
    for name in ("rsi", "macd", "bollinger", "ema"):
        assert name in message
    assert set(ALLOWED_INDICATORS) == set(INDICATORS) == {"rsi", "macd", "bollinger", "ema"}


@pytest.mark.parametrize("window", [0, -3, 2.5])
def test_bad_window_is_rejected(window):
    with pytest.raises(ValueError):
        sma(_series(PRICES), window)


def test_series_to_list_replaces_nan_and_inf_and_keeps_precision():
    values = series_to_list(pd.Series([NAN, 1 / 3, np.inf, -np.inf, 2.0, None]))
    assert values == [None, 1 / 3, None, None, 2.0, None]
    assert all(value is None or type(value) is float for value in values)


def test_series_to_list_handles_nullable_and_integer_dtypes():
    assert series_to_list(pd.Series([1, pd.NA, 3], dtype="Float64")) == [1.0, None, 3.0]
    assert series_to_list(pd.Series([1, 2], dtype="int64")) == [1.0, 2.0]


def test_series_to_list_of_indicators_is_json_safe():
    for bundle in compute_indicators(_series(PRICES), ALLOWED_INDICATORS).values():
        for series in bundle.values():
            values = series_to_list(series)
            assert len(values) == len(PRICES)
            assert values[0] is None  # every indicator has a warm-up
            assert all(value is None or math.isfinite(value) for value in values)
