"""Comparing 2 to 10 symbols, stocks and crypto mixed: rebased lines, correlation of returns, risk figures.

Bars come through the market-data service (cache, provider, store), daily; the series are aligned on the
dates they all have, so a stock and a coin are compared on trading days only.
"""

from flask import current_app

from ..analytics import comparison
from ..analytics.indicators import series_to_list
from ..common.jsonprovider import to_utc_iso
from ..errors import AppError, BadRequest, ServiceUnavailable
from . import cache, latest, services


def compare_json(symbols: list[str], period: str) -> bytes:
    """The answer as JSON text, cached like /api/stock's until the first of its bars expires."""
    key = f"answer:compare:{services.source_for('stock')}:{','.join(symbols)}:{period}"
    body = cache.answer(key)
    if body is None:
        result = compare(symbols, period)
        body = current_app.json.response(result).get_data()
        cache.remember_answer(key, body, result.pop("_expires"))
    return body


def compare(symbols: list[str], period: str) -> dict:
    """The comparison answer (see ``CompareSchema``); 400 naming every symbol that cannot be had.

    ``_expires`` (not part of the answer) is when the first of its bars must be fetched again."""
    found, problems, outages = {}, [], []
    for raw in symbols:
        try:
            bars = latest.latest_bars(services.kind_of(raw), raw, period, "1d")
        except AppError as error:
            detail = " ".join(m for ms in (error.fields or {}).values() for m in ms) or error.description
            problems.append(f"{raw}: {detail}")
            outages += [error] if isinstance(error, ServiceUnavailable) else []
            continue
        found[bars.symbol] = bars
    if outages and len(outages) == len(problems):
        raise outages[0]  # nothing wrong with the request: the data cannot be had now (503, Retry-After)
    if problems:
        raise BadRequest("Some symbols cannot be compared.", fields={"symbols": problems})
    if len(found) < 2:
        raise BadRequest("Give at least two different symbols.", fields={"symbols": ["Only one distinct symbol."]})
    aligned = comparison.align({symbol: bars.frame["close"] for symbol, bars in found.items()})
    if len(aligned) < 2:
        raise BadRequest(
            "These symbols have fewer than two dates in common in this period.",
            fields={
                "symbols": [
                    f"{s}: {b.frame.index[0].date() if not b.frame.empty else 'no'} to "
                    f"{b.as_of.date() if b.as_of else 'no bars'}"
                    for s, b in found.items()
                ]
            },
        )
    per_year = 365 if all(b.kind == "crypto" for b in found.values()) else 252
    rebased = comparison.rebase(aligned)
    notes = []
    if any(b.is_sample for b in found.values()):
        notes.append("Some series are sample or imported data.")
    if any(b.stale for b in found.values()):
        notes.append("Some series are stale: their provider was unavailable and stored bars are shown.")
    return {
        "symbols": list(found),
        "period": period,
        "interval": "1d",
        "start": to_utc_iso(aligned.index[0].to_pydatetime()),
        "end": to_utc_iso(aligned.index[-1].to_pydatetime()),
        "dates": [ts.strftime("%Y-%m-%d") for ts in aligned.index],
        # Four decimals of a percent: more digits would only be float noise in every point.
        "rebased": {symbol: series_to_list(rebased[symbol].round(4)) for symbol in found},
        "correlation": {"symbols": list(found), "matrix": comparison.correlation(aligned)},
        "stats": [
            {
                "symbol": symbol,
                **comparison.figures(aligned[symbol], per_year),
                "source": bars.source,
                "sample": bars.is_sample,
                "stale": bars.stale,
                "stale_reason": bars.cause,
                "as_of": to_utc_iso(bars.as_of) if bars.as_of else None,
            }
            for symbol, bars in found.items()
        ],
        "definitions": comparison.DEFINITIONS,
        "notes": notes,
        "_expires": min(b.expires for b in found.values()),
    }
