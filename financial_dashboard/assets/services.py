"""Asset logic, always scoped to one user through the portfolio that holds the asset."""

import sqlalchemy as sa

from ..common.ownership import apply_changes, first_or_404
from ..common.transactions import lock_row, writing
from ..errors import NotFound
from ..extensions import db
from ..portfolios.models import Portfolio
from ..portfolios.services import check_portfolio_id, unknown_portfolio
from .models import Asset

EDITABLE = ("name", "type", "symbol", "quantity", "amount_invested", "purchase_date", "currency", "portfolio_id")


def assets_of_user(user):
    """Every asset the user owns, in any portfolio."""
    return sa.select(Asset).join(Portfolio, Asset.portfolio_id == Portfolio.id).where(Portfolio.user_id == user.id)


def assets_in(portfolio: Portfolio):
    return sa.select(Asset).where(Asset.portfolio_id == portfolio.id).order_by(Asset.id)


def get_asset(user, asset_id: int) -> Asset:
    return first_or_404(assets_of_user(user).where(Asset.id == asset_id), "Asset", asset_id)


def create_asset(portfolio: Portfolio, data: dict) -> Asset:
    portfolio_id = portfolio.id
    missing = NotFound(f"Portfolio {portfolio_id} does not exist.")
    with writing(orphan=missing):
        # Locked until the commit, so a parallel deletion of the portfolio waits (then takes this asset with it).
        if not lock_row(Portfolio.id, portfolio_id, share=True):
            raise missing
        asset = Asset(portfolio_id=portfolio_id, **data)
        db.session.add(asset)
    return asset


def update_asset(user, asset: Asset, changes: dict) -> Asset:
    """Change only the given fields; an asset deleted meanwhile is a 404."""
    with writing(
        gone=NotFound(f"Asset {asset.id} does not exist."), orphan=unknown_portfolio(changes.get("portfolio_id"))
    ):
        target = changes.get("portfolio_id")
        if target is not None and target != asset.portfolio_id:
            check_portfolio_id(user, target)
        apply_changes(asset, changes, EDITABLE)
    return asset


def delete_asset(asset: Asset) -> None:
    """Delete the asset; the database cascades to its price history. Already gone: 404."""
    asset_id = asset.id
    with writing():
        if db.session.execute(sa.delete(Asset).where(Asset.id == asset_id)).rowcount == 0:
            raise NotFound(f"Asset {asset_id} does not exist.")
