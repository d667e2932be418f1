"""The market-data service: one path from a request to bars, through the cache, the provider and the store.

Order of business for ``get_bars``:
1. the 20-second cache (``market/cache.py``);
2. the provider (yfinance for stocks, ccxt for crypto, or the bundled sample set);
3. when the provider is unreachable, rate-limited or refuses the server, the bars stored by earlier fetches
   (``market/store.py``), marked stale;
4. when nothing is stored either, ServiceUnavailable (503 with Retry-After) naming the cause.
Later features (price sync, forecasts) read bars through here too. Configuration is read here, once per
call, and handed to the cache and the store as arguments.

Bars are split-adjusted, never dividend-adjusted, in the major unit of ``Bars.currency``; the dividends the
provider reported come beside them (``Bars.dividends``). Cache and store keys use the provider's source id
(``ccxt:binance``), so that another exchange's bars are never served as this one's.
"""

import dataclasses
import datetime as dt
import functools
import logging
import time

import pandas as pd
from flask import current_app

from ..errors import BadRequest, NotFound, ServiceUnavailable
from . import cache, store, symbols
from .providers import base as providers_base
from .providers import create_provider

log = logging.getLogger(__name__)

PERIODS = {
    "5d": 5,
    "7d": 7,
    "14d": 14,
    "30d": 30,
    "60d": 60,
    "90d": 90,
    "180d": 180,
    "1y": 365,
    "2y": 730,
    "3y": 1095,
    "5y": 1826,
    "10y": 3652,
    "max": None,
}
LIVE_SOURCES = {"stock": "yfinance", "crypto": "ccxt"}
# Stored bars that are not from the live provider: a user's CSV imports, then the bundled sample set.
OFFLINE_SOURCES = ("import", "sample")
# What to do about a provider that refuses the server, by provider (said in the 503 and in stale_reason).
REFUSAL_HINTS = {
    "ccxt": "Set CCXT_EXCHANGE to an exchange that serves the server's region "
    "(for example kraken, coinbase or bitstamp) and restart."
}
BARS_PER_YEAR = {
    "stock": {"1h": 252 * 7, "1d": 252, "1wk": 52, "1mo": 12},
    "crypto": {"1h": 24 * 365, "4h": 6 * 365, "1d": 365, "1w": 52},
}


@dataclasses.dataclass
class Bars:
    """Bars for one symbol, and where they came from."""

    kind: str
    symbol: str
    source: str
    period: str
    interval: str
    frame: pd.DataFrame
    stale: bool = False
    cause: str | None = None
    expires: float = 0.0  # epoch seconds after which this answer must be fetched again

    @property
    def currency(self) -> str | None:
        """The prices' currency in its major unit (GBP for a London listing), or None when unknown."""
        return self.frame.attrs.get("currency")

    @property
    def dividends(self) -> pd.Series:
        """Cash dividends per share by ex-date, in ``currency``, as the provider reported them."""
        found = self.frame.attrs.get("dividends")
        return found if found is not None else pd.Series(dtype="float64", name="dividend")

    @property
    def as_of(self):
        return None if self.frame.empty else self.frame.index[-1].to_pydatetime()

    @property
    def is_sample(self):
        return self.source in OFFLINE_SOURCES

    @property
    def bars_per_year(self):
        return BARS_PER_YEAR[self.kind].get(self.interval, 252)


def now_utc() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def sample_mode() -> bool:
    """Whether the app serves only the bundled sample set (MARKET_DATA_SOURCE=sample)."""
    return current_app.config["MARKET_DATA_SOURCE"] == "sample"


def source_for(kind: str) -> str:
    return "sample" if sample_mode() else LIVE_SOURCES[kind]


def provider(source: str):
    """One provider object per source and app (a ccxt exchange keeps its markets between requests)."""
    providers = current_app.extensions.setdefault("market_providers", {})
    if source not in providers:
        options = {"timeout": current_app.config["MARKET_TIMEOUT_S"]}
        if source == "ccxt":
            options["exchange_id"] = current_app.config["CCXT_EXCHANGE"]
        providers[source] = create_provider(source, **options)
    return providers[source]


def source_id(source: str) -> str:
    """What the bars of provider ``source`` are cached and stored under (ccxt:binance for ccxt).

    A stand-in with no source id of its own (the tests' fake) is stored under the source it stands in for.
    """
    return provider(source).source_id or source


def intervals_for(kind: str, source: str) -> tuple[str, ...]:
    allowed = tuple(BARS_PER_YEAR[kind])
    supported = provider(source).available_intervals()
    return tuple(i for i in allowed if i in supported)


def kind_of(symbol: str, asset_type: str | None = None) -> str:
    """Crypto when the asset says so or the symbol is a BASE/QUOTE pair; otherwise a stock-like symbol."""
    return "crypto" if asset_type == "crypto" or "/" in symbol else "stock"


def validate_request(kind: str, symbol: str, period: str, interval: str) -> tuple[str, str]:
    """Normalise the symbol; reject unknown periods and intervals with 400 listing what is allowed."""
    source = source_for(kind)
    errors = {}
    try:
        # Syntax is the live provider's (BTC/USDT is a valid pair even when only sample data is served).
        symbol = provider(LIVE_SOURCES[kind]).validate_symbol(symbol)
    except providers_base.InvalidSymbol as error:
        errors["symbol"] = [error.message]
    if period not in PERIODS:
        errors["period"] = [f"Unknown period {period!r}. Allowed: {', '.join(PERIODS)}."]
    allowed = intervals_for(kind, source)
    if interval not in allowed:
        errors["interval"] = [f"Unknown interval {interval!r}. Allowed: {', '.join(allowed)}."]
    elif period in PERIODS and source not in OFFLINE_SOURCES:
        # Said before anything is fetched: Yahoo serves hourly bars for 730 days, an exchange so many pages.
        now = now_utc()
        try:
            provider(source).check_range(interval, window(period, now)[0], now)
        except providers_base.UnsupportedRange as error:
            errors["period"] = [error.message]
    if errors:
        raise BadRequest("Invalid market data request.", fields=errors)
    return source, symbol


def window(period: str, end: pd.Timestamp) -> tuple[pd.Timestamp | None, pd.Timestamp]:
    days = PERIODS[period]
    return (None if days is None else end - pd.Timedelta(days=days)), end


def get_bars(kind: str, symbol: str, period: str = "60d", interval: str = "1d") -> Bars:
    """Bars of the last ``period``: cached, fetched (and stored), or stale from the store."""
    source, symbol = validate_request(kind, symbol, period, interval)
    return _bars(kind, source, symbol, interval, period=period)


def get_bars_between(kind: str, symbol: str, start: dt.date, end: dt.date, interval: str = "1d") -> Bars:
    """Bars from ``start`` to ``end`` inclusive (price sync, benchmarks), through the same path."""
    source, symbol = validate_request(kind, symbol, "max", interval)
    return _bars(kind, source, symbol, interval, between=(start, end))


def _bars(kind, source, symbol, interval, period=None, between=None) -> Bars:
    label = period or f"{between[0].isoformat()}..{between[1].isoformat()}"
    ttl = current_app.config["CACHE_DEFAULT_TIMEOUT"]
    key = source_id(source)
    hit = cache.bars(key, symbol, label, interval)
    if hit is not None:
        return Bars(kind, symbol, key, label, interval, hit["frame"], expires=hit["expires"])
    # Stored bars are read for the explicit dates, or for the period counted back from the newest stored bar.
    bounds = (lambda newest: _day_bounds(between)) if between else functools.partial(window, period)
    down = cache.outage(key, symbol, interval)
    if down is None:
        try:
            frame = _fetch(source, symbol, interval, period, between)
        except providers_base.UnsupportedInterval as error:
            raise BadRequest(error.message, fields={"interval": [error.message]}) from None
        except providers_base.UnsupportedRange as error:
            raise BadRequest(error.message, fields={"period": [error.message]}) from None
        except (providers_base.SymbolNotFound, providers_base.InvalidSymbol) as error:
            # Unknown to this provider (the sample set holds no crypto pairs, say), but the user may
            # have imported bars for it.
            imported = store.first_stored(("import",), symbol, interval, bounds)
            if imported is None:
                message = error.message if isinstance(error, providers_base.SymbolNotFound) else None
                raise NotFound(message or f"{symbol} is not available from {source}.") from None
            stored_source, frame = imported
            return Bars(kind, symbol, stored_source, label, interval, frame, expires=time.time() + ttl)
        except providers_base.ProviderUnavailable as error:
            log.warning("%s unavailable for %s: %s", key, symbol, error.cause)
            hint = REFUSAL_HINTS.get(source) if isinstance(error, providers_base.ProviderRefused) else None
            down = cache.remember_outage(key, symbol, interval, error, ttl, hint=hint)
        else:
            expires = cache.remember_bars(key, symbol, label, interval, frame, ttl)
            if source not in OFFLINE_SOURCES:
                store.store_bars(key, symbol, interval, frame)
            return Bars(kind, symbol, key, label, interval, frame, expires=expires)
    return _stale(kind, key, symbol, label, interval, down, bounds)


def _day_bounds(between) -> tuple[pd.Timestamp, pd.Timestamp]:
    start, end = between
    # The end day is included up to its last microsecond (the finest the database stores).
    last = pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    return pd.Timestamp(start, tz="UTC"), last


def _fetch(source, symbol, interval, period=None, between=None) -> pd.DataFrame:
    prov = provider(source)
    if between is not None:
        start, end = _day_bounds(between)
    elif source == "sample":
        start, end = window(period, prov.latest_timestamp(symbol))
    else:
        # Up to the newest bar the source has, not to "now" in UTC: Sydney's or Tokyo's today is already
        # tomorrow in UTC, and its bar is stamped with that date.
        start, end = window(period, now_utc())[0], None
    return prov.fetch_ohlcv(symbol, start, end, interval)


def _stale(kind, source, symbol, label, interval, down, bounds) -> Bars:
    """During an outage: the live source's own stored bars, else imports, else the sample set, marked stale.

    The period is counted back from the newest stored bar (or the explicit dates); nothing stored is a 503.
    """
    found = store.first_stored((source, *OFFLINE_SOURCES), symbol, interval, bounds)
    if found is None:
        if down.get("hint"):
            message = f"{down['message']} {down['hint']} No stored bars exist for {symbol}."
        else:
            message = f"{source} is unavailable ({down['cause']}) and no stored bars exist for {symbol}."
        raise ServiceUnavailable(message, headers={"Retry-After": str(int(down.get("retry_after") or 60))})
    stored_source, frame = found
    cause = f"{down['cause']}. {down['hint']}" if down.get("hint") else down["cause"]
    return Bars(kind, symbol, stored_source, label, interval, frame, stale=True, cause=cause, expires=down["expires"])


def search_symbols(query: str, limit: int = 20) -> list[dict]:
    """Symbols for the search box: the sample set's in sample mode, else the bundled list and the exchange's."""
    if sample_mode():
        return provider("sample").search_symbols(query, limit)
    return symbols.search_symbols(
        query, limit, current_app.config["CCXT_EXCHANGE"], functools.partial(provider, "ccxt")
    )


def splits_for(symbol: str, kind: str) -> tuple[pd.Series, str | None]:
    """The symbol's split ratios by date (cached for a day), and why they are missing when they are."""
    empty = pd.Series(dtype="float64")
    if kind == "crypto":
        return empty, None
    source = source_for(kind)
    prov = provider(source)
    if not hasattr(prov, "splits"):
        return empty, None
    hit = cache.splits(source, symbol)
    if hit is not None:
        return hit, None
    down = cache.splits_outage(source, symbol)
    if down is not None:
        return empty, down
    try:
        splits = prov.splits(symbol)
    except (providers_base.SymbolNotFound, providers_base.InvalidSymbol):
        splits = empty
    except providers_base.ProviderUnavailable as error:
        note = f"split history of {symbol} unavailable ({error.cause})"
        cache.remember_splits_outage(source, symbol, note, current_app.config["CACHE_DEFAULT_TIMEOUT"])
        return empty, note
    splits = splits if splits is not None else empty
    cache.remember_splits(source, symbol, splits)
    return splits, None


def splits_for_many(pairs) -> dict[tuple[str, str], tuple[pd.Series, str | None]]:
    """``splits_for`` of several (symbol, kind) pairs; the cached histories are read in one round trip
    (a portfolio's cached figures check theirs on every hit)."""
    cached = {}
    symbols = sorted({symbol for symbol, kind in pairs if kind != "crypto"})
    if symbols and hasattr(provider(source_for("stock")), "splits"):
        cached = cache.splits_many(source_for("stock"), symbols)
    return {
        (symbol, kind): (cached[symbol], None) if kind != "crypto" and symbol in cached else splits_for(symbol, kind)
        for symbol, kind in pairs
    }
