"""The market overview: top gainers, top losers and most active of a universe of symbols, plus the main indices.

The universe is ``MARKET_UNIVERSE`` when set, otherwise the bundled stocks and ETFs (the sample set's
symbols in sample mode), plus whatever other features add: the watchlists add every symbol on anyone's
list (``add_to_universe``), so market/ never imports them. Everything is computed from quotes, so it
shares their cache.
"""

from collections.abc import Callable

from flask import current_app

from . import quotes, services, symbols
from .providers.sample_provider import NAMES as SAMPLE_NAMES

INDICES = ("^GSPC", "^IXIC", "^DJI")
MAX_UNIVERSE = 200


def add_to_universe(blueprint, symbols_of: Callable[[], list[str]]) -> None:
    """Register ``symbols_of()`` as more symbols for the overview when ``blueprint`` is registered."""
    blueprint.record_once(lambda state: state.app.extensions.setdefault("market_universe", []).append(symbols_of))


def universe() -> list[str]:
    configured = current_app.config.get("MARKET_UNIVERSE") or []
    if configured:
        base = list(configured)
    elif services.sample_mode():
        base = sorted(SAMPLE_NAMES)
    else:
        base = [e["symbol"] for e in symbols.SYMBOLS if e["type"] in ("stock", "etf")]
    for more in current_app.extensions.get("market_universe", []):
        base += more()
    return list(dict.fromkeys(s.strip().upper() for s in base if s.strip()))[:MAX_UNIVERSE]


def _brief(quote: dict) -> dict:
    return {
        key: quote.get(key)
        for key in (
            "symbol",
            "name",
            "kind",
            "currency",
            "price",
            "change",
            "change_pct",
            "volume",
            "as_of",
            "source",
            "sample",
            "stale",
        )
    }


def market_overview(limit: int = 5) -> dict:
    """Movers of the last trading day among the universe, the main indices where reachable, and notes."""
    members = universe()
    answers = quotes.get_quotes(members)
    priced = [q for q in answers if "error" not in q and q["change_pct"] is not None]
    failed = [q["symbol"] for q in answers if "error" in q]
    gainers = sorted((q for q in priced if q["change_pct"] > 0), key=lambda q: -q["change_pct"])[:limit]
    losers = sorted((q for q in priced if q["change_pct"] < 0), key=lambda q: q["change_pct"])[:limit]
    active = sorted((q for q in priced if q["volume"]), key=lambda q: -q["volume"])[:limit]
    notes = []
    if failed:
        notes.append(
            f"No quote for {len(failed)} of {len(members)} symbols: {', '.join(failed[:10])}"
            + ("…" if len(failed) > 10 else "")
            + "."
        )
    days = sorted({q["as_of"][:10] for q in priced})
    if len(days) > 1:
        notes.append(f"The quotes are not all from the same day ({days[0]} to {days[-1]}).")
    if any(q["sample"] for q in priced):
        notes.append(
            "Sample data: the bundled prices end in 2013."
            if services.sample_mode()
            else "Some quotes are sample or imported data."
        )
    if any(q["stale"] for q in priced):
        notes.append("Some quotes are stale: their provider was unavailable and stored bars are shown.")
    indices = []
    if services.sample_mode():
        notes.append("The main indices are not in the bundled sample data.")
    else:
        index_quotes = quotes.get_quotes(list(INDICES))
        indices = [_brief(q) for q in index_quotes if "error" not in q]
        if len(indices) < len(INDICES):
            notes.append("Some indices are unavailable right now.")
    return {
        "as_of": days[-1] if days else None,
        "universe": len(members),
        "priced": len(priced),
        "gainers": [_brief(q) for q in gainers],
        "losers": [_brief(q) for q in losers],
        "most_active": [_brief(q) for q in active],
        "indices": indices,
        "sample": any(q["sample"] for q in priced),
        "stale": any(q["stale"] for q in priced),
        "notes": notes,
    }
