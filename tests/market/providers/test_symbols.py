"""The bundled symbol list and its offline search."""
from financial_dashboard.market import symbols
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider


def test_the_list_covers_the_common_cases_with_valid_symbols():
    by_type = {}
    for entry in symbols.SYMBOLS:
        assert set(entry) == {"symbol", "name", "type", "source"}
        by_type.setdefault(entry["type"], []).append(entry["symbol"])
    assert len(symbols.SYMBOLS) - len(by_type["crypto"]) >= 60 and len(by_type["crypto"]) >= 20
    assert {"SPY", "QQQ", "VTI"} <= set(by_type["etf"])
    assert {"^GSPC", "^IXIC"} <= set(by_type["index"]) and "EURUSD=X" in by_type["fx"]
    assert {"BTC/USDT", "ETH/USDT"} <= set(by_type["crypto"])
    assert len({e["symbol"] for e in symbols.SYMBOLS}) == len(symbols.SYMBOLS)
    # Every entry is accepted, unchanged, by the provider named as its source.
    validators = {"yfinance": YFinanceProvider(), "ccxt": CcxtProvider()}
    for entry in symbols.SYMBOLS:
        assert validators[entry["source"]].validate_symbol(entry["symbol"]) == entry["symbol"]


def test_symbol_prefix_first_then_name_substring():
    hits = symbols.search("ma")
    prefixed = [h for h in hits if h["symbol"].startswith("MA")]
    assert hits[0]["symbol"] == "MA" and hits[:len(prefixed)] == prefixed
    by_name = hits[len(prefixed):]
    assert {"AMZN", "WMT"} <= {h["symbol"] for h in by_name}  # Amazon, Walmart
    assert all("MA" in h["name"].upper() for h in by_name)
    # The exact symbol leads, then shorter symbols.
    assert [h["symbol"] for h in symbols.search("v")][:3] == ["V", "VZ", "VTI"]


def test_case_insensitive_with_dash_pairs_and_limits():
    assert symbols.search("apple")[0]["symbol"] == "AAPL"
    assert symbols.search("btc-usdt")[0] == {"symbol": "BTC/USDT", "name": "Bitcoin", "type": "crypto",
                                             "source": "ccxt"}
    assert len(symbols.search("a", limit=5)) == 5
    assert symbols.search("") == [] and symbols.search("zzzzzz") == []
    assert [e["type"] for e in symbols.search("s", types={"etf"})] == ["etf"] * len(symbols.search("s", types={"etf"}))


def test_results_are_copies():
    symbols.search("aapl")[0]["name"] = "changed"
    assert symbols.search("aapl")[0]["name"] == "Apple Inc."
