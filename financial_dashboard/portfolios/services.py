"""Portfolio logic, always scoped to one user."""

import sqlalchemy as sa

from ..common.ownership import first_or_404
from ..common.schemas import MAX_INT
from ..common.transactions import writing
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
    with ``fields``) rather than a 404: the URL was found, a value in the body was wrong. The row is
    locked (``FOR KEY SHARE``) until the caller commits, so a parallel deletion of the portfolio waits
    instead of leaving the caller's new reference pointing at nothing.
    """
    if portfolio_id is None:
        return
    select = (
        sa.select(Portfolio.id)
        .where(Portfolio.id == portfolio_id, Portfolio.user_id == user.id)
        .with_for_update(read=True, key_share=True)
    )
    if not 0 < portfolio_id <= MAX_INT or db.session.scalar(select) is None:
        raise unknown_portfolio(portfolio_id)


def unknown_portfolio(portfolio_id: int | None) -> ValidationFailed | None:
    """The refusal of a ``portfolio_id`` that names none of the user's portfolios (also when a foreign key
    finds it deleted after the check, on SQLite, which has no row locks); None when no id was given."""
    if portfolio_id is None:
        return None
    message = f"Portfolio {portfolio_id} does not exist."
    return ValidationFailed(message, fields={"portfolio_id": [message]})


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"You already have a portfolio named {name!r}.",
        fields={"name": ["Already used by another of your portfolios."]},
    )


def create_portfolio(user, data: dict) -> Portfolio:
    with writing(duplicate=_name_taken(data["name"])):  # the unique key decides a race between two creations
        portfolio = Portfolio(user_id=user.id, name=data["name"])
        db.session.add(portfolio)
    return portfolio


def rename_portfolio(portfolio: Portfolio, changes: dict) -> Portfolio:
    if "name" in changes:
        gone = NotFound(f"Portfolio {portfolio.id} does not exist.")
        with writing(gone=gone, duplicate=_name_taken(changes["name"])):
            portfolio.name = changes["name"]
    return portfolio


def delete_portfolio(portfolio: Portfolio) -> None:
    """Delete the portfolio; the database cascades to its assets and their prices, and unlinks the goals
    it funded (which go back to their own savings). Already gone: 404."""
    portfolio_id = portfolio.id
    with writing():
        # The default session synchronisation marks the loaded object deleted, so the caller can still
        # read it (a page names what it deleted).
        if db.session.execute(sa.delete(Portfolio).where(Portfolio.id == portfolio_id)).rowcount == 0:
            raise NotFound(f"Portfolio {portfolio_id} does not exist.")
