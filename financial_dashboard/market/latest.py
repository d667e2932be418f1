"""The newest bars of a symbol: the market-data service's, continued by any newer bars the user imported.

A CSV import (``flask market import-csv``) can carry a symbol past the provider's last bar: most often
past the bundled sample set, which ends in 2013. Quotes and alerts read through here, so an imported bar
newer than everything else is the latest price; bars the provider has for the same days always win.
"""

import dataclasses

import pandas as pd
import sqlalchemy as sa

from ..extensions import db
from . import services, store
from .models import MarketBar


def continued(bars: services.Bars) -> services.Bars:
    """``bars`` with the stored imports newer than its last bar appended (one query), else ``bars`` itself."""
    if bars.source == "import" or bars.frame.empty:
        return bars
    after = bars.frame.index[-1] + pd.Timedelta(seconds=1)
    # Asked first with a cheap count: building even an empty frame costs more than the query.
    if not db.session.scalar(
        sa.select(sa.func.count()).where(
            MarketBar.source == "import",
            MarketBar.symbol == bars.symbol,
            MarketBar.interval == bars.interval,
            MarketBar.ts >= after.to_pydatetime(),
        )
    ):
        return bars
    newer = store.load_bars("import", bars.symbol, bars.interval, start=after)
    # The newest bar decides where the quote comes from: an imported one makes it "import" (sample data).
    return dataclasses.replace(bars, frame=pd.concat([bars.frame, newer]), source="import")


def latest_bars(kind: str, symbol: str, period: str = "60d", interval: str = "1d") -> services.Bars:
    """``services.get_bars`` continued by newer imports."""
    return continued(services.get_bars(kind, symbol, period, interval))


def latest_bars_between(kind: str, symbol: str, start, end, interval: str = "1d") -> services.Bars:
    """``services.get_bars_between`` continued by newer imports (which may lie after ``end``: they are new)."""
    return continued(services.get_bars_between(kind, symbol, start, end, interval))
