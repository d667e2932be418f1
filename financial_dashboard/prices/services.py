"""Price history logic: listing by date range, upserting by date in bulk, changing or removing one price.

Every write to an asset's prices first locks the asset's row (common/transactions.py), so the writers of
one asset take turns: parallel upserts of a date, a double-clicked sync, or a change racing a deletion
each find what the one before left, the counts of rows created and replaced stay exact, and deleting the
asset meanwhile waits for them (then takes their rows with it) instead of orphaning or failing them.
"""

import collections
import decimal

import sqlalchemy as sa

from ..assets.models import Asset
from ..common import clock
from ..common.ownership import apply_changes, first_or_404
from ..common.transactions import lock_row, upsert, writing
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from .models import PriceHistory

# Rows per execution of the upsert statement (sent with all its rows at once: psycopg's pipelined executemany,
# sqlite3's executemany); multi-row VALUES measured 3-4x slower, as SQLAlchemy compiles each one anew.
BATCH = 1000
PRICES = PriceHistory.__table__
# A sync result lists at most this many of the dates whose typed price it kept (the count says how many in all).
KEPT_LISTED = 20


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


def _missing(asset_id: int) -> NotFound:
    return NotFound(f"Asset {asset_id} does not exist.")


def _lock_asset(asset_id: int) -> None:
    if not lock_row(Asset.id, asset_id):
        raise _missing(asset_id)


def _store_by_date(asset_id: int, prices: dict, source: str, keep_manual: bool = False) -> tuple[int, int, list]:
    """Write ``prices`` ({date: price}) as the asset's price of each date, one per day (the unique key):
    a new date adds a row, a known one is overwritten when its price or source differs, except that with
    ``keep_manual`` a row the user typed (source ``manual``) is left as it is.

    Call inside ``writing()``. One read of what is stored, then one INSERT … ON CONFLICT DO UPDATE per
    batch of rows that are new or different; the asset's row lock keeps a typed price from slipping in
    between the two. Returns (rows added, rows changed, dates kept as typed, in order).
    """
    _lock_asset(asset_id)
    if not prices:
        return 0, 0, []
    stored = {
        row.date: (row.price, row.source)
        for row in db.session.execute(
            sa.select(PRICES.c.date, PRICES.c.price, PRICES.c.source).where(
                PRICES.c.asset_id == asset_id, PRICES.c.date.between(min(prices), max(prices))
            )
        )
    }
    now, rows, created, changed, kept = clock.utcnow(), [], 0, 0, []
    for day, price in sorted(prices.items()):
        known = stored.get(day)
        if known == (price, source):
            continue
        if keep_manual and known is not None and known[1] == "manual":
            kept.append(day)
            continue
        created, changed = (created + 1, changed) if known is None else (created, changed + 1)
        rows.append({"asset_id": asset_id, "date": day, "price": price, "source": source, "created_at": now})
    statement = upsert(PRICES, ["asset_id", "date"], ["price", "source"])
    for start in range(0, len(rows), BATCH):
        db.session.execute(statement, rows[start : start + BATCH])
    return created, changed, kept


def upsert_prices(asset, rows: list[dict]) -> tuple[list, int, int]:
    """Insert or update one price per date; returns (the rows in date order, created, updated).

    The rows come back as mappings of their columns. All are written in one transaction: a bad row
    leaves nothing half-written. A date that already had a price counts as updated even when the price
    is the same.
    """
    dates = [row["date"] for row in rows]
    duplicates = sorted(d.isoformat() for d, n in collections.Counter(dates).items() if n > 1)
    if duplicates:
        raise ValidationFailed(
            "The same date appears more than once.", fields={"date": [f"Duplicate date {d}." for d in duplicates]}
        )
    asset_id, wanted = asset.id, set(dates)
    with writing(orphan=_missing(asset_id)):
        created, _, _ = _store_by_date(asset_id, {row["date"]: row["price"] for row in rows}, "manual")
        stored = (
            db.session.execute(
                sa.select(PRICES)
                .where(PRICES.c.asset_id == asset_id, PRICES.c.date.between(min(dates), max(dates)))
                .order_by(PRICES.c.date)
            )
            .mappings()
            .all()
        )
    return [row for row in stored if row["date"] in wanted], created, len(rows) - created


def update_price(price: PriceHistory, changes: dict) -> PriceHistory:
    """Change one price (it becomes the user's own); deleted meanwhile: 404; onto a taken date: 400."""
    taken = ValidationFailed(
        "Another price already has that date.", fields={"date": ["This asset already has a price on that date."]}
    )
    with writing(gone=NotFound(f"Price {price.id} does not exist."), duplicate=taken):
        _lock_asset(price.asset_id)
        apply_changes(price, changes, ("date", "price"))
        price.source = "manual"
    return price


def delete_price(price: PriceHistory) -> None:
    price_id, asset_id = price.id, price.asset_id
    with writing():
        _lock_asset(asset_id)
        if db.session.execute(sa.delete(PriceHistory).where(PriceHistory.id == price_id)).rowcount == 0:
            raise NotFound(f"Price {price_id} does not exist.")


def sync_from_market(asset, today=None) -> dict:
    """Upsert daily closes of the asset's symbol from its purchase date to today (market-data service:
    cache, stored bars, stale fallback). Returns what changed and how fresh the data was.

    A price the user typed (source ``manual``) is never overwritten: it is counted in ``kept_manual``
    (the first KEPT_LISTED of those dates in ``kept_manual_dates``), not in ``updated``. The asset takes
    the bars' currency when they name one and it has none or another (``currency_changed``, with
    ``previous_currency``); bars that name none leave it alone.

    The bars are fetched before anything is locked, so a slow provider holds no lock; a second sync of
    the same asset running meanwhile then finds the first one's rows and reports them unchanged.
    """
    from ..market import services as market

    asset_id, symbol, kind, bought = asset.id, asset.symbol, asset.type, asset.purchase_date
    if not symbol:
        raise ValidationFailed(
            "This asset has no market symbol to sync from.",
            fields={"symbol": ["Set a symbol such as AAPL or BTC/USDT first."]},
        )
    today = today or clock.today_utc()
    bars = market.get_bars_between(market.kind_of(symbol, kind), symbol, bought, today)
    closes = {
        ts.date(): decimal.Decimal(repr(close)).quantize(decimal.Decimal("0.00000001"))
        for ts, close in bars.frame["close"].items()
        if close > 0
    }
    with writing(orphan=_missing(asset_id)):
        created, updated, kept = _store_by_date(asset_id, closes, bars.source, keep_manual=True)
        # Read under the asset's lock (taken above), so two syncs agree on which one changed it.
        previous = db.session.scalar(sa.select(Asset.currency).where(Asset.id == asset_id))
        changed = bars.currency is not None and bars.currency != previous
        if changed:
            db.session.execute(sa.update(Asset).where(Asset.id == asset_id).values(currency=bars.currency))
    return {
        "asset_id": asset_id,
        "symbol": bars.symbol,
        "source": bars.source,
        "stale": bars.stale,
        "sample": bars.is_sample,
        "created": created,
        "updated": updated,
        "unchanged": len(closes) - created - updated - len(kept),
        "kept_manual": len(kept),
        "kept_manual_dates": kept[:KEPT_LISTED],
        "currency": bars.currency,
        "currency_changed": changed,
        "previous_currency": previous,
        "from_": min(closes) if closes else None,
        "to": max(closes) if closes else None,
        "as_of": bars.as_of,
    }
