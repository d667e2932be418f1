"""The typed errors every market-data provider raises instead of its library's own."""


class MarketDataError(Exception):
    """Base of every error a provider raises; `message` is safe to show to a user."""

    def __init__(self, message: str, *, symbol: str | None = None, provider: str | None = None):
        super().__init__(message)
        self.message = message
        self.symbol = symbol
        self.provider = provider


class InvalidSymbol(MarketDataError):
    """The symbol is not even syntactically possible for this provider."""


class SymbolNotFound(MarketDataError):
    """The provider answered, and it does not know the symbol."""


class ProviderUnavailable(MarketDataError):
    """The provider could not be asked: network, DNS, timeout, outage. Worth retrying later."""

    default_cause = "network error"

    def __init__(
        self,
        message: str,
        *,
        symbol: str | None = None,
        provider: str | None = None,
        cause: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message, symbol=symbol, provider=provider)
        self.cause = cause or self.default_cause
        self.retry_after = 60 if retry_after is None else int(retry_after)


class RateLimited(ProviderUnavailable):
    """The provider refused because of too many requests; `retry_after` is its hint when it gave one."""

    default_cause = "rate limited"


class UnsupportedInterval(MarketDataError):
    """The provider does not serve bars of that size; `allowed` lists those it does."""

    def __init__(self, interval: str, allowed, *, provider: str | None = None):
        self.interval = interval
        self.allowed = tuple(allowed)
        super().__init__(
            f"Interval {interval!r} is not supported; use one of: {', '.join(self.allowed)}.", provider=provider
        )


class ProviderRefused(ProviderUnavailable):
    """The provider answers, but refuses this server (an exchange blocking the server's country, HTTP 451).

    Lasting: retrying soon will not help, another provider or exchange will.
    """

    default_cause = "refused"

    def __init__(
        self,
        message: str,
        *,
        symbol: str | None = None,
        provider: str | None = None,
        cause: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(
            message,
            symbol=symbol,
            provider=provider,
            cause=cause,
            retry_after=3600 if retry_after is None else retry_after,
        )


class UnsupportedRange(MarketDataError):
    """The provider does not serve bars of that size that far back (Yahoo: hourly bars for 730 days)."""


class UnknownProvider(MarketDataError, LookupError):
    """No provider is registered under that name."""

    def __init__(self, name: str, available):
        self.name = name
        self.available = tuple(available)
        super().__init__(f"Unknown market-data provider {name!r}; known: {', '.join(self.available)}.")
