"""Data for the forecasting tests: real bundled closes (small slices) and made-up series with known answers."""

import numpy as np
import pandas as pd
import pytest

from financial_dashboard.market.providers.sample_provider import SampleProvider


def sample_frame(symbol="AAPL", bars=260):
    """The last ``bars`` daily bars of a bundled symbol."""
    return SampleProvider().fetch_ohlcv(symbol).iloc[-bars:].copy()


def made_up(values, start="2020-01-01", volume=1000.0, freq="B"):
    """An OHLCV frame whose close is ``values`` on business days (or ``freq``)."""
    index = pd.date_range(start, periods=len(values), freq=freq, tz="UTC", name="timestamp")
    close = np.asarray(values, dtype="float64")
    return pd.DataFrame(
        {"open": close, "high": close, "low": close, "close": close, "volume": np.full(len(close), volume)}, index=index
    )


@pytest.fixture
def aapl():
    return sample_frame("AAPL", 260)


# Small settings: the same code paths as production, a fraction of the work.
TINY = {
    "random_forest": {"trees": 8, "refit_every": 10},
    "svr": {"refit_every": 5},
    "lstm": {"epochs": 2, "refit_epochs": 1, "units": (4, 2), "refit_every": 40},
}
