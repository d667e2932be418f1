"""/api/market/compare and its page: rebased lines on common dates, correlation, risk figures, errors."""

import json
import math
import statistics

import numpy as np
import pytest

from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider

from .conftest import FakeCcxtProvider, bars, strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")


def compare(client, query, status=200):
    response = client.get(f"/api/market/compare?{query}")
    assert response.status_code == status, response.get_data(as_text=True)
    return strict_json(response.data)


def closes_by_date(client, symbol, period):
    history = strict_json(client.get(f"/api/stock/{symbol}?period={period}").data)["history"]
    return {bar["date"]: bar["close"] for bar in history}


def test_three_stocks_rebased_on_common_dates_with_correlation_and_risk(client):
    body = compare(client, "symbols=AAPL,msft,IBM&period=1y")
    closes = {s: closes_by_date(client, s, "1y") for s in ("AAPL", "MSFT", "IBM")}
    common = sorted(set.intersection(*(set(c) for c in closes.values())))

    assert body["symbols"] == ["AAPL", "MSFT", "IBM"] and body["dates"] == common
    assert (body["start"], body["end"]) == (common[0] + "T00:00:00Z", common[-1] + "T00:00:00Z")
    series = {s: [closes[s][d] for d in common] for s in body["symbols"]}
    returns = {s: [b / a - 1 for a, b in zip(v, v[1:], strict=False)] for s, v in series.items()}
    for symbol, values in series.items():
        rebased = body["rebased"][symbol]
        assert rebased[0] == 0 and len(rebased) == len(common)
        assert rebased[-1] == pytest.approx((values[-1] / values[0] - 1) * 100, abs=1e-4)
        (stats,) = [s for s in body["stats"] if s["symbol"] == symbol]
        assert stats["return_pct"] == pytest.approx((values[-1] - values[0]) * 100 / values[0])
        assert stats["volatility_pct"] == pytest.approx(statistics.stdev(returns[symbol]) * 100 * math.sqrt(252))
        peak, worst = values[0], 0.0
        for value in values:
            peak = max(peak, value)
            worst = min(worst, (value / peak - 1) * 100)
        assert stats["max_drawdown_pct"] == pytest.approx(worst)
        assert (stats["source"], stats["sample"], stats["stale"]) == ("sample", True, False)
    matrix = body["correlation"]["matrix"]
    expected = np.corrcoef([returns[s] for s in body["symbols"]])
    assert body["correlation"]["symbols"] == body["symbols"]
    assert np.allclose(matrix, expected) and [matrix[i][i] for i in range(3)] == pytest.approx([1, 1, 1])
    assert body["notes"] == ["Some series are sample or imported data."]


@pytest.mark.parametrize(
    "query, field",
    [
        ("symbols=AAPL", "symbols"),
        ("symbols=AAPL,aapl", "symbols"),
        ("symbols=" + ",".join(f"S{n}" for n in range(11)), "symbols"),
        ("symbols=AAPL,MSFT&period=2w", "period"),
        ("period=1y", "symbols"),
    ],
)
def test_malformed_requests_are_400_naming_the_parameter(client, query, field):
    error = compare(client, query, status=400)["error"]
    assert field in error["fields"]


def test_a_symbol_that_cannot_be_had_is_a_400_naming_it(client):
    error = compare(client, "symbols=AAPL,ZZZZ,A$B", status=400)["error"]
    problems = error["fields"]["symbols"]
    assert problems[0].startswith("ZZZZ: ") and problems[1].startswith("A$B: ")


def test_stocks_and_crypto_are_aligned_on_the_days_both_trade(client, live):
    every_day = bars("AAPL")
    weekdays = every_day[every_day.index.day_of_week < 5]
    live.use("yfinance", FakeProvider({"AAPL": weekdays}))
    live.use("ccxt", FakeCcxtProvider({"BTC/USDT": bars("BTC/USDT")}))

    body = compare(client, "symbols=AAPL,BTC/USDT&period=90d")

    days = body["dates"]
    assert days and all(np.datetime64(d).astype("datetime64[D]").item().weekday() < 5 for d in days)
    assert len(body["rebased"]["BTC/USDT"]) == len(days)
    assert body["notes"] == []


def test_an_outage_with_nothing_stored_is_a_503(client, live):
    live.use("yfinance", FakeProvider(fail_with=ProviderUnavailable("down", cause="timeout")))
    response = client.get("/api/market/compare?symbols=AAPL,MSFT")
    assert response.status_code == 503 and "Retry-After" in response.headers


def test_no_common_dates_is_a_400(client, live):
    live.use(
        "yfinance",
        FakeProvider(
            {"AAPL": bars("AAPL", "2024-06-01", "2024-06-30"), "MSFT": bars("MSFT", "2024-08-01", "2024-08-30")}
        ),
    )
    error = compare(client, "symbols=AAPL,MSFT&period=1y", status=400)["error"]
    assert "in common" in error["description"]


def figure(html, chart_id):
    start = html.index(f'id="{chart_id}-figure">') + len(f'id="{chart_id}-figure">')
    return json.loads(html[start : html.index("</script>", start)])


def test_the_page_draws_the_lines_and_a_3_by_3_heat_map(client):
    response = client.get("/market/compare?symbols=AAPL,MSFT,IBM&period=1y")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    lines = figure(html, "compare-chart")["data"]
    assert [t["name"] for t in lines] == ["AAPL", "MSFT", "IBM"]
    (heat,) = figure(html, "correlation-chart")["data"]
    assert heat["type"] == "heatmap" and len(heat["z"]) == 3 and all(len(row) == 3 for row in heat["z"])
    assert "compare-stats" in html and "sample" in html


def test_the_page_shows_a_problem_instead_of_failing(client):
    response = client.get("/market/compare?symbols=AAPL,ZZZZ")
    assert response.status_code == 400 and "ZZZZ" in response.get_data(as_text=True)


def test_answers_are_cached_until_their_bars_expire(client, live, clock):
    yahoo = live.use("yfinance", FakeProvider({"AAPL": bars("AAPL"), "MSFT": bars("MSFT")}))
    first = client.get("/api/market/compare?symbols=AAPL,MSFT&period=90d").data
    calls = len(yahoo.calls)

    assert client.get("/api/market/compare?symbols=AAPL,MSFT&period=90d").data == first
    assert len(yahoo.calls) == calls == 2
    clock.advance(21)
    client.get("/api/market/compare?symbols=AAPL,MSFT&period=90d")
    assert len(yahoo.calls) == 4
