"""Walk-forward backtest: origins, no look-ahead, the metrics against naive, bands and the verdict."""

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.analytics.forecasting import NotEnoughHistory, create_model
from financial_dashboard.analytics.forecasting.backtest import origin_positions, verdict, walk_forward
from financial_dashboard.analytics.forecasting.base import ForecastModel
from financial_dashboard.analytics.forecasting.features import build_features

from .conftest import TINY, made_up, sample_frame


class Spy(ForecastModel):
    """Carries the last close forward and records what each fit and each forecast was allowed to see."""

    min_train = 10

    def __init__(self, refit_every):
        super().__init__()
        self.refit_every = refit_every
        self.fits, self.forecasts = [], []

    def _fit(self, progress):
        self.fits.append(len(self.closes))

    def _predict_returns(self, ends, steps):
        self.forecasts.append((self.fits[-1], list(ends)))
        return np.zeros((len(ends), steps))


def test_every_horizon_gets_its_own_most_recent_origins():
    positions = origin_positions(200, origins=60, max_horizon=30)
    assert (positions[0], positions[-1], len(positions)) == (110, 198, 89)


def test_a_refit_sees_the_closes_up_to_its_first_origin_and_no_origin_is_ahead_of_its_fit():
    closes = made_up(np.linspace(10, 20, 150))["close"]
    spy = Spy(refit_every=7)

    result = walk_forward(spy, closes, origins=20, max_horizon=5)

    assert result.refits == len(spy.fits) == 4  # 24 origins in blocks of 7
    for fitted_on, ends in spy.forecasts:
        assert fitted_on == ends[0] + 1  # fitted on closes[: first origin + 1]
        assert all(end >= ends[0] for end in ends)


@pytest.mark.parametrize("name", ["naive", "drift", "random_forest", "svr"])
def test_changing_the_future_changes_no_earlier_forecast(name):
    frame = sample_frame(bars=260)
    changed = frame.copy()
    cut = 230
    changed.iloc[cut + 1 :, :4] *= 1.5  # every price after position `cut`
    runs = []
    for data in (frame, changed):
        model = create_model(name, **TINY.get(name, {}))
        features = build_features(data) if model.uses_features else None
        runs.append(walk_forward(model, data["close"], features, origins=40, max_horizon=10))
    before = runs[0].positions <= cut
    assert before.sum() > 10 and (~before).sum() > 10
    assert np.array_equal(runs[0].predicted[before], runs[1].predicted[before])
    assert not np.array_equal(runs[0].predicted[~before], runs[1].predicted[~before])


def test_metrics_on_a_straight_line_are_exact():
    # Closes 100, 101, 102 ...: naive misses by h at horizon h; drift (log-linear) misses by less.
    closes = made_up(100 + np.arange(120.0))["close"]
    result = walk_forward(create_model("naive"), closes, origins=30, max_horizon=5)
    day3 = result.summary()[2]

    assert day3["horizon"] == 3 and day3["origins"] == 30
    assert day3["model"]["mae"] == pytest.approx(3) and day3["model"]["rmse"] == pytest.approx(3)
    assert day3["naive"] == day3["model"] and day3["ratio_to_naive"] == pytest.approx(1)
    assert day3["model"]["mase"] == pytest.approx(3)  # scaled by the one-day change before the first origin: 1
    assert day3["model"]["directional_accuracy_pct"] is None  # naive never calls a direction
    last_origins = result.positions[result.positions + 3 <= len(closes) - 1][-30:]
    assert day3["model"]["mape_pct"] == pytest.approx(np.mean(3 / closes.to_numpy()[last_origins + 3]) * 100)


def test_a_model_that_is_right_beats_naive_and_its_band_is_tight():
    closes = made_up(100 * 1.01 ** np.arange(150))["close"]  # exactly 1 % a day: drift is right
    day5 = walk_forward(create_model("drift"), closes, origins=30, max_horizon=5).summary()[4]

    assert day5["model"]["mae"] < 0.01 * day5["naive"]["mae"]
    assert day5["ratio_to_naive"] < 0.01
    assert day5["model"]["directional_accuracy_pct"] == 100
    assert day5["band"][1] - day5["band"][0] < 1e-6


def test_the_band_is_the_spread_of_the_backtest_errors_not_a_fixed_factor():
    rng = np.random.default_rng(7)
    quiet = made_up(100 * np.exp(np.cumsum(rng.normal(0, 0.002, 200))))["close"]
    wild = made_up(100 * np.exp(np.cumsum(rng.normal(0, 0.03, 200))))["close"]
    widths = [
        walk_forward(create_model("naive"), closes, origins=60, max_horizon=10).summary()[9]["band"]
        for closes in (quiet, wild)
    ]
    assert (widths[1][1] - widths[1][0]) > 5 * (widths[0][1] - widths[0][0])


def test_too_short_a_history_says_how_many_closes_are_needed_and_available():
    with pytest.raises(NotEnoughHistory) as raised:
        walk_forward(create_model("random_forest"), sample_frame(bars=150)["close"], origins=60, max_horizon=30)
    error = raised.value
    assert (error.needed, error.available) == (183, 150)
    assert "183 closes are needed" in error.message and "150 are available" in error.message


@pytest.mark.parametrize(
    "ratio, sentence",
    [
        (
            1.12,
            "Over the last 60 trading days its 7-day forecasts were 12 % less accurate than assuming no change: "
            "it does not beat the naive forecast.",
        ),
        (0.92, "Over the last 60 trading days its 7-day forecasts were 8 % more accurate than assuming no change."),
        (1.001, "Over the last 60 trading days its 7-day forecasts were as accurate as assuming no change."),
    ],
)
def test_the_verdict_is_one_plain_sentence(ratio, sentence):
    summary = {"origins": 60, "horizon": 7, "ratio_to_naive": ratio, "naive": {"mape_pct": 3.0}}
    assert verdict("lstm", summary) == sentence


def test_the_verdict_counts_calendar_days_for_crypto_and_describes_the_baseline():
    summary = {"origins": 60, "horizon": 1, "ratio_to_naive": 1.0, "naive": {"mape_pct": 2.345}}
    text = verdict("naive", summary, trading_days=False)
    assert text.startswith("Over the last 60 days assuming no change missed the 1-day close by 2.3 %")


def test_origin_dates_are_reported():
    frame = sample_frame(bars=200)
    summary = walk_forward(create_model("naive"), frame["close"], origins=20, max_horizon=3).summary()
    assert summary[0]["to"] == frame.index[-2] and summary[2]["to"] == frame.index[-4]
    assert isinstance(summary[0]["from"], pd.Timestamp)
