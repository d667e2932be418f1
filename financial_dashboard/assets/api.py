"""JSON routes for assets: /api/portfolios/<id>/assets and /api/assets/<id>."""

from flask import g

from ..auth.tokens import api_login_required
from ..common.api import created, json_body, paginate
from ..common.api_schemas import page_schema
from ..common.openapi import api_doc
from ..common.schemas import PageQuerySchema
from ..portfolios.services import get_portfolio
from . import bp, services
from .schemas import AssetSchema, AssetUpdateSchema

asset_schema = AssetSchema()


@bp.get("/api/portfolios/<int:portfolio_id>/assets")
@api_doc("assets", query=PageQuerySchema, response=page_schema(AssetSchema), errors=(404,))
@api_login_required
def list_assets(portfolio_id):
    """List the assets of one of my portfolios, oldest first."""
    return paginate(services.assets_in(get_portfolio(g.user, portfolio_id)), asset_schema.dump)


@bp.post("/api/portfolios/<int:portfolio_id>/assets")
@api_doc("assets", body=AssetSchema, response=AssetSchema, status=201, errors=(404,))
@api_login_required
def create_asset(portfolio_id):
    """Add an asset to one of my portfolios."""
    portfolio = get_portfolio(g.user, portfolio_id)
    asset = services.create_asset(portfolio, json_body(AssetSchema))
    return created(asset_schema.dump(asset), "assets.get_asset", asset_id=asset.id)


@bp.get("/api/assets/<int:asset_id>")
@api_doc("assets", response=AssetSchema, errors=(404,))
@api_login_required
def get_asset(asset_id):
    """Read one asset."""
    return asset_schema.dump(services.get_asset(g.user, asset_id))


@bp.patch("/api/assets/<int:asset_id>")
@api_doc("assets", body=AssetUpdateSchema, response=AssetSchema, errors=(404,))
@api_login_required
def update_asset(asset_id):
    """Change some fields of an asset, or move it to another of my portfolios with `portfolio_id`."""
    asset = services.get_asset(g.user, asset_id)
    return asset_schema.dump(services.update_asset(g.user, asset, json_body(AssetUpdateSchema, partial=True)))


@bp.delete("/api/assets/<int:asset_id>")
@api_doc("assets", status=204, errors=(404,))
@api_login_required
def delete_asset(asset_id):
    """Delete an asset with its price history."""
    services.delete_asset(services.get_asset(g.user, asset_id))
    return "", 204
