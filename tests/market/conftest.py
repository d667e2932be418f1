"""Market fixtures: a clean cache, the live source backed by fake providers, a controllable clock, CSV files.

The app is shared by the whole session, so every fixture here puts back what it changed: the cache is
emptied before and after, injected providers are removed and MARKET_DATA_SOURCE is restored.
"""

import json
import time

import cachelib.simple
import pandas as pd
import pytest
import requests
import responses

from financial_dashboard.extensions import cache
from financial_dashboard.market import services
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider
from financial_dashboard.market.providers.fake_provider import (
    DEFAULT_END,
    FakeProvider,
    generate_ohlcv,
)

# The live source's "now" in these tests: the fake provider's generated series end on this day.
NOW = DEFAULT_END


class FakeCcxtProvider(FakeProvider):
    """Fake bars behind the ccxt adapter's own symbol rules (BTC-USDT and btc/usdt both mean BTC/USDT)."""

    symbol_pattern = CcxtProvider.symbol_pattern
    symbol_hint = CcxtProvider.symbol_hint
    validate_symbol = CcxtProvider.validate_symbol


def strict_json(data: bytes):
    """Parse a response body, refusing NaN and Infinity (which Python's json accepts by default)."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(data, parse_constant=refuse)


def bars(symbol="AAPL", start="2024-06-01", end=NOW):
    """Deterministic daily bars for `symbol` (the fake provider's generated series)."""
    return generate_ohlcv(symbol, pd.Timestamp(start, tz="UTC"), end)


@pytest.fixture
def fresh_cache(app):
    cache.clear()
    yield cache
    cache.clear()


class LiveSource:
    """Switches the app to MARKET_DATA_SOURCE=live and puts fake providers in place of the real ones."""

    def __init__(self, app):
        self.app = app
        self.providers = app.extensions.setdefault("market_providers", {})
        self.saved = dict(self.providers)

    def use(self, source, provider):
        if isinstance(provider, FakeProvider) and provider.stands_for is None and source == "ccxt":
            # Stored and cached under the real provider's key: ccxt:<CCXT_EXCHANGE>.
            provider.stands_for = f"ccxt:{self.app.config['CCXT_EXCHANGE']}"
        self.providers[source] = provider
        return provider

    def restore(self):
        self.providers.clear()
        self.providers.update(self.saved)


@pytest.fixture
def live(app, fresh_cache, monkeypatch):
    """The live source with nothing real behind it; `live.use("yfinance", FakeProvider(...))` injects one."""
    monkeypatch.setitem(app.config, "MARKET_DATA_SOURCE", "live")
    monkeypatch.setattr(services, "now_utc", lambda: NOW)
    source = LiveSource(app)
    # Anything not injected fails loudly instead of reaching the network.
    source.use("yfinance", FakeProvider(fail_with=AssertionError("no yfinance provider injected")))
    source.use("ccxt", FakeProvider(fail_with=AssertionError("no ccxt provider injected")))
    yield source
    source.restore()


@pytest.fixture
def yahoo(live):
    """A fake yfinance that knows AAPL and MSFT only."""
    return live.use("yfinance", FakeProvider({"AAPL": bars("AAPL"), "MSFT": bars("MSFT")}))


@pytest.fixture
def exchange(live):
    """A fake ccxt exchange that lists BTC/USDT only."""
    return live.use("ccxt", FakeCcxtProvider({"BTC/USDT": bars("BTC/USDT")}))


class Clock:
    """Stands in for time.time(); starts at the real time and moves only when told."""

    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """Time for the cache (cachelib.simple imports time() by name) and for the services' expiry stamps."""
    fake = Clock()
    monkeypatch.setattr(cachelib.simple, "time", fake)
    monkeypatch.setattr(time, "time", fake)
    return fake


@pytest.fixture
def csv_file(tmp_path):
    """Factory: write CSV text (lines joined with newlines) to a file and return its path."""

    def write(*lines, name="bars.csv"):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


class RealNetworkAttempt(BaseException):
    """Not an Exception, so neither yfinance nor the adapter can swallow it."""


@pytest.fixture
def fresh_yfinance(monkeypatch):
    """The real yfinance as in a process that just started: no cached time zone, cookie, crumb or response."""
    import yfinance as yf

    # yfinance's on-disk caches of time zones and cookies would carry one test's answers into the next.
    monkeypatch.setattr(yf.cache._TzCacheManager, "_tz_cache", yf.cache._TzCacheDummy())
    monkeypatch.setattr(yf.cache._CookieCacheManager, "_Cookie_cache", yf.cache._CookieCacheDummy())
    # Its Ticker.info fallback for a missing time zone, which it only tries in the first two calls of a process.
    monkeypatch.setattr(yf.base, "_tz_info_fetch_ctr", 2)
    yf.data.YfData.cache_get.cache_clear()
    data = yf.data.YfData(session=requests.Session())
    data._crumb = data._cookie = None
    data._cookie_strategy = "basic"
    return yf


@pytest.fixture
def yahoo_http(fresh_yfinance, monkeypatch):
    """A RequestsMock for the real yfinance, with no network: curl_cffi (yfinance's own transport) is fenced
    off, so a test must hand providers a requests Session."""

    def refuse(*args, **kwargs):
        raise RealNetworkAttempt("a test tried to use curl_cffi, i.e. the real network")

    monkeypatch.setattr("curl_cffi.requests.Session.request", refuse)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get("https://fc.yahoo.com", status=404)
        yield mock
