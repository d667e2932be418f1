"""Quotes: the latest price, previous close and day change of up to 50 symbols, stocks and crypto mixed.

Each quote is built from the same cached bars as ``/api/stock`` (60 days, daily), continued by newer
imports (``latest.py``); stocks missing from the cache are fetched together in one provider call
(``batch.py``). A symbol that fails gets an error entry in its place; the others are unaffected. The
finished quote is cached until its bars expire, so a warm request is one cache read per symbol.
"""

import time

from ..analytics.quotes import quote_figures, sparkline
from ..common.jsonprovider import to_utc_iso
from ..errors import AppError, BadRequest, NotFound, ServiceUnavailable, error_body
from ..extensions import cache
from . import batch, latest, services, symbols
from .providers.sample_provider import NAMES as SAMPLE_NAMES

QUOTE_PERIOD = "60d"
MAX_QUOTES = 50
TREND_DAYS = 30

# Yahoo's exchange suffixes and the currency their prices are in (pence for London, as Yahoo quotes it).
_SUFFIX_CURRENCY = {
    "L": "GBp",
    "DE": "EUR",
    "F": "EUR",
    "PA": "EUR",
    "AS": "EUR",
    "MI": "EUR",
    "MC": "EUR",
    "BR": "EUR",
    "HE": "EUR",
    "TO": "CAD",
    "V": "CAD",
    "T": "JPY",
    "HK": "HKD",
    "SW": "CHF",
    "AX": "AUD",
    "SS": "CNY",
    "SZ": "CNY",
    "KS": "KRW",
    "NS": "INR",
    "BO": "INR",
    "SA": "BRL",
    "ST": "SEK",
    "OL": "NOK",
    "CO": "DKK",
}
_INDEX_CURRENCY = {"^FTSE": "GBP", "^N225": "JPY", "^GDAXI": "EUR", "^FCHI": "EUR", "^STOXX50E": "EUR", "^HSI": "HKD"}
_NAMES = {entry["symbol"]: entry["name"] for entry in symbols.SYMBOLS}


def currency_of(symbol: str, kind: str) -> str:
    """The currency a symbol is priced in, read from its form: a pair's quote, an FX pair's second
    currency, a Yahoo exchange suffix; plain tickers are US listings in USD."""
    if kind == "crypto":
        return symbol.split("/")[1]
    if symbol.endswith("=X") and len(symbol) == 8:
        return symbol[3:6]
    if symbol in _INDEX_CURRENCY:
        return _INDEX_CURRENCY[symbol]
    _, dot, suffix = symbol.rpartition(".")
    return _SUFFIX_CURRENCY.get(suffix, "USD") if dot else "USD"


def name_of(symbol: str) -> str | None:
    """The name the product knows offline: the sample set's in sample mode, else the bundled list's."""
    if services.sample_mode() and symbol in SAMPLE_NAMES:
        return SAMPLE_NAMES[symbol]
    return _NAMES.get(symbol) or SAMPLE_NAMES.get(symbol)


def quote_from_bars(bars: services.Bars) -> dict:
    """The quote of a symbol's bars (see ``QuoteSchema``), with a 30-day sparkline."""
    frame = bars.frame
    return {
        "symbol": bars.symbol,
        "name": name_of(bars.symbol),
        "kind": bars.kind,
        "currency": getattr(bars, "currency", None) or currency_of(bars.symbol, bars.kind),
        **quote_figures(frame, TREND_DAYS),
        "as_of": None if frame.empty else to_utc_iso(bars.as_of),
        "source": bars.source,
        "sample": bars.is_sample,
        "stale": bars.stale,
        "stale_reason": bars.cause,
        "sparkline": sparkline(frame, TREND_DAYS),
    }


def error_entry(symbol: str, error: AppError) -> dict:
    """An unknown or unavailable symbol, in the API's error shape, in place of its quote."""
    from werkzeug.http import HTTP_STATUS_CODES

    description = error.description
    if error.fields:
        description = " ".join(m for messages in error.fields.values() for m in messages)
    return {"symbol": symbol, **error_body(error.code, HTTP_STATUS_CODES.get(error.code, "Error"), description)}


def _key(source: str, symbol: str) -> str:
    return f"quote:{source}:{symbol}"


def get_quotes(requested: list[str], with_sparkline: bool = False) -> list[dict]:
    """A quote or an error entry per requested symbol, in the order asked (repeats answered once)."""
    wanted = {}
    for raw in dict.fromkeys(requested):
        kind = services.kind_of(raw)
        try:
            source, symbol = services.validate_request(kind, raw, QUOTE_PERIOD, "1d")
        except AppError as error:
            wanted[raw] = error
        else:
            wanted[raw] = (kind, source, symbol)
    valid = [w for w in wanted.values() if isinstance(w, tuple)]
    keys = [_key(source, symbol) for _, source, symbol in valid]
    hits = dict(zip(valid, cache.get_many(*keys), strict=True)) if valid else {}
    batch.prefetch("stock", [s for (k, _, s), hit in hits.items() if hit is None and k == "stock"], QUOTE_PERIOD)
    answers = []
    for raw, want in wanted.items():
        if isinstance(want, AppError):
            answers.append(error_entry(raw, want))
            continue
        quote = hits.get(want)
        if quote is None:
            try:
                quote = _fresh_quote(*want)
            except AppError as error:
                answers.append(error_entry(want[2], error))
                continue
        answers.append(quote if with_sparkline else {k: v for k, v in quote.items() if k != "sparkline"})
    return answers


def _fresh_quote(kind: str, source: str, symbol: str) -> dict:
    bars = latest.latest_bars(kind, symbol, QUOTE_PERIOD, "1d")
    quote = quote_from_bars(bars)
    remaining = int(bars.expires - time.time())
    if remaining > 0:
        cache.set(_key(source, symbol), quote, timeout=remaining)
    return quote


def get_quote(symbol: str) -> dict:
    """One quote with its sparkline, or the AppError that stops it (unknown symbol 404, outage 503)."""
    kind = services.kind_of(symbol)
    source, symbol = services.validate_request(kind, symbol, QUOTE_PERIOD, "1d")
    return cache.get(_key(source, symbol)) or _fresh_quote(kind, source, symbol)


def checked_symbol(raw: str) -> tuple[str, str, dict | None]:
    """(kind, canonical symbol, quote) of a symbol the market data knows; a 400 saying so when it does not exist.

    During an outage with nothing stored, a symbol of the bundled list is taken on trust (its quote is then
    None); any other is a 503, since it cannot be checked now.
    """
    kind = services.kind_of(raw)
    try:
        quote = get_quote(raw)
    except NotFound as error:
        raise BadRequest(
            f"{raw.strip().upper()} does not exist in the market data.", fields={"symbol": [error.description]}
        ) from None
    except BadRequest as error:
        messages = [m for ms in (error.fields or {}).values() for m in ms] or [error.description]
        raise BadRequest("Not a valid symbol.", fields={"symbol": messages}) from None
    except ServiceUnavailable:
        symbol = raw.strip().upper()
        if symbol not in _NAMES:
            raise
        return kind, symbol, None
    return kind, quote["symbol"], quote
