"""Signal rules, levels and the backtest on hand-made prices, checked against hand calculations."""

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.analytics import backtest, levels, signals


def frame_of(closes, opens=None, spread=0.5):
    closes = np.asarray(closes, dtype=float)
    opens = closes if opens is None else np.asarray(opens, dtype=float)
    index = pd.date_range("2020-01-01", periods=len(closes), freq="D", tz="UTC")
    return pd.DataFrame(
        {
            "open": opens,
            "high": np.maximum(opens, closes) + spread,
            "low": np.minimum(opens, closes) - spread,
            "close": closes,
            "volume": 1000.0,
        },
        index=index,
    )


def test_a_long_rise_ending_in_a_jump_is_overbought_above_its_bands_and_trending_up():
    rise = 100 * 1.01 ** np.arange(119)
    close = np.append(rise, rise[-1] * 1.08)
    reading, series = signals.evaluate(frame_of(close))

    assert reading.scores == {"rsi": -1.0, "macd": 0.5, "ma": 0.5, "bollinger": -1.0}
    assert reading.score == pytest.approx(-0.25) and reading.signal == "SELL" and reading.strength == 0.25
    assert reading.reasons[0].startswith("RSI 14 is 100.0, above 70: overbought")
    assert "is above its signal line" in reading.reasons[1] and "the trend is up" in reading.reasons[2]
    assert "above the upper Bollinger band" in reading.reasons[3]
    assert (series.iloc[: signals.WARM_UP - 1] == "HOLD").all()


def test_a_steady_rise_stays_inside_its_bands_and_the_rules_cancel_out_to_hold():
    reading, _ = signals.evaluate(frame_of(100 * 1.01 ** np.arange(120)))
    assert reading.scores == {"rsi": -1.0, "macd": 0.5, "ma": 0.5, "bollinger": 0.0}
    assert (reading.signal, reading.score) == ("HOLD", 0.0)
    assert "inside the Bollinger bands" in reading.reasons[3]


def test_a_turn_up_after_a_fall_is_a_macd_cross_above_its_signal_line_for_3_bars():
    from financial_dashboard.analytics.indicators import macd

    fall = 200 - 0.015 * np.arange(80) ** 2  # an accelerating fall keeps MACD under its signal line
    close = np.concatenate([fall, fall[-1] + 1.5 * np.arange(1, 31)])
    lines = macd(pd.Series(close))
    above = (lines["macd"] > lines["signal"]).to_numpy()
    cross = next(i for i in range(34, len(close)) if above[i] and not above[i - 1])
    assert cross > 80

    on_the_bar, _ = signals.evaluate(frame_of(close[: cross + 1]))
    two_later, _ = signals.evaluate(frame_of(close[: cross + 3]))
    three_later, _ = signals.evaluate(frame_of(close[: cross + 4]))

    assert on_the_bar.scores["macd"] == two_later.scores["macd"] == 1.0
    assert on_the_bar.reasons[1] == "MACD crossed above its signal line on the last bar: momentum is turning up."
    assert two_later.reasons[1].startswith("MACD crossed above its signal line 2 bars ago")
    assert three_later.scores["macd"] == 0.5 and "is above its signal line" in three_later.reasons[1]
    assert "the trend is down" in on_the_bar.reasons[2]


def test_a_sharp_fall_is_oversold_and_below_the_lower_band():
    close = np.concatenate([np.full(60, 100.0) + np.sin(np.arange(60)), np.linspace(99, 80, 10)])
    reading, _ = signals.evaluate(frame_of(close))

    assert reading.scores["rsi"] == 1.0 and reading.scores["bollinger"] == 1.0
    assert "oversold" in reading.reasons[0] and "below the lower Bollinger band" in reading.reasons[3]


def test_during_warm_up_every_signal_is_hold_and_the_reasons_say_what_is_missing():
    reading, series = signals.evaluate(frame_of(100 + np.arange(30.0)))
    assert reading.signal == "HOLD" and reading.scores["ma"] is None and (series == "HOLD").all()
    assert reading.reasons[2] == "Not enough bars for MA 50 (needs 50, has 30)."


def test_the_mean_score_decides_at_the_threshold():
    scores = pd.DataFrame(
        {"rsi": [0, 1, 0, np.nan], "macd": [0.5, 0, -0.5, 1], "ma": [0.5, 0, -0.5, 1], "bollinger": [0, 0, -0.5, 1]}
    )
    assert list(signals.signals(scores)) == ["BUY", "BUY", "SELL", "HOLD"]


def test_the_backtest_enters_and_leaves_at_the_next_open_and_charges_costs():
    opens = [10, 10, 11, 12, 13, 12, 12, 10, 11, 12]
    closes = [10, 11, 12, 13, 12, 12, 11, 11, 12, 12]
    marks = pd.Series(["HOLD", "BUY", "HOLD", "HOLD", "SELL", "HOLD", "BUY", "HOLD", "HOLD", "HOLD"])
    data = frame_of(closes, opens)
    marks.index = data.index

    result = backtest.backtest(data, marks, cost_pct=1, first=0)

    # From bar 1: BUY on bar 1 fills at bar 2's open (11), SELL on bar 4 at bar 5's open (12),
    # BUY on bar 6 at bar 7's open (10), still open at the last close (12).
    first_trade = 12 / 11 * 0.99 * 0.99 - 1
    cash = 0.99 * (12 / 11) * 0.99
    final = cash * 0.99 * 12 / 10
    assert result["strategy_return_pct"] == pytest.approx((final - 1) * 100)
    assert result["buy_and_hold_return_pct"] == pytest.approx((12 / 10 * 0.99 - 1) * 100)
    assert (result["trades"], result["closed_trades"], result["open_position"]) == (2, 1, True)
    assert result["win_rate_pct"] == (100.0 if first_trade > 0 else 0.0)
    assert result["start"] == data.index[1] and result["bars"] == 9
    equity = result["equity"].to_numpy()
    assert equity[0] == 1.0 and equity[1] == pytest.approx(0.99 * 12 / 11)
    peak = np.maximum.accumulate(equity)
    assert result["max_drawdown_pct"] == pytest.approx(((equity / peak - 1) * 100).min())
    better = "the signals did better" if final > 12 / 10 * 0.99 else "buying and holding did better"
    assert result["verdict"].endswith(better + ".")
    assert result["verdict"].startswith(f"Following the signals would have returned {(final - 1) * 100:+.1f} %")


def test_a_backtest_without_bars_after_the_warm_up_says_so():
    data = frame_of([1, 2, 3])
    result = backtest.backtest(data, pd.Series(["HOLD"] * 3, index=data.index), first=5)
    assert result["trades"] == 0 and "too few bars" in result["verdict"]


def test_swing_levels_are_the_nearest_lows_under_and_highs_above_the_close():
    wave = 100 + 10 * np.sin(np.arange(120) / 6)  # swings every ~19 bars
    data = frame_of(wave, spread=0)
    close = wave[-1]
    found = levels.swing_levels(data)

    assert found["support"] and all(level < close for level in found["support"])
    assert found["resistance"] and all(level > close for level in found["resistance"])
    assert found["support"] == sorted(found["support"], reverse=True)
    assert min(found["support"]) == pytest.approx(wave[:-5].min(), abs=0.2)


def test_the_stop_loss_sits_under_the_support_and_never_more_than_3_atr_away():
    stop, reason = levels.stop_loss(100.0, "BUY", {"support": [95.0], "resistance": []}, 2.0)
    assert stop == 94.0 and "nearest support (95.00)" in reason
    stop, _ = levels.stop_loss(100.0, "HOLD", {"support": [80.0], "resistance": []}, 2.0)
    assert stop == 94.0  # 3 ATR
    stop, reason = levels.stop_loss(100.0, "SELL", {"support": [], "resistance": []}, 2.0)
    assert stop == 104.0 and "no swing high" in reason
    assert levels.stop_loss(100.0, "BUY", {"support": [], "resistance": []}, None)[0] is None
