"""Checking alerts against newly seen daily closes: one bars lookup per symbol, however many alerts it has.

``check_alerts`` is run by ``flask alerts check`` (bars through the market-data service, continued by newer
imports) and, for the symbols just stored, after any request or command that fetched fresh bars (hooks.py,
bars read back from the store, no second fetch). An alert triggers once, on the first new close that meets
its condition: ``above`` a close at or over the target after one under it, ``below`` the mirror image,
``change_pct_above`` a close at least ``target`` percent over the previous one.
"""

import dataclasses
import datetime as dt
import decimal
import itertools
import logging
from collections.abc import Callable

import pandas as pd
import sqlalchemy as sa

from ..common import clock
from ..errors import AppError
from ..extensions import db
from ..market import latest, store
from .models import Alert

log = logging.getLogger(__name__)


@dataclasses.dataclass
class CheckReport:
    alerts: int = 0
    symbols: int = 0
    triggered: list = dataclasses.field(default_factory=list)
    emailed: int = 0
    failures: dict = dataclasses.field(default_factory=dict)


def crossed(condition: str, target: float, previous: float | None, close: float) -> bool:
    if previous is None:
        return False
    if condition == "above":
        return previous < target <= close
    if condition == "below":
        return previous > target >= close
    return previous > 0 and (close - previous) * 100 / previous >= target


def apply_bars(alert: Alert, frame: pd.DataFrame, now: dt.datetime) -> bool:
    """Walk the closes newer than the alert's last seen bar; True when one triggers it."""
    if frame.empty:
        return False
    if alert.last_seen_at is None:
        # Nothing was known when it was made: the newest bar becomes the baseline, it cannot trigger.
        alert.last_seen_at, alert.last_close = frame.index[-1].to_pydatetime(), float(frame["close"].iloc[-1])
        return False
    closes = frame["close"][frame.index > pd.Timestamp(alert.last_seen_at)]
    if closes.empty:
        return False
    target, previous = float(alert.target), alert.last_close
    for ts, close in closes.items():
        if crossed(alert.condition, target, previous, close):
            alert.triggered_at, alert.triggered_bar_at = now, ts.to_pydatetime()
            alert.triggered_price = decimal.Decimal(repr(round(float(close), 8)))
            alert.active = False
            break
        previous = close
    alert.last_seen_at, alert.last_close = closes.index[-1].to_pydatetime(), float(closes.iloc[-1])
    return alert.triggered_at is not None


def market_bars(kind: str, symbol: str, since: dt.datetime | None) -> pd.DataFrame:
    """Daily bars from the day of ``since`` on, through the market-data service (the CLI's path)."""
    if since is None:
        return latest.latest_bars(kind, symbol, "60d", "1d").frame
    today = clock.today_utc()
    return latest.latest_bars_between(kind, symbol, min(since.date(), today), today, "1d").frame


def stored_bars(source: str) -> Callable:
    """Bars just stored by ``source``, read back from the store (the fetch hook's path)."""
    return lambda kind, symbol, since: store.load_bars(
        source, symbol, "1d", start=None if since is None else pd.Timestamp(since)
    )


def check_alerts(symbols=None, bars_for: Callable = market_bars, notify: bool = True) -> CheckReport:
    """Check every armed alert (of ``symbols`` only, when given); commit, then send the notifications."""
    from .channels import notify_triggered

    select = sa.select(Alert).where(Alert.active.is_(True), Alert.triggered_at.is_(None))
    if symbols is not None:
        select = select.where(Alert.symbol.in_(list(symbols)))
    alerts = db.session.scalars(select.order_by(Alert.kind, Alert.symbol, Alert.id)).all()
    report = CheckReport(alerts=len(alerts))
    now = clock.utcnow()
    for (kind, symbol), group in itertools.groupby(alerts, key=lambda a: (a.kind, a.symbol)):
        group = list(group)
        report.symbols += 1
        known = [a.last_seen_at for a in group if a.last_seen_at is not None]
        try:
            frame = bars_for(kind, symbol, min(known) if len(known) == len(group) else None)
        except AppError as error:
            report.failures[symbol] = error.description
            continue
        report.triggered += [a for a in group if apply_bars(a, frame, now)]
    db.session.commit()
    if notify and report.triggered:
        report.emailed = notify_triggered(report.triggered)
    return report
