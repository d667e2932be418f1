"""Symbol search: a bundled list of common tickers and crypto pairs (searchable offline), then an exchange's markets."""

from __future__ import annotations

from collections.abc import Callable

from . import cache
from .providers.yahoo import yahoo_spelling

_STOCKS = """
AAPL Apple Inc.|MSFT Microsoft Corp.|GOOGL Alphabet Inc. Class A|GOOG Alphabet Inc. Class C|AMZN Amazon.com Inc.
NVDA NVIDIA Corp.|META Meta Platforms Inc.|TSLA Tesla Inc.|BRK-B Berkshire Hathaway Inc. Class B
JPM JPMorgan Chase & Co.|V Visa Inc.|MA Mastercard Inc.|UNH UnitedHealth Group Inc.|JNJ Johnson & Johnson
XOM Exxon Mobil Corp.|WMT Walmart Inc.|PG Procter & Gamble Co.|HD Home Depot Inc.|CVX Chevron Corp.
KO Coca-Cola Co.|PEP PepsiCo Inc.|ABBV AbbVie Inc.|LLY Eli Lilly and Co.|MRK Merck & Co. Inc.|AVGO Broadcom Inc.
COST Costco Wholesale Corp.|ADBE Adobe Inc.|CRM Salesforce Inc.|NFLX Netflix Inc.|AMD Advanced Micro Devices Inc.
INTC Intel Corp.|CSCO Cisco Systems Inc.|ORCL Oracle Corp.|IBM International Business Machines Corp.
DIS Walt Disney Co.|BAC Bank of America Corp.|NKE Nike Inc.|MCD McDonald's Corp.|PFE Pfizer Inc.|T AT&T Inc.
VZ Verizon Communications Inc.|BA Boeing Co.
"""

_ETFS = """
SPY SPDR S&P 500 ETF Trust|QQQ Invesco QQQ Trust|VTI Vanguard Total Stock Market ETF|VOO Vanguard S&P 500 ETF
IVV iShares Core S&P 500 ETF|VEA Vanguard FTSE Developed Markets ETF|VWO Vanguard FTSE Emerging Markets ETF
VXUS Vanguard Total International Stock ETF|BND Vanguard Total Bond Market ETF
AGG iShares Core U.S. Aggregate Bond ETF|TLT iShares 20+ Year Treasury Bond ETF|GLD SPDR Gold Shares
IWM iShares Russell 2000 ETF|DIA SPDR Dow Jones Industrial Average ETF Trust
"""

_INDICES = """
^GSPC S&P 500|^IXIC NASDAQ Composite|^DJI Dow Jones Industrial Average|^RUT Russell 2000
^VIX CBOE Volatility Index|^FTSE FTSE 100|^N225 Nikkei 225
"""

_FX = """
EURUSD=X Euro / US Dollar|GBPUSD=X British Pound / US Dollar|USDJPY=X US Dollar / Japanese Yen
AUDUSD=X Australian Dollar / US Dollar|USDCAD=X US Dollar / Canadian Dollar|EURGBP=X Euro / British Pound
"""

_CRYPTO = """
BTC/USDT Bitcoin|ETH/USDT Ethereum|BNB/USDT BNB|SOL/USDT Solana|XRP/USDT XRP|ADA/USDT Cardano
DOGE/USDT Dogecoin|TRX/USDT TRON|DOT/USDT Polkadot|LINK/USDT Chainlink|AVAX/USDT Avalanche|LTC/USDT Litecoin
BCH/USDT Bitcoin Cash|XLM/USDT Stellar|ATOM/USDT Cosmos|UNI/USDT Uniswap|ETC/USDT Ethereum Classic
NEAR/USDT NEAR Protocol|FIL/USDT Filecoin|AAVE/USDT Aave|ETH/BTC Ethereum / Bitcoin|BTC/EUR Bitcoin / Euro
"""


# The bundled stocks and ETFs are US listings; these indices are not quoted in dollars.
_INDEX_CURRENCIES = {"^FTSE": "GBP", "^N225": "JPY"}


def _currency(symbol: str, kind: str) -> str:
    """What the symbol is priced in: a pair's quote side (BTC/USDT -> USDT, EURUSD=X -> USD), else USD."""
    if kind == "crypto":
        return symbol.split("/")[1]
    if kind == "fx":
        return symbol[3:6]
    return _INDEX_CURRENCIES.get(symbol, "USD")


def _parse(block: str, kind: str, source: str) -> list[dict]:
    entries = []
    for item in block.replace("\n", "|").split("|"):
        if item.strip():
            symbol, name = item.strip().split(" ", 1)
            entries.append(
                {"symbol": symbol, "name": name, "type": kind, "source": source, "currency": _currency(symbol, kind)}
            )
    return entries


# `source` names the provider that serves the symbol, so a search hit can be fetched as is.
SYMBOLS: tuple[dict, ...] = tuple(
    _parse(_STOCKS, "stock", "yfinance")
    + _parse(_ETFS, "etf", "yfinance")
    + _parse(_INDICES, "index", "yfinance")
    + _parse(_FX, "fx", "yfinance")
    + _parse(_CRYPTO, "crypto", "ccxt")
)


def search(query: str, limit: int = 20, types=None) -> list[dict]:
    """Entries whose symbol starts with `query` (exact match first), then whose name contains it.

    Case-insensitive; "BTC-USDT" finds "BTC/USDT" and "BRK.B" finds Yahoo's "BRK-B". `types` optionally
    restricts the asset types.
    """
    needle = (query or "").strip().upper()
    if not needle or limit <= 0:
        return []
    pool = [e for e in SYMBOLS if types is None or e["type"] in types]
    # Pairs are written BASE/QUOTE here but often typed BASE-QUOTE (as Yahoo writes BTC-USD); share classes
    # are often typed with a dot (BRK.B) where Yahoo writes a dash.
    pair = needle.replace("-", "/")
    spelled = yahoo_spelling(needle) or needle
    by_symbol = [
        e
        for e in pool
        if e["symbol"].startswith((needle, spelled)) or ("/" in e["symbol"] and e["symbol"].startswith(pair))
    ]
    by_symbol.sort(key=lambda e: (e["symbol"] not in (needle, pair, spelled), len(e["symbol"])))
    by_name = [e for e in pool if e not in by_symbol and needle in e["name"].upper()]
    return [dict(e) for e in (by_symbol + by_name)[:limit]]


def search_symbols(query: str, limit: int, exchange_id: str, exchange: Callable) -> list[dict]:
    """Bundled symbols first, then the markets of `exchange()`, the ccxt provider (asked only when needed)."""
    found = search(query, limit)
    if len(found) >= limit or not query.strip():
        return found
    seen = {entry["symbol"] for entry in found}
    for entry in cache.markets(exchange_id, query, limit, lambda: exchange().search_symbols(query, limit)):
        if entry["symbol"] not in seen and len(found) < limit:
            found.append(entry)
    return found
