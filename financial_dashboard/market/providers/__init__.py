"""Registry of market-data providers, looked up by name (modelled on redash's query_runner registry)."""

from __future__ import annotations

from ...common.registry import Registry
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

__all__ = [
    "INTERVALS",
    "OHLCV_COLUMNS",
    "InvalidSymbol",
    "MarketDataError",
    "MarketDataProvider",
    "ProviderUnavailable",
    "RateLimited",
    "SymbolNotFound",
    "UnknownProvider",
    "UnsupportedInterval",
    "as_utc",
    "available_providers",
    "create_provider",
    "get_provider_class",
    "normalize_ohlcv",
    "register",
]

_providers = Registry(MarketDataProvider, "Provider", UnknownProvider)
register = _providers.register


def get_provider_class(name: str) -> type[MarketDataProvider]:
    """The class registered under `name`, or UnknownProvider."""
    if name not in _providers.names():
        raise UnknownProvider(name, sorted(_providers.names()))
    return _providers.get(name)


def available_providers() -> list[str]:
    """Names of registered providers whose library is installed, sorted."""
    return sorted(_providers.available())


def create_provider(name: str, **options) -> MarketDataProvider:
    """An instance of the provider `name`, configured by keyword arguments."""
    cls = get_provider_class(name)
    if not cls.enabled():
        raise ProviderUnavailable(
            f"The {name} provider's library is not installed.", provider=name, cause="not installed"
        )
    return cls(**options)


# Importing the adapters registers them; each imports its heavy library only when first used.
from . import ccxt_provider, fake_provider, sample_provider, yfinance_provider  # noqa: E402,F401
