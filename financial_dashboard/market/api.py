"""JSON routes for market data: /api/stock/<ticker>, /api/crypto/<base>/<quote>, /api/market/symbols.

Market data is public information, so these routes need no account; answers are cached for the same
20 seconds as the bars they are built from.
"""

from flask import current_app

from ..analytics.kpis import KPI_DEFINITIONS
from ..common.api import query_args
from ..common.openapi import api_doc
from . import bp, cache, services
from .quote_schemas import (
    CompareQuerySchema,
    CompareSchema,
    OverviewQuerySchema,
    OverviewSchema,
    QuoteListSchema,
    QuotesQuerySchema,
    StockInfoSchema,
)
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
Prices are adjusted for splits, never for dividends (those are listed in `dividends`), in the major unit
of `currency` (GBP for a London listing quoted in pence; a crypto pair's quote asset, e.g. USDT).
When the provider is unreachable, rate-limited or refuses the server, stored bars are returned with
`stale: true` and `as_of` set to the newest stored bar; with nothing stored the answer is 503 with
`Retry-After`. An unknown symbol is 404; a malformed symbol, period or interval is 400 listing what is
allowed, and so is a period longer than the source serves for the interval (Yahoo: hourly bars for the
last 730 days).
Series in `moving_averages` and `indicators` have the same length as `history` (null while warming up).

KPIs:
{KPI_TEXT}
"""
MARKET_ERRORS = (400, 404, 503)


def _answer(kind: str, symbol: str, args: dict):
    period, interval, names = args["period"], args["interval"], args["indicators"]
    source, symbol = services.validate_request(kind, symbol, period, interval)
    key = cache.answer_key(kind, services.source_id(source), symbol, period, interval, names)
    body = cache.answer(key)
    if body is None:
        bars = services.get_bars(kind, symbol, period, interval)
        # Cached as the JSON text: encoding the payload again (NaN cleaning included) would cost more
        # than everything else a cached request does.
        body = current_app.json.response(market_payload(bars, names)).get_data()
        cache.remember_answer(key, body, bars.expires)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/api/stock/<ticker>")
@api_doc(
    "market",
    query=StockQuerySchema,
    path=StockPathSchema,
    response=MarketDataSchema,
    errors=MARKET_ERRORS,
    auth=False,
    description=MARKET_DESCRIPTION,
)
def stock(ticker):
    """Price history, KPIs and indicators of a stock, ETF, index or FX pair (yfinance)."""
    return _answer("stock", ticker, query_args(StockQuerySchema))


@bp.get("/api/crypto/<base>/<quote>")
@api_doc(
    "market",
    query=CryptoQuerySchema,
    path=CryptoPathSchema,
    response=MarketDataSchema,
    errors=MARKET_ERRORS,
    auth=False,
    description=MARKET_DESCRIPTION,
)
def crypto(base, quote):
    """Price history, KPIs and indicators of a crypto pair such as BTC/USDT (ccxt)."""
    return _answer("crypto", f"{base}/{quote}", query_args(CryptoQuerySchema))


@bp.get("/api/crypto/<pair>")
@api_doc(
    "market",
    query=CryptoQuerySchema,
    path=CryptoPairPathSchema,
    response=MarketDataSchema,
    errors=MARKET_ERRORS,
    auth=False,
    description=MARKET_DESCRIPTION,
)
def crypto_pair(pair):
    """The same as /api/crypto/{base}/{quote}, with the pair written BASE-QUOTE (e.g. BTC-USDT)."""
    return _answer("crypto", pair, query_args(CryptoQuerySchema))


@bp.get("/api/market/symbols")
@api_doc("market", query=SymbolQuerySchema, response=SymbolListSchema, auth=False)
def symbols():
    """Search the symbols the product knows: a bundled list, plus the exchange's markets when reachable."""
    args = query_args(SymbolQuerySchema)
    return {"items": services.search_symbols(args["q"], args["limit"])}


@bp.get("/api/market/quotes")
@api_doc(
    "market",
    query=QuotesQuerySchema,
    response=QuoteListSchema,
    auth=False,
    description="""Quotes of up to
50 symbols, stocks and crypto pairs mixed, in the order asked. Built from the same 20-second cache and stored
bars as /api/stock (daily bars of the last 60 days, continued by newer imported bars); stocks not cached are
fetched in one provider call. A symbol that fails gets an entry with `error` in its place, the others are not
affected.""",
)
def quotes():
    """Latest price, previous close, change, volume, currency and as-of of several symbols."""
    from .quotes import get_quotes

    return {"items": get_quotes(query_args(QuotesQuerySchema)["symbols"])}


@bp.get("/api/stock/<ticker>/info")
@api_doc(
    "market",
    response=StockInfoSchema,
    errors=(400, 404),
    auth=False,
    description="""Company figures from the
provider when it is reachable (cached for a day). Otherwise what is known offline: the bundled list's name,
the currency read from the symbol, the 52-week range from stored or bundled bars; every other field is
null with its reason in `reasons`.""",
)
def stock_info(ticker):
    """Name, exchange, currency, sector, industry, market cap, P/E, dividend yield and 52-week range."""
    from .info import stock_info as info

    return info(ticker)


@bp.get("/api/market/compare")
@api_doc(
    "market",
    query=CompareQuerySchema,
    response=CompareSchema,
    auth=False,
    description="""2 to 10 symbols,
stocks and crypto mixed, over one period of daily bars: each series rebased to 0 % at the first date they all
have, aligned on the common dates, the correlation matrix of their daily returns, and each symbol's return,
annualised volatility and max drawdown over those dates. A symbol that cannot be had is a 400 naming it.""",
)
def compare():
    """Compare symbols: rebased lines, correlation of daily returns, return, volatility and drawdown."""
    from .compare import compare_json

    args = query_args(CompareQuerySchema)
    return current_app.response_class(compare_json(args["symbols"], args["period"]), mimetype="application/json")


@bp.get("/api/market/overview")
@api_doc(
    "market",
    query=OverviewQuerySchema,
    response=OverviewSchema,
    auth=False,
    description="""Top gainers,
top losers and most active over each symbol's last trading day, among the universe: `MARKET_UNIVERSE` when
set, else the bundled stocks and ETFs (the sample set in sample mode), plus every symbol on any watchlist.
Computed from quotes (same cache). The main indices are added where reachable; `notes` says what is missing,
stale or sample.""",
)
def overview():
    """Market overview: gainers, losers, most active and the main indices."""
    from .overview import market_overview

    return market_overview(query_args(OverviewQuerySchema)["limit"])
