"""Asset logic, always scoped to one user through the portfolio that holds the asset."""
import sqlalchemy as sa

from ..common.ownership import apply_changes, first_or_404
from ..extensions import db
from ..portfolios.models import Portfolio
from ..portfolios.services import check_portfolio_id
from .models import Asset

EDITABLE = ("name", "type", "symbol", "quantity", "amount_invested", "purchase_date", "portfolio_id")


def assets_of_user(user):
    """Every asset the user owns, in any portfolio."""
    return sa.select(Asset).join(Portfolio, Asset.portfolio_id == Portfolio.id).where(Portfolio.user_id == user.id)


def assets_in(portfolio: Portfolio):
    return sa.select(Asset).where(Asset.portfolio_id == portfolio.id).order_by(Asset.id)


def get_asset(user, asset_id: int) -> Asset:
    return first_or_404(assets_of_user(user).where(Asset.id == asset_id), "Asset", asset_id)


def create_asset(portfolio: Portfolio, data: dict) -> Asset:
    asset = Asset(portfolio_id=portfolio.id, **data)
    db.session.add(asset)
    db.session.commit()
    return asset


def update_asset(user, asset: Asset, changes: dict) -> Asset:
    target = changes.get("portfolio_id")
    if target is not None and target != asset.portfolio_id:
        check_portfolio_id(user, target)
    apply_changes(asset, changes, EDITABLE)
    db.session.commit()
    return asset


def delete_asset(asset: Asset) -> None:
    """Delete the asset; the database cascades to its price history."""
    db.session.execute(sa.delete(Asset).where(Asset.id == asset.id))
    db.session.commit()
