"""JSON routes for market data: /api/stock/<ticker>, /api/crypto/<base>/<quote>, /api/market/symbols.

Market data is public information, so these routes need no account; answers are cached for the same
20 seconds as the bars they are built from.
"""
from flask import current_app

from ..analytics.kpis import KPI_DEFINITIONS
from ..common.api import query_args
from ..common.openapi import api_doc
from . import bp, cache, services
from .schemas import (
    CryptoPairPathSchema,
    CryptoPathSchema,
    CryptoQuerySchema,
    MarketDataSchema,
    StockPathSchema,
    StockQuerySchema,
    SymbolListSchema,
    SymbolQuerySchema,
)
from .serializers import market_payload

KPI_TEXT = "\n".join(f"- `{name}`: {text}" for name, text in KPI_DEFINITIONS.items())
MARKET_DESCRIPTION = f"""Bars, KPIs, MA 20/50 and optional indicators.

`source` says where the bars come from; `sample: true` marks bundled sample data or a user's CSV import.
When the provider is unreachable or rate-limited, stored bars are returned with `stale: true` and
`as_of` set to the newest stored bar; with nothing stored the answer is 503 with `Retry-After`.
An unknown symbol is 404; a malformed symbol, period or interval is 400 listing what is allowed.
Series in `moving_averages` and `indicators` have the same length as `history` (null while warming up).

KPIs:
{KPI_TEXT}
"""
MARKET_ERRORS = (400, 404, 503)


def _answer(kind: str, symbol: str, args: dict):
    period, interval, names = args["period"], args["interval"], args["indicators"]
    source, symbol = services.validate_request(kind, symbol, period, interval)
    key = cache.answer_key(kind, source, symbol, period, interval, names)
    body = cache.answer(key)
    if body is None:
        bars = services.get_bars(kind, symbol, period, interval)
        # Cached as the JSON text: encoding the payload again (NaN cleaning included) would cost more
        # than everything else a cached request does.
        body = current_app.json.response(market_payload(bars, names)).get_data()
        cache.remember_answer(key, body, bars.expires)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/api/stock/<ticker>")
@api_doc("market", query=StockQuerySchema, path=StockPathSchema, response=MarketDataSchema, errors=MARKET_ERRORS,
         auth=False, description=MARKET_DESCRIPTION)
def stock(ticker):
    """Price history, KPIs and indicators of a stock, ETF, index or FX pair (yfinance)."""
    return _answer("stock", ticker, query_args(StockQuerySchema))


@bp.get("/api/crypto/<base>/<quote>")
@api_doc("market", query=CryptoQuerySchema, path=CryptoPathSchema, response=MarketDataSchema, errors=MARKET_ERRORS,
         auth=False, description=MARKET_DESCRIPTION)
def crypto(base, quote):
    """Price history, KPIs and indicators of a crypto pair such as BTC/USDT (ccxt)."""
    return _answer("crypto", f"{base}/{quote}", query_args(CryptoQuerySchema))


@bp.get("/api/crypto/<pair>")
@api_doc("market", query=CryptoQuerySchema, path=CryptoPairPathSchema, response=MarketDataSchema,
         errors=MARKET_ERRORS, auth=False, description=MARKET_DESCRIPTION)
def crypto_pair(pair):
    """The same as /api/crypto/{base}/{quote}, with the pair written BASE-QUOTE (e.g. BTC-USDT)."""
    return _answer("crypto", pair, query_args(CryptoQuerySchema))


@bp.get("/api/market/symbols")
@api_doc("market", query=SymbolQuerySchema, response=SymbolListSchema, auth=False)
def symbols():
    """Search the symbols the product knows: a bundled list, plus the exchange's markets when reachable."""
    args = query_args(SymbolQuerySchema)
    return {"items": services.search_symbols(args["q"], args["limit"])}
