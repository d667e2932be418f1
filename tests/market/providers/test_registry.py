"""The provider registry: names, lookup, creation, and that importing it stays cheap."""

import subprocess
import sys
from pathlib import Path

import pytest

from financial_dashboard.market import providers
from financial_dashboard.market.providers import MarketDataProvider, UnknownProvider


def test_the_four_providers_are_registered():
    assert providers.available_providers() == ["ccxt", "fake", "sample", "yfinance"]
    for name in ("ccxt", "fake", "sample", "yfinance"):
        cls = providers.get_provider_class(name)
        assert issubclass(cls, MarketDataProvider) and cls.name == name
        assert cls.intervals == providers.INTERVALS[name]
    assert [n for n in providers.available_providers() if providers.get_provider_class(n).is_sample] == ["sample"]


def test_unknown_name_is_an_error_listing_the_known_ones():
    with pytest.raises(UnknownProvider, match="yfinance") as raised:
        providers.get_provider_class("bloomberg")
    assert raised.value.name == "bloomberg"
    assert isinstance(raised.value, LookupError)
    with pytest.raises(UnknownProvider):
        providers.create_provider("bloomberg")


def test_create_provider_passes_options():
    provider = providers.create_provider("ccxt", exchange_id="kraken", timeout=3)
    assert (provider.exchange_id, provider.timeout) == ("kraken", 3.0)
    assert providers.create_provider("sample", timeout=5).is_sample


def test_a_name_cannot_be_taken_twice():
    class Other(MarketDataProvider):
        def fetch_ohlcv(self, symbol, start=None, end=None, interval="1d"):
            raise NotImplementedError

    with pytest.raises(ValueError, match="already taken"):
        providers.register("sample")(Other)
    with pytest.raises(TypeError):
        providers.register("thing")(object)


def test_importing_the_package_does_not_import_yfinance_or_ccxt():
    code = (
        "import sys, financial_dashboard.market.providers as p; p.create_provider('ccxt'); "
        "p.create_provider('yfinance'); print('yfinance' in sys.modules, 'ccxt' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.split() == ["False", "False"]
