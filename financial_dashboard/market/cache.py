"""Every market-data cache entry: 20-second bars and answers, outage markers, split histories, exchange markets.

Flask-Caching holds them (in-process, or Redis shared by every worker). Lifetimes are passed in by the
service layer, which reads them from the config; only the fixed ones are constants here.
"""

import time

import pandas as pd

from ..extensions import cache
from .providers.base import ProviderRefused, ProviderUnavailable, RateLimited

# A rate limit's Retry-After is honoured up to 5 minutes, so one odd header cannot silence a provider for hours.
MAX_OUTAGE_S = 300
# A provider that refuses the server (an exchange blocking its country) is asked again after an hour: the
# answer will not change sooner, and changing CCXT_EXCHANGE restarts the app with other keys anyway.
REFUSED_PAUSE_S = 3600
SPLITS_TTL_S = 86400
MARKETS_TTL_S = 3600
# An unreachable exchange gives [], remembered for a minute rather than retried on every keystroke.
NO_MARKETS_TTL_S = 60


def bars(source: str, symbol: str, label: str, interval: str) -> dict | None:
    """A fetch cached by ``remember_bars``: {"frame", "expires"}, or None."""
    return cache.get(f"ohlc:{source}:{symbol}:{label}:{interval}")


def remember_bars(source: str, symbol: str, label: str, interval: str, frame: pd.DataFrame, ttl: int) -> float:
    """Cache a fetch for ``ttl`` seconds; returns when it expires (epoch seconds)."""
    expires = time.time() + ttl
    cache.set(f"ohlc:{source}:{symbol}:{label}:{interval}", {"frame": frame, "expires": expires}, timeout=ttl)
    return expires


def outage(source: str, symbol: str, interval: str) -> dict | None:
    """The marker of a recent provider failure: {"cause", "message", "hint", "retry_after", "expires"}, or None."""
    return cache.get(f"down:{source}:{symbol}:{interval}")


def remember_outage(
    source: str, symbol: str, interval: str, error: ProviderUnavailable, ttl: int, hint: str | None = None
) -> dict:
    """Remember a failure briefly, so that every request does not wait for the same timeout.

    The marker lasts ``ttl`` seconds, as long as a rate limit's Retry-After asks (capped at 5 minutes)
    so that the provider is not hammered, or an hour for a provider that refuses the server. ``hint``
    says what the operator can do about it.
    """
    limited = isinstance(error, RateLimited) and error.retry_after
    if isinstance(error, ProviderRefused):
        pause = max(ttl, REFUSED_PAUSE_S)
    else:
        pause = max(ttl, min(int(error.retry_after), MAX_OUTAGE_S)) if limited else ttl
    down = {
        "cause": error.cause,
        "message": error.message,
        "hint": hint,
        "retry_after": pause if isinstance(error, ProviderRefused) else error.retry_after,
        "expires": time.time() + pause,
    }
    cache.set(f"down:{source}:{symbol}:{interval}", down, timeout=pause)
    return down


def answer_key(kind: str, source: str, symbol: str, period: str, interval: str, indicators) -> str:
    return f"answer:json:{kind}:{source}:{symbol}:{period}:{interval}:{','.join(indicators)}"


def answer(key: str) -> bytes | None:
    """A JSON answer cached by ``remember_answer``, as its encoded text."""
    return cache.get(key)


def remember_answer(key: str, body: bytes, expires: float) -> None:
    """Cache an encoded answer until ``expires``: never longer than the bars it was built from."""
    remaining = int(expires - time.time())
    if remaining > 0:
        cache.set(key, body, timeout=remaining)


def splits(source: str, symbol: str) -> pd.Series | None:
    return cache.get(f"splits:{source}:{symbol}")


def splits_many(source: str, symbols: list[str]) -> dict[str, pd.Series]:
    """The cached split histories of several symbols, in one round trip (those cached only)."""
    found = cache.get_many(*[f"splits:{source}:{symbol}" for symbol in symbols])
    return {symbol: ratios for symbol, ratios in zip(symbols, found, strict=False) if ratios is not None}


def remember_splits(source: str, symbol: str, ratios: pd.Series) -> None:
    cache.set(f"splits:{source}:{symbol}", ratios, timeout=SPLITS_TTL_S)


def splits_outage(source: str, symbol: str) -> str | None:
    """Why the split history could not be fetched a moment ago, or None."""
    return cache.get(f"down:splits:{source}:{symbol}")


def remember_splits_outage(source: str, symbol: str, note: str, ttl: int) -> None:
    # Remembered like a bars outage, so that every page view does not wait for the same timeout.
    cache.set(f"down:splits:{source}:{symbol}", note, timeout=ttl)


def markets(exchange_id: str, query: str, limit: int, search) -> list[dict]:
    """An exchange's markets matching ``query``, from ``search()`` when not cached (an hour; a minute if [])."""
    key = f"markets:{exchange_id}:{query.strip().upper()}:{limit}"
    hit = cache.get(key)
    if hit is None:
        hit = search()
        cache.set(key, hit, timeout=MARKETS_TTL_S if hit else NO_MARKETS_TTL_S)
    return hit
