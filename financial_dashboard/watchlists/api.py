"""JSON routes for watchlists under /api/watchlists: CRUD, and items added by symbol, each read with its quote."""

from flask import g

from ..auth.tokens import api_login_required
from ..common.api import created, json_body, query_args
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from ..extensions import db
from . import bp, services
from .schemas import NewItemSchema, WatchlistItemSchema, WatchlistSchema

QUOTES_TEXT = """Every read includes each item's quote, as /api/market/quotes gives it: latest price, previous
close, day change, `change_30d_pct`, volume, currency, `as_of` with the `source`, `sample` and `stale` flags,
plus `sparkline` (the closes of the last 30 days). An item whose quote fails carries `error` instead."""


def _dump(watchlist):
    return services.with_items([watchlist])[0]


@bp.get("/api/watchlists")
@api_doc("watchlists", query=PageQuerySchema, response=page_schema(WatchlistSchema), description=QUOTES_TEXT)
@api_login_required
def list_watchlists():
    """List my watchlists with their items and quotes, oldest first."""
    args = query_args(PageQuerySchema)
    page = db.paginate(
        services.watchlists_of(g.user), page=args["page"], per_page=args["per_page"], error_out=False, count=True
    )
    return {
        "items": services.with_items(list(page.items)),
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


@bp.post("/api/watchlists")
@api_doc("watchlists", body=WatchlistSchema, response=WatchlistSchema, status=201, errors=(409,))
@api_login_required
def create_watchlist():
    """Create an empty watchlist; names are unique per user (409)."""
    watchlist = services.create_watchlist(g.user, json_body(WatchlistSchema))
    return created(_dump(watchlist), "watchlists.get_watchlist", watchlist_id=watchlist.id)


@bp.get("/api/watchlists/<int:watchlist_id>")
@api_doc("watchlists", response=WatchlistSchema, errors=(404,), description=QUOTES_TEXT)
@api_login_required
def get_watchlist(watchlist_id):
    """Read one watchlist with its items and their quotes."""
    return _dump(services.get_watchlist(g.user, watchlist_id))


@bp.patch("/api/watchlists/<int:watchlist_id>")
@api_doc("watchlists", body=WatchlistSchema, response=WatchlistSchema, errors=(404, 409))
@api_login_required
def update_watchlist(watchlist_id):
    """Rename a watchlist."""
    watchlist = services.get_watchlist(g.user, watchlist_id)
    return _dump(services.update_watchlist(watchlist, json_body(WatchlistSchema, partial=True)))


@bp.delete("/api/watchlists/<int:watchlist_id>")
@api_doc("watchlists", status=204, errors=(404,))
@api_login_required
def delete_watchlist(watchlist_id):
    """Delete a watchlist with its items."""
    services.delete_watchlist(services.get_watchlist(g.user, watchlist_id))
    return "", 204


@bp.post("/api/watchlists/<int:watchlist_id>/items")
@api_doc(
    "watchlists",
    body=NewItemSchema,
    response=WatchlistItemSchema,
    status=201,
    errors=(404, 409, 503),
    description="""The symbol is checked against the market data: one that does not exist is a 400 saying so,
one already on the list a 409. During a provider outage with nothing stored, a symbol of the bundled list is
accepted and any other is a 503 (it cannot be checked now).""",
)
@api_login_required
def add_item(watchlist_id):
    """Add a symbol to a watchlist."""
    watchlist = services.get_watchlist(g.user, watchlist_id)
    item = services.add_item(watchlist, json_body(NewItemSchema))
    (body,) = [i for i in _dump(watchlist)["items"] if i["id"] == item.id]
    return created(body, "watchlists.get_watchlist", watchlist_id=watchlist.id)


@bp.delete("/api/watchlists/<int:watchlist_id>/items/<int:item_id>")
@api_doc("watchlists", status=204, errors=(404,))
@api_login_required
def remove_item(watchlist_id, item_id):
    """Remove a symbol from a watchlist."""
    watchlist = services.get_watchlist(g.user, watchlist_id)
    services.remove_item(services.get_item(watchlist, item_id))
    return "", 204
