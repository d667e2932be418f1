"""Bars to the JSON contract shared by the API and the pages: history, KPIs, moving averages, indicators."""

import pandas as pd

from ..analytics.indicators import compute_indicators, moving_averages, series_to_list
from ..analytics.kpis import compute_kpis
from ..common.jsonprovider import to_utc_iso
from .services import Bars

DAILY_OR_LONGER = {"1d", "1wk", "1mo", "1w"}


def _labels(index: pd.DatetimeIndex, interval: str) -> list[str]:
    if interval in DAILY_OR_LONGER:
        return [ts.strftime("%Y-%m-%d") for ts in index]
    return [to_utc_iso(ts.to_pydatetime()) for ts in index]


def _significant(value: float, digits: int = 12) -> float:
    """Trim float noise by significant digits: decimal places would erase a coin priced at 0.00000912."""
    return float(f"{value:.{digits}g}")


def _timestamp(value):
    return None if value is None or pd.isna(value) else to_utc_iso(pd.Timestamp(value).to_pydatetime())


def market_payload(bars: Bars, indicator_names=()) -> dict:
    frame = bars.frame
    close = frame["close"]
    kpis = compute_kpis(frame, periods_per_year=bars.bars_per_year)
    kpis = {name: _significant(value) if isinstance(value, float) else value for name, value in kpis.items()}
    kpis["start"], kpis["end"] = _timestamp(kpis.get("start")), _timestamp(kpis.get("end"))
    columns = {name: series_to_list(frame[name]) for name in ("open", "high", "low", "close", "volume")}
    history = [
        dict(zip(("date", *columns), row, strict=True))
        for row in zip(_labels(frame.index, bars.interval), *columns.values(), strict=True)
    ]
    dividends = bars.dividends
    payload = {
        "symbol": bars.symbol,
        "source": bars.source,
        "currency": bars.currency,
        "sample": bars.is_sample,
        "as_of": _timestamp(bars.as_of),
        "stale": bars.stale,
        "stale_reason": bars.cause,
        "period": bars.period,
        "interval": bars.interval,
        "kpis": kpis,
        "history": history,
        "moving_averages": {name: series_to_list(s) for name, s in moving_averages(close).items()},
        "dividends": [
            {"date": day.strftime("%Y-%m-%d"), "amount": _significant(float(amount))}
            for day, amount in dividends.items()
            if amount == amount
        ],
    }
    if indicator_names:
        payload["indicators"] = {
            group: {name: series_to_list(series) for name, series in named.items()}
            for group, named in compute_indicators(close, indicator_names).items()
        }
    return payload
