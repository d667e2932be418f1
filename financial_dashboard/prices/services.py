"""Price history logic: listing by date range and upserting by date."""
import collections

import sqlalchemy as sa

from ..common import clock
from ..common.ownership import apply_changes, first_or_404
from ..common.transactions import commit_or_raise
from ..errors import ValidationFailed
from ..extensions import db
from .models import PriceHistory


def prices_of(asset, date_from=None, date_to=None):
    select = sa.select(PriceHistory).where(PriceHistory.asset_id == asset.id)
    if date_from is not None:
        select = select.where(PriceHistory.date >= date_from)
    if date_to is not None:
        select = select.where(PriceHistory.date <= date_to)
    return select.order_by(PriceHistory.date)


def get_price(asset, price_id: int) -> PriceHistory:
    select = sa.select(PriceHistory).where(PriceHistory.id == price_id, PriceHistory.asset_id == asset.id)
    return first_or_404(select, "Price", price_id)


def _store_by_date(asset, prices: dict, source: str) -> tuple[dict, int, int]:
    """Write ``prices`` ({date: price}) as the asset's price of each date, one per day (the unique key):
    a new date adds a row, a known one is overwritten when its price or source differs.

    Commits, and returns (the asset's rows by date over the range written, rows added, rows changed).
    """
    stored = {p.date: p for p in db.session.scalars(prices_of(asset, min(prices), max(prices)))} if prices else {}
    created = changed = 0
    for day, price in prices.items():
        row = stored.get(day)
        if row is None:
            stored[day] = PriceHistory(asset_id=asset.id, date=day, price=price, source=source)
            db.session.add(stored[day])
            created += 1
        elif row.price != price or row.source != source:
            row.price, row.source = price, source
            changed += 1
    db.session.commit()
    return stored, created, changed


def upsert_prices(asset, rows: list[dict]) -> tuple[list[PriceHistory], int, int]:
    """Insert or update one price per date; returns (rows in date order, created, updated).

    All rows are written in one transaction: a bad row leaves nothing half-written. A date that already
    had a price counts as updated even when the price is the same.
    """
    dates = [row["date"] for row in rows]
    duplicates = sorted(d.isoformat() for d, n in collections.Counter(dates).items() if n > 1)
    if duplicates:
        raise ValidationFailed("The same date appears more than once.",
                               fields={"date": [f"Duplicate date {d}." for d in duplicates]})
    stored, created, _ = _store_by_date(asset, {row["date"]: row["price"] for row in rows}, "manual")
    return sorted((stored[d] for d in dates), key=lambda p: p.date), created, len(rows) - created


def update_price(price: PriceHistory, changes: dict) -> PriceHistory:
    apply_changes(price, changes, ("date", "price"))
    price.source = "manual"
    commit_or_raise(ValidationFailed("Another price already has that date.",
                                     fields={"date": ["This asset already has a price on that date."]}))
    return price


def delete_price(price: PriceHistory) -> None:
    db.session.delete(price)
    db.session.commit()


def sync_from_market(asset, today=None) -> dict:
    """Upsert daily closes of the asset's symbol from its purchase date to today (market-data service:
    cache, stored bars, stale fallback). Returns what changed and how fresh the data was."""
    import decimal

    from ..market import services as market

    if not asset.symbol:
        raise ValidationFailed("This asset has no market symbol to sync from.",
                               fields={"symbol": ["Set a symbol such as AAPL or BTC/USDT first."]})
    today = today or clock.today_utc()
    bars = market.get_bars_between(market.kind_of(asset.symbol, asset.type), asset.symbol,
                                   asset.purchase_date, today)
    closes = {ts.date(): decimal.Decimal(repr(close)).quantize(decimal.Decimal("0.00000001"))
              for ts, close in bars.frame["close"].items() if close > 0}
    _, created, updated = _store_by_date(asset, closes, bars.source)
    return {"asset_id": asset.id, "symbol": bars.symbol, "source": bars.source, "stale": bars.stale,
            "sample": bars.is_sample, "created": created, "updated": updated,
            "unchanged": len(closes) - created - updated,
            "from_": min(closes) if closes else None, "to": max(closes) if closes else None,
            "as_of": bars.as_of}
