"""The market JSON routes: the contract on real bundled bars, hand-checked KPIs, errors, crypto, Swagger."""

import itertools
import math
import statistics

import pytest

from financial_dashboard.analytics.kpis import KPI_DEFINITIONS
from financial_dashboard.extensions import cache
from financial_dashboard.market.providers import ProviderUnavailable, RateLimited

from .conftest import FakeCcxtProvider, bars, strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")

KPIS = (
    "latest_price",
    "return_pct",
    "volatility",
    "annualized_volatility_pct",
    "change",
    "change_pct",
    "high",
    "low",
    "max_drawdown_pct",
)
BAR_KEYS = {"date", "open", "high", "low", "close", "volume"}


def get(client, url, status=200):
    """The parsed JSON of a GET, after checking its status and that the raw text is strict JSON."""
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert b"NaN" not in response.data and b"Infinity" not in response.data
    return strict_json(response.data)


def closes(body):
    return [bar["close"] for bar in body["history"]]


def assert_aligned(series, body, warm_up):
    """Same length as history, null for exactly the first `warm_up` bars, finite numbers after."""
    assert len(series) == len(body["history"])
    assert series[:warm_up] == [None] * min(warm_up, len(series))
    assert all(isinstance(v, float) and math.isfinite(v) for v in series[warm_up:])


def test_stock_contract_on_bundled_sample_bars(client):
    body = get(client, "/api/stock/AAPL?period=60d")

    assert {
        "symbol",
        "source",
        "sample",
        "as_of",
        "stale",
        "period",
        "interval",
        "kpis",
        "history",
        "moving_averages",
    } <= set(body)
    assert (body["symbol"], body["source"], body["sample"], body["stale"]) == ("AAPL", "sample", True, False)
    assert (body["period"], body["interval"]) == ("60d", "1d")
    # The bundled data ends on 2013-03-01; 60 days back from it are 42 trading days.
    assert body["as_of"] == "2013-03-01T00:00:00Z"
    history = body["history"]
    assert len(history) == 42
    assert history[0]["date"] == "2012-12-31" and history[-1]["date"] == "2013-03-01"
    assert [bar["date"] for bar in history] == sorted({bar["date"] for bar in history})
    for bar in history:
        assert set(bar) == BAR_KEYS
        assert all(isinstance(bar[k], float) and math.isfinite(bar[k]) for k in BAR_KEYS - {"date"})
        assert bar["low"] <= min(bar["open"], bar["close"]) <= max(bar["open"], bar["close"]) <= bar["high"]
    for name in KPIS:
        assert isinstance(body["kpis"][name], float) and math.isfinite(body["kpis"][name]), name
    assert set(body["moving_averages"]) == {"MA_20", "MA_50"}
    assert_aligned(body["moving_averages"]["MA_20"], body, 19)
    assert_aligned(body["moving_averages"]["MA_50"], body, 49)  # 42 bars: all warm-up
    assert "indicators" not in body


def test_kpis_and_moving_averages_match_a_hand_calculation_from_the_history(client):
    body = get(client, "/api/stock/MSFT?period=1y")
    close = closes(body)
    kpis = body["kpis"]
    assert len(close) > 200
    returns = [(b / a - 1) * 100 for a, b in itertools.pairwise(close)]
    peak, drawdown = close[0], 0.0
    for price in close:
        peak = max(peak, price)
        drawdown = min(drawdown, (price / peak - 1) * 100)

    def approx(value):
        return pytest.approx(value, rel=1e-9)  # the KPIs carry 12 significant digits

    assert kpis["latest_price"] == close[-1]
    assert kpis["return_pct"] == approx((close[-1] / close[0] - 1) * 100)
    assert kpis["change"] == approx(close[-1] - close[-2])
    assert kpis["change_pct"] == approx((close[-1] / close[-2] - 1) * 100)
    assert kpis["high"] == max(bar["high"] for bar in body["history"])
    assert kpis["low"] == min(bar["low"] for bar in body["history"])
    assert kpis["volatility"] == approx(statistics.stdev(returns))
    assert kpis["annualized_volatility_pct"] == approx(statistics.stdev(returns) * math.sqrt(252))
    assert kpis["max_drawdown_pct"] == approx(drawdown)
    assert kpis["max_drawdown_pct"] < 0
    ma20, ma50 = body["moving_averages"]["MA_20"], body["moving_averages"]["MA_50"]
    for i in (19, 20, 100, len(close) - 1):
        assert ma20[i] == pytest.approx(sum(close[i - 19 : i + 1]) / 20)
    for i in (49, 50, len(close) - 1):
        assert ma50[i] == pytest.approx(sum(close[i - 49 : i + 1]) / 50)


def test_prices_keep_their_digits_in_the_kpis(live, client):
    # A coin priced in millionths: rounding KPIs to 6 decimal places would turn it into 0.000045.
    frame = bars("SHIB/USDT") / 10_000_000
    live.use("ccxt", FakeCcxtProvider({"SHIB/USDT": frame}))

    body = get(client, "/api/crypto/SHIB/USDT?period=30d")
    close = closes(body)

    assert 1e-6 < close[-1] < 1e-4
    assert body["kpis"]["latest_price"] == pytest.approx(close[-1], rel=1e-9)
    assert body["kpis"]["high"] == pytest.approx(max(bar["high"] for bar in body["history"]), rel=1e-9)
    assert body["kpis"]["low"] == pytest.approx(min(bar["low"] for bar in body["history"]), rel=1e-9)
    assert body["kpis"]["change"] == pytest.approx(close[-1] - close[-2], rel=1e-6)


def test_indicators_are_added_as_aligned_series(client):
    body = get(client, "/api/stock/IBM?period=1y&indicators=rsi,macd,bollinger,ema")

    indicators = body["indicators"]
    assert {name: set(series) for name, series in indicators.items()} == {
        "rsi": {"RSI_14"},
        "macd": {"macd", "signal", "histogram"},
        "bollinger": {"middle", "upper", "lower"},
        "ema": {"EMA_12", "EMA_26"},
    }
    assert_aligned(indicators["rsi"]["RSI_14"], body, 13)  # ta's convention, see analytics.indicators.rsi
    assert_aligned(indicators["ema"]["EMA_12"], body, 11)
    assert_aligned(indicators["ema"]["EMA_26"], body, 25)
    assert_aligned(indicators["macd"]["macd"], body, 25)
    assert_aligned(indicators["macd"]["signal"], body, 33)
    for band in ("middle", "upper", "lower"):
        assert_aligned(indicators["bollinger"][band], body, 19)
    assert all(0 <= value <= 100 for value in indicators["rsi"]["RSI_14"][13:])
    assert indicators["bollinger"]["middle"] == body["moving_averages"]["MA_20"]
    last = len(body["history"]) - 1
    window = closes(body)[last - 19 :]
    deviation = statistics.pstdev(window)
    assert indicators["bollinger"]["upper"][last] == pytest.approx(sum(window) / 20 + 2 * deviation)
    macd = indicators["macd"]
    assert macd["histogram"][last] == pytest.approx(macd["macd"][last] - macd["signal"][last])
    assert macd["macd"][last] == pytest.approx(indicators["ema"]["EMA_12"][last] - indicators["ema"]["EMA_26"][last])


def test_an_unknown_indicator_is_a_400_listing_the_allowed_ones(client):
    body = get(client, "/api/stock/AAPL?indicators=rsi,vwap", status=400)

    assert body["error"]["code"] == 400
    (message,) = body["error"]["fields"]["indicators"]
    assert "vwap" in message
    assert all(name in message for name in ("rsi", "macd", "bollinger", "ema"))


@pytest.mark.parametrize(
    "url, field, allowed",
    [
        ("/api/stock/AA%20PL", "symbol", ["A-Z", "0-9"]),
        ("/api/stock/AAPL$", "symbol", ["A-Z", "0-9"]),
        ("/api/stock/AAPL?period=7y", "period", ["5d", "60d", "1y", "10y", "max"]),
        ("/api/stock/AAPL?interval=2d", "interval", ["1d", "1wk", "1mo"]),
        ("/api/stock/AAPL?period=1w&interval=1s", "period", ["60d"]),
    ],
)
def test_malformed_requests_are_400_listing_what_is_allowed(client, url, field, allowed):
    body = get(client, url, status=400)

    assert body["error"]["code"] == 400
    (message,) = body["error"]["fields"][field]
    assert all(value in message for value in allowed), message


def test_both_bad_period_and_interval_are_reported_at_once(client):
    fields = get(client, "/api/stock/AAPL?period=1w&interval=1s", status=400)["error"]["fields"]
    assert set(fields) == {"period", "interval"}


def test_an_unknown_symbol_is_a_404_json_error(client):
    body = get(client, "/api/stock/ZZZZ", status=404)

    assert body["error"]["code"] == 404 and body["error"]["message"] == "Not Found"
    assert "ZZZZ" in body["error"]["description"]


def test_a_symbol_yahoo_does_not_know_is_a_404(yahoo, client):
    body = get(client, "/api/stock/NOPE", status=404)
    assert "NOPE" in body["error"]["description"]


@pytest.mark.parametrize("path", ["/api/crypto/BTC/USDT", "/api/crypto/BTC-USDT", "/api/crypto/btc-usdt"])
def test_crypto_pairs_written_either_way_are_the_same_pair(exchange, client, path):
    body = get(client, path)

    # Stored and cached under the exchange's name, so that switching CCXT_EXCHANGE never mixes two exchanges.
    assert (body["symbol"], body["source"], body["sample"], body["stale"]) == ("BTC/USDT", "ccxt:binance", False, False)
    assert (body["period"], body["interval"]) == ("90d", "1d")
    assert body["as_of"] == "2024-12-31T00:00:00Z"
    assert len(body["history"]) == 91  # daily bars, 90 days back from 2024-12-31 inclusive
    assert_aligned(body["moving_averages"]["MA_50"], body, 49)
    close = closes(body)
    returns = [(b / a - 1) * 100 for a, b in itertools.pairwise(close)]
    # Crypto trades every day: 365 bars a year, not 252.
    assert body["kpis"]["annualized_volatility_pct"] == pytest.approx(
        statistics.stdev(returns) * math.sqrt(365), rel=1e-6
    )
    assert exchange.calls[-1]["symbol"] == "BTC/USDT"


def test_crypto_timeframe_and_errors(exchange, client):
    assert get(client, "/api/crypto/BTC/USDT?timeframe=1h&period=5d")["interval"] == "1h"
    assert "BASE/QUOTE" in get(client, "/api/crypto/BTCUSDT", status=400)["error"]["fields"]["symbol"][0]
    assert "ETH/USDT" in get(client, "/api/crypto/ETH/USDT", status=404)["error"]["description"]


def test_missing_values_and_zero_prices_never_become_nan_in_json(yahoo, client):
    frame = bars("GAPS")
    frame.iloc[-30:, frame.columns.get_loc("volume")] = float("nan")  # a source without volume
    frame.iloc[-20, frame.columns.get_loc("open")] = float("nan")
    frame.iloc[-10, frame.columns.get_loc("close")] = 0.0  # a return of -100 %, then an infinite one
    yahoo.frames["GAPS"] = frame

    body = get(client, "/api/stock/GAPS?period=60d&indicators=rsi,macd,bollinger,ema")

    assert body["history"][-1]["volume"] is None
    assert body["history"][-20]["open"] is None
    assert body["kpis"]["volatility"] is None and body["kpis"]["annualized_volatility_pct"] is None


def test_stale_answer_from_stored_bars_when_the_provider_fails(yahoo, client):
    fresh = get(client, "/api/stock/AAPL")
    yahoo.fail_with = RateLimited("Yahoo Finance is rate limiting requests.", retry_after=120)
    cache.clear()  # as if 20 s had passed (test_cache moves the clock instead)

    body = get(client, "/api/stock/AAPL")

    assert (body["stale"], body["stale_reason"], body["source"], body["sample"]) == (
        True,
        "rate limited",
        "yfinance",
        False,
    )
    assert body["as_of"] == fresh["as_of"] == "2024-12-31T00:00:00Z"
    assert body["history"] == fresh["history"]
    assert body["kpis"] == fresh["kpis"]


@pytest.mark.parametrize(
    "error, retry_after, cause",
    [
        (ProviderUnavailable("Yahoo Finance could not be reached."), "60", "network error"),
        (ProviderUnavailable("Yahoo Finance did not answer in time.", cause="timeout"), "60", "timeout"),
        (RateLimited("Yahoo Finance is rate limiting requests.", retry_after=120), "120", "rate limited"),
    ],
)
def test_nothing_stored_is_a_503_with_retry_after_naming_the_cause(yahoo, client, error, retry_after, cause):
    yahoo.fail_with = error

    response = client.get("/api/stock/AAPL")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == retry_after
    body = strict_json(response.data)
    assert body["error"]["code"] == 503
    assert f"yfinance is unavailable ({cause})" in body["error"]["description"]
    assert "AAPL" in body["error"]["description"]


def test_a_symbol_only_imported_is_served_from_the_import(yahoo, client, runner, csv_file):
    path = csv_file(
        "date,open,high,low,close,volume", *(f"2024-12-{day:02d},10,11,9,{10 + day / 100},1000" for day in range(1, 32))
    )
    assert runner.invoke(args=["market", "import-csv", "MYCO", str(path)]).exit_code == 0

    body = get(client, "/api/stock/MYCO?period=30d")

    assert (body["symbol"], body["source"], body["sample"], body["stale"]) == ("MYCO", "import", True, False)
    assert body["as_of"] == "2024-12-31T00:00:00Z"
    assert closes(body) == [10 + day / 100 for day in range(1, 32)]
    assert yahoo.calls[-1]["symbol"] == "MYCO"  # yfinance was asked first and did not know it


def test_imports_are_served_with_the_sample_source_too(client, runner, csv_file):
    path = csv_file("date,open,high,low,close", "2013-01-02,10,11,9,10.5", "2013-01-03,10.5,11,9,10.75")
    assert runner.invoke(args=["market", "import-csv", "MYCO", str(path)]).exit_code == 0

    body = get(client, "/api/stock/MYCO?period=5d")

    assert (body["source"], body["sample"], closes(body)) == ("import", True, [10.5, 10.75])


def test_symbol_search(client):
    body = get(client, "/api/market/symbols?q=micro")
    assert body == {
        "items": [{"symbol": "MSFT", "name": "Microsoft Corp.", "type": "stock", "source": "sample", "currency": "USD"}]
    }


@pytest.fixture
def spec(client):
    return get(client, "/apispec.json")


@pytest.mark.parametrize("path", ["/api/stock/{ticker}", "/api/crypto/{base}/{quote}", "/api/crypto/{pair}"])
def test_market_routes_are_documented_with_every_kpi_definition(spec, path):
    operation = spec["paths"][path]["get"]

    assert operation["tags"] == ["market"] and operation["summary"]
    for name, definition in KPI_DEFINITIONS.items():
        assert f"`{name}`: {definition}" in operation["description"], name
    assert {"400", "404", "503"} <= set(operation["responses"])
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert {"period", "interval", "indicators"} <= set(query)
    # Swagger 2.0 has no null: a documented default must be a value.
    assert all(p.get("default", "") is not None for p in query.values()), query


def test_symbol_search_is_documented(spec):
    assert {p["name"] for p in spec["paths"]["/api/market/symbols"]["get"]["parameters"]} == {"q", "limit"}


def test_a_crypto_pair_missing_from_the_sample_set_is_404_not_400(client):
    # Sample mode serves only the bundled stocks; a well-formed pair is simply not there.
    for url in ("/api/crypto/BTC/USDT", "/api/crypto/BTC-USDT"):
        response = client.get(url)
        assert response.status_code == 404, response.json
        assert "BTC/USDT" in response.json["error"]["description"]
