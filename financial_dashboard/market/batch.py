"""Fetching the bars of many symbols in one provider call, where the provider can (yfinance's download).

``prefetch`` puts what it fetched into the same 20-second cache and bar store that ``services.get_bars``
uses, so callers then ask ``get_bars`` symbol by symbol and find the bars there. A symbol the batch did not
return is left to ``get_bars``, whose single-symbol path knows how to tell an unknown symbol from an outage.
Batch fetchers are registered per provider name, like the providers themselves.
"""

import logging
from collections.abc import Callable

import pandas as pd
from flask import current_app

from ..extensions import db
from . import cache, services, store
from .providers import base as providers_base

log = logging.getLogger(__name__)

_FETCHERS: dict[str, Callable] = {}


def register(name: str):
    """Decorator: ``fetch(provider, symbols, start, end, interval) -> {symbol: frame}`` for provider ``name``."""

    def decorate(function):
        _FETCHERS[name] = function
        return function

    return decorate


def prefetch(kind: str, symbols: list[str], period: str, interval: str = "1d") -> int:
    """Fetch, cache and store the bars of every symbol not cached yet, in one call; returns how many it got."""
    provider = services.provider(services.source_for(kind))
    source = services.source_id(services.source_for(kind))  # what get_bars caches and stores under
    # Looked up by the provider's own name: a stand-in registered under "yfinance" (tests) has no batch call.
    fetch = _FETCHERS.get(type(provider).name)
    if fetch is None:
        return 0
    missing = [
        s
        for s in dict.fromkeys(symbols)
        if cache.bars(source, s, period, interval) is None and cache.outage(source, s, interval) is None
    ]
    if len(missing) < 2:  # one symbol: the ordinary path is the same call, with better error reporting
        return 0
    ttl = current_app.config["CACHE_DEFAULT_TIMEOUT"]
    start, end = services.window(period, services.now_utc())
    try:
        frames = fetch(provider, missing, start, end, interval)
        if not frames:
            # Nothing at all came back: ask once whether the provider is reachable, rather than letting
            # every symbol wait for its own timeout.
            probe = getattr(provider, "_probe", None)
            if probe is not None:
                probe(missing[0])
    except providers_base.ProviderUnavailable as error:
        log.warning("%s batch of %d symbols unavailable: %s", source, len(missing), error.cause)
        for symbol in missing:
            cache.remember_outage(source, symbol, interval, error, ttl)
        return 0
    except providers_base.MarketDataError:
        return 0
    for symbol, frame in frames.items():
        cache.remember_bars(source, symbol, period, interval, frame, ttl)
        store.store_bars(source, symbol, interval, frame, commit=False)
    db.session.commit()
    return len(frames)


@register("yfinance")
def yfinance_download(provider, symbols, start, end, interval) -> dict[str, pd.DataFrame]:
    """``yf.download`` of the plain (US-listed, USD) tickers at once, under the provider's one deadline.

    The same rule as the single-symbol path: split-adjusted closes (``auto_adjust=False``). A download
    carries no currency, so tickers with an exchange suffix (VOD.L in pence, CBA.AX) are left to that path,
    which reads it. yfinance's own threads would not see the deadline, so the tickers are fetched in turn.
    """
    from .providers.deadline import deadline
    from .providers.yfinance_provider import _yfinance

    plain = [s for s in symbols if "." not in s and "=" not in s and "^" not in s]
    if len(plain) < 2:
        return {}
    try:
        with deadline(provider.timeout):
            raw = _yfinance().download(
                plain,
                start=start,
                end=end + pd.Timedelta(days=1),
                interval=interval,
                auto_adjust=False,
                actions=False,
                progress=False,
                threads=False,
                group_by="column",
                multi_level_index=True,
                timeout=provider.timeout,
                session=provider.session,
            )
    except Exception as exc:  # yfinance collects per-ticker failures itself; anything here is the whole call
        error = provider._translate(exc, plain[0])
        if error is not None:
            raise error from exc
        return {}
    return split_download(raw, plain, start, end, interval)


def split_download(raw, symbols, start, end, interval) -> dict[str, pd.DataFrame]:
    """The normalised frame of each symbol in a multi-ticker ``yf.download`` frame; failed tickers left out.

    ``raw`` has MultiIndex columns (Price, Ticker); a ticker that failed has all-NaN columns.
    """
    from .providers.yahoo import trading_dates

    if raw is None or raw.empty or not isinstance(raw.columns, pd.MultiIndex):
        return {}
    tickers = set(raw.columns.get_level_values("Ticker"))
    frames = {}
    for symbol in symbols:
        if symbol not in tickers:
            continue
        one = raw.xs(symbol, level="Ticker", axis=1).dropna(how="all")
        if one.empty or "Close" not in one.columns or one["Close"].isna().all():
            continue
        if interval in providers_base.DAILY_OR_LONGER:
            one = one.set_axis(trading_dates(one.index), axis=0)
        frame = providers_base.MarketDataProvider._clip(providers_base.normalize_ohlcv(one), start, end)
        frame = providers_base.with_meta(frame, "USD")
        if not frame.empty:
            frames[symbol] = frame
    return frames
