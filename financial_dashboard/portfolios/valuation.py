"""Loading holdings for valuation: a fixed number of queries whatever the number of assets.

Turns a user's assets and price history into analytics.valuation.AssetPosition objects, and answers
the portfolio performance, the all-portfolios summary and the dashboard from them.
"""
import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask import current_app, has_request_context, request

from ..common import clock
from ..analytics.performance import performance_report
from ..analytics.valuation import AssetPosition, current_value, price_series, value_on
from ..assets.models import Asset
from ..errors import ValidationFailed
from ..extensions import db
from ..market import services as market
from ..prices.models import PriceHistory
from .models import Portfolio


def _iso_day():
    # SQLite stores dates as ISO text already; PostgreSQL's text form follows DateStyle, so spell it out.
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(PriceHistory.date, "YYYY-MM-DD")
    return sa.cast(PriceHistory.date, sa.String)


def price_histories(asset_ids) -> dict[int, pd.Series]:
    """Each asset's prices as a float Series on a sorted daily index, in one query.

    The database joins each asset's "date:price" pairs into one string: 50 rows to parse rather than
    50,000 result rows, which alone took longer than the whole performance report.
    """
    pairs = sa.func.aggregate_strings(_iso_day() + ":" + sa.cast(PriceHistory.price, sa.String), ",")
    rows = db.session.execute(sa.select(PriceHistory.asset_id, pairs)
                              .where(PriceHistory.asset_id.in_(asset_ids)).group_by(PriceHistory.asset_id))
    histories = {}
    for asset_id, text in rows:
        parts = text.replace(":", ",").split(",")
        days, values = np.array(parts[0::2], dtype="datetime64[D]"), np.array(parts[1::2], dtype="float64")
        order = np.argsort(days, kind="stable")  # an aggregate promises no order
        index = pd.DatetimeIndex(days[order].astype("datetime64[ns]"))
        histories[asset_id] = pd.Series(values[order], index=index, dtype="float64")
    return histories


SAMPLE_LABELS = {"sample": "bundled sample data (2000–2013), not live quotes", "import": "imported data"}


def sample_notes(assets) -> list[str]:
    """One sentence per asset whose prices come (partly) from sample or imported data, in one query."""
    if not assets:
        return []
    rows = db.session.execute(
        sa.select(PriceHistory.asset_id, PriceHistory.source).distinct()
        .where(PriceHistory.asset_id.in_([a.id for a in assets]), PriceHistory.source.in_(SAMPLE_LABELS))
        .order_by(PriceHistory.asset_id, PriceHistory.source))
    names = {a.id: a.name for a in assets}
    return [f"Prices of {names[asset_id]} include {SAMPLE_LABELS[source]}." for asset_id, source in rows]


def load_positions(portfolio_ids, with_splits=True) -> tuple[dict[int, list[AssetPosition]], list[str]]:
    """Positions per portfolio in two queries (assets, then all their prices), plus cached split data."""
    positions: dict[int, list[AssetPosition]] = defaultdict(list)
    notes: list[str] = []
    if not portfolio_ids:
        return positions, notes
    assets = db.session.scalars(sa.select(Asset).where(Asset.portfolio_id.in_(portfolio_ids)).order_by(Asset.id)).all()
    prices = price_histories([a.id for a in assets]) if assets else {}
    notes += sample_notes(assets)
    split_histories: dict[tuple[str, str], pd.Series] = {}  # one look-up (and one note) per symbol
    for asset in assets:
        splits = None
        # Only quantities need split adjustment: amounts are converted at the (adjusted) purchase price.
        if with_splits and asset.quantity is not None and asset.symbol:
            key = (asset.symbol, market.kind_of(asset.symbol, asset.type))
            if key not in split_histories:
                found, note = market.splits_for(*key)
                split_histories[key] = price_series(found)
                if note:
                    notes.append(note)
            splits = split_histories[key]
        positions[asset.portfolio_id].append(AssetPosition(
            id=asset.id, name=asset.name, type=asset.type, quantity=asset.quantity,
            amount_invested=asset.amount_invested, purchase_date=asset.purchase_date,
            prices=prices.get(asset.id), splits=splits))
    return positions, notes


def performance(portfolio: Portfolio, start=None, end=None, benchmark=None) -> dict:
    positions, notes = load_positions([portfolio.id])
    holdings = positions[portfolio.id]
    end = end or clock.today_utc()
    if start is None:
        # From the first purchase; a `to` before any purchase asks about a period that held nothing.
        start = min([p.purchase_date for p in holdings] + [end])
    elif start > end:
        raise ValidationFailed("The period starts after it ends.",
                               fields={"from": [f"Must not be after the end of the period ({end.isoformat()})."]})
    benchmark_prices, benchmark_info = None, None
    if benchmark:
        bars = market.get_bars_between(market.kind_of(benchmark), benchmark, start - dt.timedelta(days=7), end)
        closes = bars.frame["close"]
        benchmark_prices = pd.Series(closes.to_numpy(), index=closes.index.tz_localize(None).normalize())
        benchmark_info = {"symbol": bars.symbol, "source": bars.source, "stale": bars.stale,
                          "sample": bars.is_sample}
    report = performance_report(holdings, start, end, current_app.config["RISK_FREE_RATE_PCT"] / 100,
                                benchmark_prices)
    report.update(portfolio_id=portfolio.id, name=portfolio.name, start=start, end=end, notes=notes)
    if benchmark_info:
        report.setdefault("benchmark", {}).update(benchmark_info)
    return report


def summarize(positions: list[AssetPosition], as_of: dt.date) -> dict:
    """Invested, value, profit and return of a set of holdings today, and their profit change since yesterday.

    Holdings without prices count at cost (and ``unpriced`` says how many); when none of the holdings
    has a price, profit and returns would be a made-up zero, so they are None.
    """
    now = [current_value(p, as_of) for p in positions]
    before = [value_on(p, as_of - dt.timedelta(days=1)) for p in positions]
    invested = sum(s["invested"] for s in now)
    value = sum(s["value"] for s in now)
    unpriced = sum(1 for s in now if not s["priced"])
    known = not positions or unpriced < len(positions)
    profit = value - invested if known else None
    # Money put in today raises the value but is not a gain: compare profits, not values.
    previous = sum(s["value"] for s in before)
    previous_profit = previous - sum(s["invested"] for s in before)
    return {
        "invested": round(invested, 2), "value": round(value, 2), "profit": _round(profit),
        "return_pct": _round(profit * 100 / invested) if profit is not None and invested else None,
        "change_today": _round(profit - previous_profit) if profit is not None and previous else None,
        "holdings": len(positions), "unpriced": unpriced,
    }


def _round(value):
    return None if value is None else round(value, 2)


def user_positions(user):
    """The user's portfolios, their positions and notes, loaded once per request (goals, dashboard, pages)."""
    # Kept in the request's environ, not in ``g``: an app context (and its ``g``) can outlive a request.
    memo = request.environ.setdefault("financial_dashboard.positions", {}) if has_request_context() else {}
    if user.id not in memo:
        portfolios = db.session.scalars(
            sa.select(Portfolio).where(Portfolio.user_id == user.id).order_by(Portfolio.id)).all()
        positions, notes = load_positions([p.id for p in portfolios])
        memo[user.id] = portfolios, positions, notes
    return memo[user.id]


def portfolio_values(user) -> dict[int, dict]:
    """Today's summary of each of the user's portfolios, keyed by id (used by goals and the dashboard)."""
    portfolios, positions, _ = user_positions(user)
    return {p.id: {"id": p.id, "name": p.name, **summarize(positions[p.id], clock.today_utc())} for p in portfolios}


def total(summaries: list[dict]) -> dict:
    """The sum of several portfolio summaries, with the return recomputed on the totals."""
    invested = round(sum(s["invested"] for s in summaries), 2)
    profits = [s["profit"] for s in summaries if s["profit"] is not None]
    # Portfolios without any price add their cost to the value but nothing to the profit.
    profit = round(sum(profits), 2) if profits or not summaries else None
    priced_invested = sum(s["invested"] for s in summaries if s["profit"] is not None)
    changes = [s["change_today"] for s in summaries if s["change_today"] is not None]
    return {"invested": invested, "value": round(sum(s["value"] for s in summaries), 2), "profit": profit,
            "return_pct": round(profit * 100 / priced_invested, 2) if profit is not None and priced_invested else None,
            "change_today": round(sum(changes), 2) if changes else None,
            "holdings": sum(s["holdings"] for s in summaries), "unpriced": sum(s["unpriced"] for s in summaries)}


def movers(positions: list[AssetPosition], limit: int = 5) -> list[dict]:
    """Holdings whose last price moved most against the price before it (by absolute %)."""
    moved = []
    for p in positions:
        if len(p.prices) < 2 or p.prices.iloc[-2] <= 0:
            continue
        last, previous = float(p.prices.iloc[-1]), float(p.prices.iloc[-2])
        moved.append({"asset_id": p.id, "name": p.name, "type": p.type, "price": last,
                      "date": p.prices.index[-1].date(), "change_pct": round((last / previous - 1) * 100, 2)})
    return sorted(moved, key=lambda m: -abs(m["change_pct"]))[:limit]


def dashboard(user, goal_statuses: dict[str, int], cash_savings) -> dict:
    """Net worth, invested, profit today and overall, goal counts by status, the biggest movers."""
    _, positions, notes = user_positions(user)
    items = list(portfolio_values(user).values())
    totals = total(items)
    everything = [position for group in positions.values() for position in group]
    return {
        "as_of": clock.today_utc(),
        "net_worth": round(totals["value"] + float(cash_savings), 2),
        "portfolio_value": totals["value"],
        "goal_savings": round(float(cash_savings), 2),
        "invested": totals["invested"],
        "profit": totals["profit"],
        "return_pct": totals["return_pct"],
        "profit_today": totals["change_today"],
        "portfolios": items,
        "goals": goal_statuses,
        "movers": movers(everything),
        "allocation": allocation_by_type(everything),
        "series": value_series(everything),
        "notes": notes,
    }


def allocation_by_type(positions: list[AssetPosition]) -> list[dict]:
    values: dict[str, float] = defaultdict(float)
    for position in positions:
        values[position.type] += current_value(position, clock.today_utc())["value"]
    grand = sum(values.values())
    return [{"type": kind, "value": round(value, 2), "pct": round(value * 100 / grand, 2) if grand else None}
            for kind, value in sorted(values.items(), key=lambda item: -item[1])]


def value_series(positions: list[AssetPosition]) -> list[dict]:
    """Daily value and invested capital of all holdings together, from the first purchase to today."""
    from ..analytics.performance import portfolio_series

    if not positions:
        return []
    frame = portfolio_series(positions, min(p.purchase_date for p in positions), clock.today_utc())
    return [{"date": day.date(), "value": round(row.value, 2), "invested": round(row.invested, 2)}
            for day, row in zip(frame.index, frame.itertuples(index=False))]
