"""The bundled symbol list and its offline search."""

from financial_dashboard.market import symbols
from financial_dashboard.market.providers.ccxt_provider import CcxtProvider
from financial_dashboard.market.providers.yfinance_provider import YFinanceProvider


def test_the_list_covers_the_common_cases_with_valid_symbols():
    by_type = {}
    for entry in symbols.SYMBOLS:
        assert set(entry) == {"symbol", "name", "type", "source", "currency"}
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
    assert hits[0]["symbol"] == "MA" and hits[: len(prefixed)] == prefixed
    by_name = hits[len(prefixed) :]
    assert {"AMZN", "WMT"} <= {h["symbol"] for h in by_name}  # Amazon, Walmart
    assert all("MA" in h["name"].upper() for h in by_name)
    # The exact symbol leads, then shorter symbols.
    assert [h["symbol"] for h in symbols.search("v")][:3] == ["V", "VZ", "VTI"]


def test_case_insensitive_with_dash_pairs_and_limits():
    assert symbols.search("apple")[0]["symbol"] == "AAPL"
    assert symbols.search("btc-usdt")[0] == {
        "symbol": "BTC/USDT",
        "name": "Bitcoin",
        "type": "crypto",
        "source": "ccxt",
        "currency": "USDT",
    }
    assert len(symbols.search("a", limit=5)) == 5
    assert symbols.search("") == [] and symbols.search("zzzzzz") == []
    assert [e["type"] for e in symbols.search("s", types={"etf"})] == ["etf"] * len(symbols.search("s", types={"etf"}))


def test_results_are_copies():
    symbols.search("aapl")[0]["name"] = "changed"
    assert symbols.search("aapl")[0]["name"] == "Apple Inc."


def test_each_entry_says_its_currency():
    currency = {e["symbol"]: e["currency"] for e in symbols.SYMBOLS}
    assert (currency["AAPL"], currency["SPY"], currency["^GSPC"]) == ("USD", "USD", "USD")
    assert (currency["^FTSE"], currency["^N225"]) == ("GBP", "JPY")
    # An FX pair is priced in its second currency, a crypto pair in its quote asset.
    assert (currency["EURUSD=X"], currency["USDJPY=X"], currency["EURGBP=X"]) == ("USD", "JPY", "GBP")
    assert (currency["BTC/USDT"], currency["ETH/BTC"], currency["BTC/EUR"]) == ("USDT", "BTC", "EUR")


def test_a_share_class_typed_with_a_dot_finds_yahoos_dash_spelling():
    assert symbols.search("BRK.B")[0]["symbol"] == "BRK-B"
    assert symbols.search("brk.b")[0]["symbol"] == "BRK-B"
    # A dot that is an exchange suffix (VOD.L) is not a share class: nothing is invented for it.
    assert symbols.search("VOD.L") == []
