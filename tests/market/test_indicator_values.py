"""RSI 14 and MACD 12/26/9 through GET /api/stock/<symbol>, against values worked out here from the definitions.

The expectations use plain pandas ``ewm`` (never the ``ta`` library the app computes them with), with the
conventions documented in analytics/indicators.py: every average starts at the first bar (the first bar
counts as no change for RSI), and values are hidden until the window is full.
"""

import math

import pandas as pd
import pytest

from financial_dashboard.market.providers.fake_provider import FakeProvider

from .conftest import NOW, strict_json

# 90 daily closes that rise, fall and zig-zag, so gains, losses and crossings all occur.
CLOSES = [round(100 + 8 * math.sin(i / 4) + 0.15 * i + (1.5 if i % 3 == 0 else -0.5), 4) for i in range(90)]


def known_bars(closes):
    close = pd.Series(closes, index=pd.date_range(end=NOW, periods=len(closes), freq="D"), dtype="float64")
    return pd.DataFrame({"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": 1000.0})


def hidden(series, bars):
    """``series`` with its first ``bars`` values hidden (None), as plain floats otherwise."""
    return [None if i < bars else float(value) for i, value in enumerate(series)]


def wilder_rsi(closes, window=14):
    """RSI = 100 - 100 / (1 + average gain / average loss), both averaged with alpha = 1 / window."""
    change = pd.Series(closes).diff().fillna(0.0)  # the first bar has no change
    gain = change.clip(lower=0).ewm(alpha=1 / window, adjust=False).mean()
    loss = (-change).clip(lower=0).ewm(alpha=1 / window, adjust=False).mean()
    rsi = [100.0 if down == 0 else 100 - 100 / (1 + up / down) for up, down in zip(gain, loss, strict=False)]
    return hidden(rsi, window - 1)


def ema(series, span):
    return series.ewm(span=span, adjust=False).mean()  # alpha = 2 / (span + 1), started at the first value


def macd(closes, fast=12, slow=26, signal=9):
    """MACD line = EMA fast - EMA slow; signal = EMA of the line from its first shown value; histogram = difference."""
    close = pd.Series(closes)
    line = ema(close, fast) - ema(close, slow)
    first = slow - 1
    signal_line = pd.concat([pd.Series([math.nan] * first), ema(line.iloc[first:], signal)], ignore_index=True)
    histogram = line - signal_line
    last_hidden = first + signal - 1
    return {
        "macd": hidden(line, first),
        "signal": hidden(signal_line, last_hidden),
        "histogram": hidden(histogram, last_hidden),
    }


def same(actual, expected):
    assert len(actual) == len(expected)
    assert [value is None for value in actual] == [value is None for value in expected]
    for got, want in zip(actual, expected, strict=False):
        if want is not None:
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


@pytest.fixture
def body(live, client):
    live.use("yfinance", FakeProvider({"WAVE": known_bars(CLOSES)}))
    response = client.get("/api/stock/WAVE?period=1y&indicators=rsi,macd")
    assert response.status_code == 200, response.get_data(as_text=True)
    return strict_json(response.data)


def test_the_answer_holds_exactly_the_known_bars(body):
    assert [bar["close"] for bar in body["history"]] == pytest.approx(CLOSES, rel=1e-12)
    assert set(body["indicators"]) == {"rsi", "macd"}


def test_rsi_14_is_wilders_rsi_of_the_closes(body):
    expected = wilder_rsi(CLOSES)
    same(body["indicators"]["rsi"]["RSI_14"], expected)
    # Fixed points, so that a change to the expectation itself does not go unnoticed.
    assert expected[12] is None
    assert (expected[13], expected[-1]) == pytest.approx((37.554052, 44.690747), abs=1e-6)


def test_macd_12_26_9_is_the_difference_of_two_emas_with_its_signal_line(body):
    expected = macd(CLOSES)
    for name in ("macd", "signal", "histogram"):
        same(body["indicators"]["macd"][name], expected[name])
    assert expected["macd"][24] is None and expected["signal"][32] is None
    assert (expected["macd"][25], expected["signal"][33]) == pytest.approx((-0.935480, 1.540386), abs=1e-6)
    assert (expected["macd"][-1], expected["signal"][-1], expected["histogram"][-1]) == pytest.approx(
        (1.674720, 2.343130, -0.668410), abs=1e-6
    )
