"""Loading holdings as analytics positions, in a fixed number of queries whatever the number of assets."""

from collections import defaultdict
from functools import cached_property

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..analytics.holdings import summarize
from ..analytics.valuation import AssetPosition, price_series
from ..assets.models import Asset
from ..common import clock
from ..extensions import db
from ..market import services as market
from ..prices.models import PriceHistory
from .figures_cache import MarketInputs, cached_figures
from .models import Portfolio
from .services import portfolios_of


def _iso_day():
    # SQLite stores dates as ISO text already; PostgreSQL's text form follows DateStyle, so spell it out.
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(PriceHistory.date, "YYYY-MM-DD")
    return sa.cast(PriceHistory.date, sa.String)


def price_histories(asset_ids) -> dict[int, pd.Series]:
    """Each asset's prices as a float Series on a sorted daily index, in one query.

    The database joins each asset's "date:price" pairs into one string: 50 rows to parse rather than
    50,000 result rows, which alone took longer than the whole performance report.
    """
    pairs = sa.func.aggregate_strings(_iso_day() + ":" + sa.cast(PriceHistory.price, sa.String), ",")
    rows = db.session.execute(
        sa.select(PriceHistory.asset_id, pairs)
        .where(PriceHistory.asset_id.in_(asset_ids))
        .group_by(PriceHistory.asset_id)
    )
    histories = {}
    for asset_id, text in rows:
        parts = text.replace(":", ",").split(",")
        days, values = np.array(parts[0::2], dtype="datetime64[D]"), np.array(parts[1::2], dtype="float64")
        order = np.argsort(days, kind="stable")  # an aggregate promises no order
        index = pd.DatetimeIndex(days[order].astype("datetime64[ns]"))
        histories[asset_id] = pd.Series(values[order], index=index, dtype="float64")
    return histories


SAMPLE_LABELS = {"sample": "bundled sample data (2000–2013), not live quotes", "import": "imported data"}


def sample_notes(assets) -> list[str]:
    """One sentence per asset whose prices come (partly) from sample or imported data, in one query."""
    if not assets:
        return []
    rows = db.session.execute(
        sa.select(PriceHistory.asset_id, PriceHistory.source)
        .distinct()
        .where(PriceHistory.asset_id.in_([a.id for a in assets]), PriceHistory.source.in_(SAMPLE_LABELS))
        .order_by(PriceHistory.asset_id, PriceHistory.source)
    )
    names = {a.id: a.name for a in assets}
    return [f"Prices of {names[asset_id]} include {SAMPLE_LABELS[source]}." for asset_id, source in rows]


def load_positions(portfolio_ids, with_splits=True, inputs=None) -> tuple[dict[int, list[AssetPosition]], list[str]]:
    """Positions per portfolio in two queries (assets, then all their prices), plus cached split data.

    ``inputs`` (a ``figures_cache.MarketInputs``) records the split histories read, for the per-user cache.
    """
    inputs = inputs or MarketInputs()
    positions: dict[int, list[AssetPosition]] = defaultdict(list)
    notes: list[str] = []
    if not portfolio_ids:
        return positions, notes
    assets = db.session.scalars(sa.select(Asset).where(Asset.portfolio_id.in_(portfolio_ids)).order_by(Asset.id)).all()
    prices = price_histories([a.id for a in assets]) if assets else {}
    notes += sample_notes(assets)
    split_histories: dict[tuple[str, str], pd.Series] = {}  # one look-up (and one note) per symbol
    for asset in assets:
        splits = None
        # Only quantities need split adjustment: amounts are converted at the (adjusted) purchase price.
        if with_splits and asset.quantity is not None and asset.symbol:
            key = (asset.symbol, market.kind_of(asset.symbol, asset.type))
            if key not in split_histories:
                found, note = inputs.splits(*key)
                split_histories[key] = price_series(found)
                if note:
                    notes.append(note)
            splits = split_histories[key]
        positions[asset.portfolio_id].append(
            AssetPosition(
                id=asset.id,
                name=asset.name,
                type=asset.type,
                quantity=asset.quantity,
                amount_invested=asset.amount_invested,
                purchase_date=asset.purchase_date,
                prices=prices.get(asset.id),
                splits=splits,
            )
        )
    return positions, notes


class Holdings:
    """One user's portfolios, their positions and price notes: loaded on first use, then kept.

    A route makes one per request and hands it to every service that values the user's holdings in that
    request (goal plans, the dashboard), so they are loaded once; ``summaries`` alone are also kept in the
    per-user cache. It lives only as long as the route's call:
    nothing is kept on ``g``, whose app context can outlive a request (the tests make many requests in one),
    so positions can leak neither into a later request nor to another user.
    """

    def __init__(self, user, inputs=None):
        self.user = user
        self.inputs = inputs  # a figures_cache.MarketInputs recording the market data read, or None

    @cached_property
    def _loaded(self) -> tuple[list[Portfolio], dict[int, list[AssetPosition]], list[str]]:
        return self._load(self.inputs)

    def _load(self, inputs) -> tuple[list[Portfolio], dict[int, list[AssetPosition]], list[str]]:
        portfolios = db.session.scalars(portfolios_of(self.user)).all()
        positions, notes = load_positions([p.id for p in portfolios], inputs=inputs)
        return portfolios, positions, notes

    @property
    def portfolios(self) -> list[Portfolio]:
        return self._loaded[0]

    @property
    def positions(self) -> dict[int, list[AssetPosition]]:
        """Positions by portfolio id."""
        return self._loaded[1]

    @property
    def notes(self) -> list[str]:
        """Sentences on where prices come from (sample or imported data, split data)."""
        return self._loaded[2]

    def all_positions(self) -> list[AssetPosition]:
        return [position for group in self.positions.values() for position in group]

    @cached_property
    def summaries(self) -> dict[int, dict]:
        """Today's summary of each portfolio, keyed by id (goal plans, the dashboard, the portfolio list).

        Inside a cached computation (made with ``inputs``) they come from the positions it loads; otherwise
        through the per-user cache, so that listing goals funded by a portfolio values no holding on a hit.
        """
        if self.inputs is not None:
            return _summarize(*self._loaded[:2])
        return cached_figures(self.user, "summaries", {}, lambda inputs: _summarize(*self._load(inputs)[:2]))


def _summarize(portfolios: list[Portfolio], positions: dict[int, list[AssetPosition]]) -> dict[int, dict]:
    today = clock.today_utc()
    return {p.id: {"id": p.id, "name": p.name, **summarize(positions[p.id], today)} for p in portfolios}
