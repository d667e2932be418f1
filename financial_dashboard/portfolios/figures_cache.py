"""The per-user cache of portfolio figures (performance, dashboard, summaries): what they depend on, and the call.

They depend on the user's own rows (tracked below: any committed write to them gives the user a new data
version, see ``common/usercache.py``), on today's date (in every key), and on market data that is not the
user's: split histories and benchmark bars. Those are recorded by ``MarketInputs`` while the figures are
computed, with a digest of what was read, and read again (from the market cache) on every hit: a hit is
served only while the market-data service still answers exactly the same.
"""

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from ..common import owners, usercache
from ..errors import AppError
from ..market import services as market

# Everything the figures read that belongs to a user, and how each row leads to its owner.
owners.track("users")
owners.track("goals", ("user_id", "users"))
owners.track("goal_contributions", ("goal_id", "goals"), ("user_id", "users"))
owners.track("portfolios", ("user_id", "users"))
owners.track("assets", ("portfolio_id", "portfolios"), ("user_id", "users"))
owners.track("price_history", ("asset_id", "assets"), ("portfolio_id", "portfolios"), ("user_id", "users"))


def _digest(*parts) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, pd.Series):  # raw bytes: pandas' own hashing cost more than the rest of a hit
            index = part.index
            keys = index.asi8 if isinstance(index, pd.DatetimeIndex) else np.asarray(index, dtype=str)
            hasher.update(np.ascontiguousarray(keys).tobytes())
            hasher.update(part.to_numpy(dtype="float64", na_value=np.nan).tobytes())
        else:
            hasher.update(repr(part).encode())
        hasher.update(b"|")
    return hasher.hexdigest()


def _splits(symbol: str, kind: str) -> tuple[tuple[pd.Series, str | None], str]:
    found, note = market.splits_for(symbol, kind)
    return (found, note), _digest(found, note)  # unchanged() digests splits_for_many's answer the same way


def _bars_between(kind: str, symbol: str, start, end) -> tuple[Any, str]:
    bars = market.get_bars_between(kind, symbol, start, end)
    return bars, _digest(bars.symbol, bars.source, bars.stale, bars.is_sample, bars.frame["close"])


_READERS = {"splits": _splits, "bars_between": _bars_between}


class MarketInputs:
    """Reads market data for a computation, and remembers what it read (with a digest) in ``reads``."""

    def __init__(self):
        self.reads: list[tuple[str, tuple, str]] = []

    def _read(self, what: str, *args):
        value, digest = _READERS[what](*args)
        self.reads.append((what, args, digest))
        return value

    def splits(self, symbol: str, kind: str) -> tuple[pd.Series, str | None]:
        """``market.splits_for``: the split ratios and why they are missing, if they are."""
        return self._read("splits", symbol, kind)

    def bars_between(self, kind: str, symbol: str, start, end):
        """``market.get_bars_between``: daily bars from ``start`` to ``end``."""
        return self._read("bars_between", kind, symbol, start, end)


def unchanged(reads) -> bool:
    """Whether the market-data service still answers each read as it did (a failure now means: recompute).

    Split histories are read together, in one round trip to the cache: under gevent every wait for the
    cache sends a request to the back of the queue, so a hit's latency grows with its round trips.
    """
    try:
        splits = market.splits_for_many([args for what, args, _ in reads if what == "splits"])
        return all(
            (_digest(*splits[args]) if what == "splits" else _READERS[what](*args)[1]) == digest
            for what, args, digest in reads
        )
    except AppError:
        return False


def cached_figures(user, name: str, params: dict, compute) -> Any:
    """``compute(inputs)`` for the user, cached per user (see the module docstring); ``params`` names the question."""

    def run():
        inputs = MarketInputs()
        return compute(inputs), inputs.reads

    return usercache.cached(user.id, name, params, run, unchanged)
