"""Registry of market-data providers, looked up by name (modelled on redash's query_runner registry)."""
from __future__ import annotations

import logging

from .base import (
    INTERVALS,
    OHLCV_COLUMNS,
    InvalidSymbol,
    MarketDataError,
    MarketDataProvider,
    ProviderUnavailable,
    RateLimited,
    SymbolNotFound,
    UnknownProvider,
    UnsupportedInterval,
    as_utc,
    normalize_ohlcv,
)

logger = logging.getLogger(__name__)

__all__ = [
    "INTERVALS", "OHLCV_COLUMNS", "InvalidSymbol", "MarketDataError", "MarketDataProvider",
    "ProviderUnavailable", "RateLimited", "SymbolNotFound", "UnknownProvider", "UnsupportedInterval",
    "as_utc", "available_providers", "create_provider", "get_provider_class", "normalize_ohlcv", "register",
]

_providers: dict[str, type[MarketDataProvider]] = {}


def register(name: str):
    """Class decorator: make a MarketDataProvider subclass available under `name`."""

    def decorator(cls: type[MarketDataProvider]) -> type[MarketDataProvider]:
        if not (isinstance(cls, type) and issubclass(cls, MarketDataProvider)):
            raise TypeError(f"{cls!r} is not a MarketDataProvider subclass")
        existing = _providers.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"Provider name {name!r} is already taken by {existing.__qualname__}")
        cls.name = name
        _providers[name] = cls
        logger.debug("Registered market-data provider %s (%s)", name, cls.__qualname__)
        return cls

    return decorator


def get_provider_class(name: str) -> type[MarketDataProvider]:
    """The class registered under `name`, or UnknownProvider."""
    try:
        return _providers[name]
    except KeyError:
        raise UnknownProvider(name, sorted(_providers)) from None


def available_providers() -> list[str]:
    """Names of registered providers whose library is installed, sorted."""
    return sorted(name for name, cls in _providers.items() if cls.enabled())


def create_provider(name: str, **options) -> MarketDataProvider:
    """An instance of the provider `name`, configured by keyword arguments."""
    cls = get_provider_class(name)
    if not cls.enabled():
        raise ProviderUnavailable(f"The {name} provider's library is not installed.",
                                  provider=name, cause="not installed")
    return cls(**options)


# Importing the adapters registers them; each imports its heavy library only when first used.
from . import ccxt_provider, fake_provider, sample_provider, yfinance_provider  # noqa: E402,F401
