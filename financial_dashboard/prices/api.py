"""JSON routes for price history under /api/assets/<id>/prices."""

from flask import g, url_for

from ..assets.services import get_asset
from ..auth.tokens import api_login_required
from ..common.api import json_body, paginate, query_args
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from . import bp, services
from .schemas import PriceRangeQuerySchema, PriceSchema, SyncResultSchema

price_schema = PriceSchema()


@bp.get("/api/assets/<int:asset_id>/prices")
@api_doc("prices", query=PriceRangeQuerySchema, response=page_schema(PriceSchema), errors=(404,))
@api_login_required
def list_prices(asset_id):
    """List an asset's prices in date order, optionally between `from` and `to` (inclusive)."""
    asset = get_asset(g.user, asset_id)
    args = query_args(PriceRangeQuerySchema)
    return paginate(services.prices_of(asset, args.get("from_"), args.get("to")), price_schema.dump, args)


@bp.post("/api/assets/<int:asset_id>/prices")
@api_doc(
    "prices",
    body=PriceSchema,
    many_body=True,
    response=PriceSchema,
    status=201,
    errors=(404,),
    responses={200: {"description": "Every date already had a price; all were updated."}},
)
@api_login_required
def upsert_prices(asset_id):
    """Add prices, one object or a list, replacing the price of any date that already has one.

    One object answers with that price (and a Location header); a list answers
    `{"items", "created", "updated"}`. The status is 201 when at least one date was new, 200 when
    every date already had a price. A list is written all or nothing.
    """
    asset = get_asset(g.user, asset_id)
    data = json_body(PriceSchema, allow_many=True)
    rows, created, updated = services.upsert_prices(asset, data if isinstance(data, list) else [data])
    status = 201 if created else 200
    if not isinstance(data, list):
        location = url_for("prices.get_price", asset_id=asset_id, price_id=rows[0]["id"])
        return price_schema.dump(rows[0]), status, {"Location": location}
    return {"items": [price_schema.dump(p) for p in rows], "created": created, "updated": updated}, status


@bp.get("/api/assets/<int:asset_id>/prices/<int:price_id>")
@api_doc("prices", response=PriceSchema, errors=(404,))
@api_login_required
def get_price(asset_id, price_id):
    """Read one price."""
    return price_schema.dump(services.get_price(get_asset(g.user, asset_id), price_id))


@bp.patch("/api/assets/<int:asset_id>/prices/<int:price_id>")
@api_doc("prices", body=PriceSchema, response=PriceSchema, errors=(404,))
@api_login_required
def update_price(asset_id, price_id):
    """Change the date or value of one price."""
    price = services.get_price(get_asset(g.user, asset_id), price_id)
    return price_schema.dump(services.update_price(price, json_body(PriceSchema, partial=True)))


@bp.delete("/api/assets/<int:asset_id>/prices/<int:price_id>")
@api_doc("prices", status=204, errors=(404,))
@api_login_required
def delete_price(asset_id, price_id):
    """Delete one price."""
    services.delete_price(services.get_price(get_asset(g.user, asset_id), price_id))
    return "", 204


@bp.post("/api/assets/<int:asset_id>/prices/sync")
@api_doc("prices", response=SyncResultSchema, errors=(400, 404, 503))
@api_login_required
def sync_prices(asset_id):
    """Fill the price history with daily closes of the asset's symbol, from its purchase date to today.

    Goes through the market-data service (cache, stored bars, stale fallback): the answer says how many
    rows were added or updated and whether the data was stale, sample or imported. A price you typed is
    never overwritten: `kept_manual` counts those dates and `kept_manual_dates` lists the first 20.
    """
    return SyncResultSchema().dump(services.sync_from_market(get_asset(g.user, asset_id)))
