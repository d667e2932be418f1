"""Portfolio logic, always scoped to one user."""
import sqlalchemy as sa

from ..common.ownership import first_or_404
from ..errors import Conflict
from ..extensions import db
from .models import Portfolio


def portfolios_of(user):
    return sa.select(Portfolio).where(Portfolio.user_id == user.id).order_by(Portfolio.id)


def get_portfolio(user, portfolio_id: int) -> Portfolio:
    select = sa.select(Portfolio).where(Portfolio.id == portfolio_id, Portfolio.user_id == user.id)
    return first_or_404(select, "Portfolio", portfolio_id)


def _commit_unique(name: str):
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(f"You already have a portfolio named {name!r}.",
                       fields={"name": ["Already used by another of your portfolios."]}) from None


def create_portfolio(user, data: dict) -> Portfolio:
    portfolio = Portfolio(user_id=user.id, name=data["name"])
    db.session.add(portfolio)
    _commit_unique(data["name"])
    return portfolio


def rename_portfolio(portfolio: Portfolio, changes: dict) -> Portfolio:
    if "name" in changes:
        portfolio.name = changes["name"]
        _commit_unique(changes["name"])
    return portfolio


def delete_portfolio(portfolio: Portfolio) -> None:
    """Delete the portfolio; the database cascades to its assets and their prices."""
    db.session.execute(sa.delete(Portfolio).where(Portfolio.id == portfolio.id))
    db.session.commit()
