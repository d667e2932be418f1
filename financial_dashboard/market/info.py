"""Stock info: name, exchange, currency, sector, industry, market cap, P/E, dividend yield, 52-week range.

From the provider when it is reachable (cached for a day); otherwise what is known offline (the bundled
symbol list's name, the currency read from the symbol, the 52-week range from stored or bundled bars),
with ``null`` and a reason for every other field. Never a 500 and never a 503: an outage only empties
the fields that needed the provider.
"""

import logging

from ..analytics.numbers import finite
from ..errors import AppError, NotFound
from ..extensions import cache
from . import latest, quotes, services
from .providers import base as providers_base

log = logging.getLogger(__name__)

INFO_TTL_S = 86400
# Our field, then Yahoo's keys for it in order of preference.
YAHOO_FIELDS = {
    "name": ("longName", "shortName"),
    "exchange": ("fullExchangeName", "exchange"),
    "currency": ("currency",),
    "sector": ("sector",),
    "industry": ("industry",),
    "market_cap": ("marketCap",),
    "pe_ratio": ("trailingPE",),
    "dividend_yield_pct": ("dividendYield",),
    "week52_high": ("fiftyTwoWeekHigh",),
    "week52_low": ("fiftyTwoWeekLow",),
}
NUMBERS = {"market_cap", "pe_ratio", "dividend_yield_pct", "week52_high", "week52_low"}


def stock_info(ticker: str) -> dict:
    """What is known of a stock, each missing field ``null`` with its reason in ``reasons``."""
    source, symbol = services.validate_request("stock", ticker, "1y", "1d")
    info = {"symbol": symbol, **dict.fromkeys(YAHOO_FIELDS)}
    info.update(source=None, sample=False, stale=False, as_of=None, reasons={}, notes=[])
    provided, why_not = _from_provider(source, symbol)
    if provided:
        info.update({field: value for field, value in provided.items() if value is not None}, source=source)
    else:
        _offline(info, symbol)
    for field in YAHOO_FIELDS:
        if info[field] is None and field not in info["reasons"]:
            info["reasons"][field] = why_not or f"{source} does not report it for {symbol}."
    return info


def _from_provider(source: str, symbol: str) -> tuple[dict | None, str | None]:
    """The provider's figures (cached a day), or None and why not."""
    if source == "sample":
        return None, "Not in the bundled sample data (MARKET_DATA_SOURCE=sample)."
    hit = cache.get(f"info:{source}:{symbol}")
    if hit is not None:
        return hit, None
    down = cache.get(f"down:info:{source}:{symbol}")
    if down is not None:
        return None, down
    provider = services.provider(source)
    call = getattr(provider, "_call", None)
    if call is None:
        return None, f"{source} does not provide company information."
    try:
        raw = call(symbol, lambda ticker: ticker.info)
    except providers_base.SymbolNotFound as error:
        raise NotFound(error.message) from None
    except providers_base.MarketDataError as error:
        reason = f"{source} is unavailable ({getattr(error, 'cause', 'error')})."
        cache.set(f"down:info:{source}:{symbol}", reason, timeout=60)
        return None, reason
    if not isinstance(raw, dict) or not raw:
        return None, f"{source} returned no information for {symbol}."
    provided = {field: _pick(raw, keys, field in NUMBERS) for field, keys in YAHOO_FIELDS.items()}
    cache.set(f"info:{source}:{symbol}", provided, timeout=INFO_TTL_S)
    return provided, None


def _pick(raw: dict, keys, number: bool):
    for key in keys:
        value = raw.get(key)
        if value not in (None, ""):
            return finite(value) if number else str(value)
    return None


def _offline(info: dict, symbol: str) -> None:
    """Fill what can be known without the provider, and say where it came from in ``notes``."""
    info.update(name=quotes.name_of(symbol), currency=quotes.currency_of(symbol, "stock"), source="offline")
    info["notes"].append(
        "The provider could not be asked: the name comes from the bundled symbol list and the "
        "currency from the symbol's form (no exchange suffix means a US listing in USD)."
    )
    try:
        bars = latest.latest_bars("stock", symbol, "1y", "1d")
    except AppError as error:
        if isinstance(error, NotFound) and info["name"] is None:
            raise  # known neither to the bundled list nor to the market data: there is no such stock here
        reason = f"No bars to compute it from: {error.description}"
        info["reasons"].update(week52_high=reason, week52_low=reason)
        return
    if not bars.frame.empty:
        info.update(
            week52_high=finite(bars.frame["high"].max()),
            week52_low=finite(bars.frame["low"].min()),
            as_of=quotes.to_utc_iso(bars.as_of),
            sample=bars.is_sample,
            stale=bars.stale,
        )
        info["notes"].append(
            f"The 52-week range comes from the {bars.source} bars of the year up to as_of"
            + (" (sample data)." if bars.is_sample else ".")
        )
