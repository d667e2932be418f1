"""Watchlist logic, always scoped to one user: CRUD, items checked against the market data, items with quotes."""

import sqlalchemy as sa

from ..common.ownership import apply_changes, first_or_404
from ..common.transactions import commit_or_raise
from ..errors import BadRequest, Conflict
from ..extensions import db
from ..market import quotes
from .models import Watchlist, WatchlistItem

MAX_ITEMS = quotes.MAX_QUOTES


def watchlists_of(user):
    return sa.select(Watchlist).where(Watchlist.user_id == user.id).order_by(Watchlist.id)


def get_watchlist(user, watchlist_id: int) -> Watchlist:
    select = sa.select(Watchlist).where(Watchlist.id == watchlist_id, Watchlist.user_id == user.id)
    return first_or_404(select, "Watchlist", watchlist_id)


def _commit_unique(name: str):
    commit_or_raise(
        Conflict(
            f"You already have a watchlist named {name!r}.",
            fields={"name": ["Already used by another of your watchlists."]},
        )
    )


def create_watchlist(user, data: dict) -> Watchlist:
    watchlist = Watchlist(user_id=user.id, name=data["name"])
    db.session.add(watchlist)
    _commit_unique(data["name"])
    return watchlist


def update_watchlist(watchlist: Watchlist, changes: dict) -> Watchlist:
    apply_changes(watchlist, changes, ("name",))
    _commit_unique(watchlist.name)
    return watchlist


def delete_watchlist(watchlist: Watchlist) -> None:
    db.session.delete(watchlist)
    db.session.commit()


def items_of(watchlist: Watchlist) -> list[WatchlistItem]:
    select = sa.select(WatchlistItem).where(WatchlistItem.watchlist_id == watchlist.id).order_by(WatchlistItem.id)
    return list(db.session.scalars(select))


def get_item(watchlist: Watchlist, item_id: int) -> WatchlistItem:
    select = sa.select(WatchlistItem).where(WatchlistItem.id == item_id, WatchlistItem.watchlist_id == watchlist.id)
    return first_or_404(select, "Item", item_id)


def add_item(watchlist: Watchlist, data: dict) -> WatchlistItem:
    kind, symbol, _ = quotes.checked_symbol(data["symbol"])
    count = db.session.scalar(sa.select(sa.func.count()).where(WatchlistItem.watchlist_id == watchlist.id))
    if count >= MAX_ITEMS:
        raise BadRequest(f"A watchlist holds at most {MAX_ITEMS} symbols.", fields={"symbol": ["The list is full."]})
    item = WatchlistItem(watchlist_id=watchlist.id, symbol=symbol, kind=kind)
    db.session.add(item)
    commit_or_raise(
        Conflict(
            f"{symbol} is already on “{watchlist.name}”.",
            fields={"symbol": [f"{symbol} is already on this watchlist."]},
        )
    )
    return item


def remove_item(item: WatchlistItem) -> None:
    db.session.delete(item)
    db.session.commit()


def _columns(obj) -> dict:
    return {column.key: getattr(obj, column.key) for column in obj.__table__.columns}


def with_items(watchlists: list[Watchlist]) -> list[dict]:
    """Each watchlist with its items and their quotes (one quotes call for all the lists' symbols)."""
    if not watchlists:
        return []
    ids = [w.id for w in watchlists]
    rows = db.session.scalars(
        sa.select(WatchlistItem).where(WatchlistItem.watchlist_id.in_(ids)).order_by(WatchlistItem.id)
    ).all()
    found = {}
    if rows:
        found = {q["symbol"]: q for q in quotes.get_quotes([row.symbol for row in rows], with_sparkline=True)}
    grouped = {w.id: [] for w in watchlists}
    for row in rows:
        quote = found.get(row.symbol, {"symbol": row.symbol})
        grouped[row.watchlist_id].append({**quote, **_columns(row)})
    return [{**_columns(w), "items": grouped[w.id]} for w in watchlists]


def all_symbols() -> list[str]:
    """Every symbol on anyone's watchlist (the market overview's universe includes them)."""
    return list(db.session.scalars(sa.select(WatchlistItem.symbol).distinct().order_by(WatchlistItem.symbol)))
