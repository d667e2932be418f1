"""The performance report of one portfolio over a period, optionally against a benchmark's prices."""

import datetime as dt

import pandas as pd
from flask import current_app

from ..analytics.performance_report import performance_report
from ..common import clock
from ..errors import ValidationFailed
from ..market import services as market
from .figures_cache import MarketInputs
from .models import Portfolio
from .positions import load_positions


def portfolio_performance(portfolio: Portfolio, start=None, end=None, benchmark=None, inputs=None) -> dict:
    """Every figure of ``analytics.performance_report`` for the portfolio, with its name, period and price notes.

    ``inputs`` (a ``figures_cache.MarketInputs``) records the market data read, for the per-user cache.
    """
    inputs = inputs or MarketInputs()
    positions, notes = load_positions([portfolio.id], inputs=inputs)
    holdings = positions[portfolio.id]
    end = end or clock.today_utc()
    if start is None:
        # From the first purchase; a `to` before any purchase asks about a period that held nothing.
        start = min([p.purchase_date for p in holdings] + [end])
    elif start > end:
        raise ValidationFailed(
            "The period starts after it ends.",
            fields={"from": [f"Must not be after the end of the period ({end.isoformat()})."]},
        )
    benchmark_prices, benchmark_info = None, None
    if benchmark:
        bars = inputs.bars_between(market.kind_of(benchmark), benchmark, start - dt.timedelta(days=7), end)
        closes = bars.frame["close"]
        benchmark_prices = pd.Series(closes.to_numpy(), index=closes.index.tz_localize(None).normalize())
        benchmark_info = {"symbol": bars.symbol, "source": bars.source, "stale": bars.stale, "sample": bars.is_sample}
    report = performance_report(holdings, start, end, current_app.config["RISK_FREE_RATE_PCT"] / 100, benchmark_prices)
    report.update(portfolio_id=portfolio.id, name=portfolio.name, start=start, end=end, notes=notes)
    if benchmark_info:
        report.setdefault("benchmark", {}).update(benchmark_info)
    return report
