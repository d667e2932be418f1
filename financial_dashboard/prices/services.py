"""Price history logic: listing by date range and upserting by date."""
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
    duplicates = sorted({d.isoformat() for d in dates if dates.count(d) > 1})
    if duplicates:
        raise ValidationFailed("The same date appears more than once.",
                               fields={"date": [f"Duplicate date {d}." for d in duplicates]})
    existing = {p.date: p for p in db.session.scalars(
        sa.select(PriceHistory).where(PriceHistory.asset_id == asset.id, PriceHistory.date.in_(dates)))}
    created = 0
    for row in rows:
        price = existing.get(row["date"])
        if price is None:
            existing[row["date"]] = PriceHistory(asset_id=asset.id, date=row["date"], price=row["price"])
            db.session.add(existing[row["date"]])
            created += 1
        else:
            price.price = row["price"]
    db.session.commit()
    return sorted((existing[d] for d in dates), key=lambda p: p.date), created, len(rows) - created


def update_price(price: PriceHistory, changes: dict) -> PriceHistory:
    apply_changes(price, changes, ("date", "price"))
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
