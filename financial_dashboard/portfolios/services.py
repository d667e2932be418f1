"""Portfolio logic, always scoped to one user."""
import sqlalchemy as sa

from ..common.ownership import first_or_404
from ..common.transactions import commit_or_raise
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from .models import Portfolio


def portfolios_of(user):
    return sa.select(Portfolio).where(Portfolio.user_id == user.id).order_by(Portfolio.id)


def get_portfolio(user, portfolio_id: int) -> Portfolio:
    select = sa.select(Portfolio).where(Portfolio.id == portfolio_id, Portfolio.user_id == user.id)
    return first_or_404(select, "Portfolio", portfolio_id)


def check_portfolio_id(user, portfolio_id: int | None) -> None:
    """A ``portfolio_id`` in a request body must name one of the user's portfolios (None: no portfolio).

    Someone else's portfolio is refused in the same words as a missing one, as an invalid field (400
    with ``fields``) rather than a 404: the URL was found, a value in the body was wrong.
    """
    if portfolio_id is None:
        return
    try:
        get_portfolio(user, portfolio_id)
    except NotFound as missing:
        raise ValidationFailed(missing.description, fields={"portfolio_id": [missing.description]}) from None


def _commit_unique(name: str):
    commit_or_raise(Conflict(f"You already have a portfolio named {name!r}.",
                             fields={"name": ["Already used by another of your portfolios."]}))


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
