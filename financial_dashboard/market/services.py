"""The market-data service: one path from a request to bars, through the cache, the provider and the store.

Order of business for ``get_bars``:
1. the 20-second cache (Flask-Caching: in-process, or Redis shared by every worker);
2. the provider (yfinance for stocks, ccxt for crypto, or the bundled sample set);
3. when the provider is unreachable or rate-limited, the bars stored by earlier fetches, marked stale;
4. when nothing is stored either, ServiceUnavailable (503 with Retry-After) naming the cause.
Later features (price sync, forecasts) read bars through here too.
"""
import dataclasses
import datetime as dt
import logging
import re
import time

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from ..errors import BadRequest, NotFound, ServiceUnavailable
from ..extensions import cache, db
from .models import MarketBar
from .providers import base as providers_base
from .providers import create_provider

log = logging.getLogger(__name__)

PERIODS = {"5d": 5, "7d": 7, "14d": 14, "30d": 30, "60d": 60, "90d": 90, "180d": 180, "1y": 365,
           "2y": 730, "3y": 1095, "5y": 1826, "10y": 3652, "max": None}
KINDS = ("stock", "crypto")
LIVE_SOURCES = {"stock": "yfinance", "crypto": "ccxt"}
# Stored bars that are not from the live provider: a user's CSV imports, then the bundled sample set.
OFFLINE_SOURCES = ("import", "sample")
BARS_PER_YEAR = {
    "stock": {"1h": 252 * 7, "1d": 252, "1wk": 52, "1mo": 12},
    "crypto": {"1h": 24 * 365, "4h": 6 * 365, "1d": 365, "1w": 52},
}
COLUMNS = ["open", "high", "low", "close", "volume"]


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


def source_for(kind: str) -> str:
    if current_app.config["MARKET_DATA_SOURCE"] == "sample":
        return "sample"
    return LIVE_SOURCES[kind]


def provider(source: str):
    """One provider object per source and app (a ccxt exchange keeps its markets between requests)."""
    providers = current_app.extensions.setdefault("market_providers", {})
    if source not in providers:
        options = {"timeout": current_app.config["MARKET_TIMEOUT_S"]}
        if source == "ccxt":
            options["exchange_id"] = current_app.config["CCXT_EXCHANGE"]
        providers[source] = create_provider(source, **options)
    return providers[source]


def intervals_for(kind: str, source: str) -> tuple[str, ...]:
    allowed = tuple(BARS_PER_YEAR[kind])
    supported = getattr(provider(source), "intervals", allowed)
    return tuple(i for i in allowed if i in supported)


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
    key = f"ohlc:{source}:{symbol}:{label}:{interval}"
    hit = cache.get(key)
    if hit is not None:
        return Bars(kind, symbol, source, label, interval, hit["frame"], expires=hit["expires"])
    down_key = f"down:{source}:{symbol}:{interval}"
    down = cache.get(down_key)
    if down is None:
        try:
            frame = _fetch(source, symbol, interval, period, between)
        except (providers_base.SymbolNotFound, providers_base.InvalidSymbol) as error:
            # Unknown to this provider (the sample set holds no crypto pairs, say), but the user may
            # have imported bars for it.
            imported = _from_store(kind, source, symbol, label, interval, None, sources=("import",), between=between)
            if imported is None:
                message = error.message if isinstance(error, providers_base.SymbolNotFound) else None
                raise NotFound(message or f"{symbol} is not available from {source}.") from None
            return imported
        except providers_base.ProviderUnavailable as error:
            log.warning("%s unavailable for %s: %s", source, symbol, error.cause)
            # Remember the outage briefly so that every request does not wait for the same timeout.
            # A rate limit's Retry-After is honoured (capped at 5 minutes) so the provider is not hammered.
            limited = isinstance(error, providers_base.RateLimited) and error.retry_after
            pause = max(ttl, min(int(error.retry_after), 300)) if limited else ttl
            down = {"cause": error.cause, "retry_after": error.retry_after, "expires": time.time() + pause}
            cache.set(down_key, down, timeout=pause)
        else:
            expires = time.time() + ttl
            cache.set(key, {"frame": frame, "expires": expires}, timeout=ttl)
            if source not in OFFLINE_SOURCES:
                store_bars(source, symbol, interval, frame)
            return Bars(kind, symbol, source, label, interval, frame, expires=expires)
    return _from_store(kind, source, symbol, label, interval, down, between=between)


def _day_bounds(between) -> tuple[pd.Timestamp, pd.Timestamp]:
    start, end = between
    # The end day is included up to its last microsecond (the finest the database stores).
    return pd.Timestamp(start, tz="UTC"), pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)


def _fetch(source, symbol, interval, period=None, between=None) -> pd.DataFrame:
    prov = provider(source)
    if between is not None:
        start, end = _day_bounds(between)
    else:
        end = prov.latest_timestamp(symbol) if source == "sample" else now_utc()
        start, end = window(period, end)
    return prov.fetch_ohlcv(symbol, start, end, interval)


def _from_store(kind, source, symbol, period, interval, down, sources=None, between=None) -> Bars | None:
    """Stored bars for the period, counted back from the newest stored bar (or the explicit dates).

    During an outage (``down`` given) the live source's own bars are preferred, then imports, then the
    sample set, all marked stale; with nothing stored that is a 503. Without ``down`` it returns None.
    """
    for stored_source in sources or (source, *OFFLINE_SOURCES):
        newest = db.session.scalar(sa.select(sa.func.max(MarketBar.ts)).where(
            MarketBar.source == stored_source, MarketBar.symbol == symbol, MarketBar.interval == interval))
        if newest is None:
            continue
        start, end = _day_bounds(between) if between else window(period, pd.Timestamp(newest))
        frame = load_bars(stored_source, symbol, interval, start, end)
        if down is None:
            return Bars(kind, symbol, stored_source, period, interval, frame,
                        expires=time.time() + current_app.config["CACHE_DEFAULT_TIMEOUT"])
        return Bars(kind, symbol, stored_source, period, interval, frame, stale=True, cause=down["cause"],
                    expires=down["expires"])
    if down is None:
        return None
    raise ServiceUnavailable(
        f"{source} is unavailable ({down['cause']}) and no stored bars exist for {symbol}.",
        headers={"Retry-After": str(int(down.get("retry_after") or 60))})


def load_bars(source, symbol, interval, start=None, end=None) -> pd.DataFrame:
    """Stored bars as the normalised frame (UTC index named timestamp, OHLCV float columns)."""
    select = sa.select(MarketBar.ts, *(getattr(MarketBar, c) for c in COLUMNS)).where(
        MarketBar.source == source, MarketBar.symbol == symbol, MarketBar.interval == interval)
    if start is not None:
        select = select.where(MarketBar.ts >= start.to_pydatetime())
    if end is not None:
        select = select.where(MarketBar.ts <= end.to_pydatetime())
    rows = db.session.execute(select.order_by(MarketBar.ts)).all()
    frame = pd.DataFrame(rows, columns=["timestamp", *COLUMNS])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame.set_index("timestamp").astype(float)


def store_bars(source: str, symbol: str, interval: str, frame: pd.DataFrame, commit: bool = True) -> int:
    """Upsert bars on (source, symbol, interval, ts); returns the number of rows written.

    The columns are NOT NULL (and SQLite stores NaN as NULL): a bar missing a price is not kept, and a
    missing volume is kept as 0, as Yahoo reports it for instruments without volume.
    """
    frame = frame.dropna(subset=["open", "high", "low", "close"]).fillna({"volume": 0.0})
    if frame.empty:
        return 0
    rows = [{"source": source, "symbol": symbol, "interval": interval, "ts": ts.to_pydatetime(),
             **{c: float(getattr(row, c)) for c in COLUMNS}}
            for ts, row in zip(frame.index, frame.itertuples(index=False))]
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"Unsupported database {dialect}")
    statement = insert(MarketBar)
    statement = statement.on_conflict_do_update(
        index_elements=["source", "symbol", "interval", "ts"],
        set_={c: getattr(statement.excluded, c) for c in COLUMNS})
    for chunk in range(0, len(rows), 1000):  # stay under SQLite's bound-parameter limit
        db.session.execute(statement, rows[chunk:chunk + 1000])
    if commit:
        db.session.commit()
    return len(rows)


def search_symbols(query: str, limit: int = 20) -> list[dict]:
    """Bundled symbols first, then the exchange's markets when they can be loaded (cached for an hour)."""
    from . import symbols

    if current_app.config["MARKET_DATA_SOURCE"] == "sample":
        return provider("sample").search_symbols(query, limit)
    found = symbols.search(query, limit)
    if len(found) >= limit or not query.strip():
        return found
    seen = {entry["symbol"] for entry in found}
    for entry in _exchange_markets(query, limit):
        if entry["symbol"] not in seen and len(found) < limit:
            found.append(entry)
    return found


def _exchange_markets(query: str, limit: int) -> list[dict]:
    key = f"markets:{current_app.config['CCXT_EXCHANGE']}:{query.strip().upper()}:{limit}"
    hit = cache.get(key)
    if hit is None:
        hit = provider("ccxt").search_symbols(query, limit)
        # An unreachable exchange gives [], remembered for a minute rather than retried on every keystroke.
        cache.set(key, hit, timeout=3600 if hit else 60)
    return hit


def load_sample() -> dict[str, int]:
    """Store the bundled sample bars (daily) under source ``sample``; returns rows per symbol."""
    sample = provider("sample")
    counts = {symbol: store_bars("sample", symbol, "1d", sample.fetch_ohlcv(symbol, None, None, "1d"), commit=False)
              for symbol in sample.symbols()}
    db.session.commit()
    return counts


SYMBOL_SYNTAX = re.compile(r"^[A-Z0-9.^=/\-]{1,32}$")


def import_bars(symbol: str, frame: pd.DataFrame, interval: str = "1d") -> int:
    """Store a user's bars under source ``import`` in one transaction."""
    symbol = symbol.strip().upper()
    if not SYMBOL_SYNTAX.match(symbol):
        raise BadRequest(f"{symbol!r} is not a valid symbol (letters, digits and . ^ = / -).")
    intervals = sorted({i for per_kind in BARS_PER_YEAR.values() for i in per_kind})
    if interval not in intervals:
        raise BadRequest(f"Unknown interval {interval!r}. Allowed: {', '.join(intervals)}.")
    try:
        count = store_bars("import", symbol, interval, frame, commit=False)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return count


def kind_of(symbol: str, asset_type: str | None = None) -> str:
    """Crypto when the asset says so or the symbol is a BASE/QUOTE pair; otherwise a stock-like symbol."""
    return "crypto" if asset_type == "crypto" or "/" in symbol else "stock"


def splits_for(symbol: str, kind: str) -> tuple[pd.Series, str | None]:
    """The symbol's split ratios by date (cached for a day), and why they are missing when they are."""
    empty = pd.Series(dtype="float64")
    if kind == "crypto":
        return empty, None
    source = source_for(kind)
    prov = provider(source)
    if not hasattr(prov, "splits"):
        return empty, None
    key = f"splits:{source}:{symbol}"
    hit = cache.get(key)
    if hit is not None:
        return hit, None
    down = cache.get(f"down:{key}")
    if down is not None:
        return empty, down
    try:
        splits = prov.splits(symbol)
    except (providers_base.SymbolNotFound, providers_base.InvalidSymbol):
        splits = empty
    except providers_base.ProviderUnavailable as error:
        note = f"split history of {symbol} unavailable ({error.cause})"
        # Remember the outage like a bars outage, so every page view does not wait for the same timeout.
        cache.set(f"down:{key}", note, timeout=current_app.config["CACHE_DEFAULT_TIMEOUT"])
        return empty, note
    splits = splits if splits is not None else empty
    cache.set(key, splits, timeout=86400)
    return splits, None
