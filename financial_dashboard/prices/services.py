"""Price history logic: listing by date range and upserting by date."""
import collections

import sqlalchemy as sa

from ..common.ownership import apply_changes, first_or_404
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


def upsert_prices(asset, rows: list[dict]) -> tuple[list[PriceHistory], int, int]:
    """Insert or update one price per date; returns (rows in date order, created, updated).

    All rows are written in one transaction: a bad row leaves nothing half-written.
    """
    dates = [row["date"] for row in rows]
    duplicates = sorted(d.isoformat() for d, n in collections.Counter(dates).items() if n > 1)
    if duplicates:
        raise ValidationFailed("The same date appears more than once.",
                               fields={"date": [f"Duplicate date {d}." for d in duplicates]})
    existing = {p.date: p for p in db.session.scalars(
        sa.select(PriceHistory).where(PriceHistory.asset_id == asset.id, PriceHistory.date.in_(dates)))}
    created = 0
    for row in rows:
        price = existing.get(row["date"])
        if price is None:
            existing[row["date"]] = PriceHistory(asset_id=asset.id, date=row["date"], price=row["price"],
                                                 source="manual")
            db.session.add(existing[row["date"]])
            created += 1
        else:
            price.price, price.source = row["price"], "manual"
    db.session.commit()
    return sorted((existing[d] for d in dates), key=lambda p: p.date), created, len(rows) - created


def update_price(price: PriceHistory, changes: dict) -> PriceHistory:
    apply_changes(price, changes, ("date", "price"))
    price.source = "manual"
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise ValidationFailed("Another price already has that date.",
                               fields={"date": ["This asset already has a price on that date."]}) from None
    return price


def delete_price(price: PriceHistory) -> None:
    db.session.delete(price)
    db.session.commit()


def sync_from_market(asset, today=None) -> dict:
    """Upsert daily closes of the asset's symbol from its purchase date to today (market-data service:
    cache, stored bars, stale fallback). Returns what changed and how fresh the data was."""
    import datetime as dt
    import decimal

    from ..market import services as market

    if not asset.symbol:
        raise ValidationFailed("This asset has no market symbol to sync from.",
                               fields={"symbol": ["Set a symbol such as AAPL or BTC/USDT first."]})
    today = today or dt.datetime.now(dt.timezone.utc).date()
    bars = market.get_bars_between(market.kind_of(asset.symbol, asset.type), asset.symbol,
                                   asset.purchase_date, today)
    closes = {ts.date(): decimal.Decimal(repr(close)).quantize(decimal.Decimal("0.00000001"))
              for ts, close in bars.frame["close"].items() if close > 0}
    existing = {p.date: p for p in db.session.scalars(
        sa.select(PriceHistory).where(PriceHistory.asset_id == asset.id, PriceHistory.date >= asset.purchase_date))}
    created = updated = 0
    for day, price in closes.items():
        row = existing.get(day)
        if row is None:
            db.session.add(PriceHistory(asset_id=asset.id, date=day, price=price, source=bars.source))
            created += 1
        elif row.price != price or row.source != bars.source:
            row.price, row.source = price, bars.source
            updated += 1
    db.session.commit()
    return {"asset_id": asset.id, "symbol": bars.symbol, "source": bars.source, "stale": bars.stale,
            "sample": bars.is_sample, "created": created, "updated": updated,
            "unchanged": len(closes) - created - updated,
            "from_": min(closes) if closes else None, "to": max(closes) if closes else None,
            "as_of": bars.as_of}
