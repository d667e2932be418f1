"""/api/signals/<symbol> and the explorer's signal panel on bundled and faked bars."""

import pytest

from financial_dashboard.analytics import signals as rules
from financial_dashboard.market.providers.fake_provider import FakeProvider

from ..market.conftest import bars, strict_json

pytestmark = pytest.mark.usefixtures("fresh_cache")


def signal(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return strict_json(response.data)


def test_aapl_on_sample_data(client):
    body = signal(client, "/api/signals/AAPL")
    history = strict_json(client.get("/api/stock/AAPL?period=10y").data)["history"]

    assert body["symbol"] == "AAPL" and body["signal"] in ("BUY", "SELL", "HOLD")
    assert 0 <= body["strength"] <= 1 and body["strength"] == pytest.approx(abs(body["score"]))
    assert len(body["reasons"]) == 4 and all(r.endswith(".") for r in body["reasons"])
    assert (body["price"], body["as_of"]) == (history[-1]["close"], "2013-03-01T00:00:00Z")
    assert (body["source"], body["sample"], body["stale"], body["period"]) == ("sample", True, False, "10y")
    assert all(level < body["price"] for level in body["support"])
    assert all(level > body["price"] for level in body["resistance"])
    assert body["stop_loss"] < body["price"] or body["signal"] == "SELL"
    tested = body["backtest"]
    assert tested["bars"] == len(history) - rules.WARM_UP and tested["end"] == "2013-03-01T00:00:00Z"
    assert tested["cost_pct_per_trade"] == 0.1 and tested["trades"] > 0
    first, last = history[rules.WARM_UP], history[-1]
    assert tested["buy_and_hold_return_pct"] == pytest.approx((last["close"] / first["open"] * 0.999 - 1) * 100)
    signals_won = tested["strategy_return_pct"] > tested["buy_and_hold_return_pct"]
    winner = "the signals" if signals_won else "buying and holding"
    assert tested["verdict"].endswith(f"{winner} did better.")
    assert "Not investment advice" in body["disclaimer"]


def test_the_cost_per_trade_is_stated_and_lowers_the_return(client):
    free = signal(client, "/api/signals/MSFT?cost_pct=0")["backtest"]
    costly = signal(client, "/api/signals/MSFT?cost_pct=1")["backtest"]
    assert costly["cost_pct_per_trade"] == 1 and costly["trades"] == free["trades"]
    assert costly["strategy_return_pct"] < free["strategy_return_pct"]


@pytest.mark.parametrize(
    "url, status, field",
    [
        ("/api/signals/AAPL?period=30d", 400, "period"),
        ("/api/signals/AAPL?interval=5m", 400, "interval"),
        ("/api/signals/AAPL?cost_pct=9", 400, "cost_pct"),
        ("/api/signals/AAPL?period=2w", 400, "period"),
        ("/api/signals/ZZZZ", 404, None),
    ],
)
def test_bad_requests_are_4xx_in_the_house_shape(client, url, status, field):
    error = signal(client, url, status)["error"]
    assert error["code"] == status
    if field:
        assert field in error["fields"]


def test_too_short_a_history_says_how_many_bars_are_needed(client):
    error = signal(client, "/api/signals/AAPL?period=30d", 400)["error"]
    assert "at least 60 bars" in error["description"] and "has 22" in error["description"]


def test_answers_are_cached_for_10_minutes(client, live, clock):
    yahoo = live.use("yfinance", FakeProvider({"AAPL": bars("AAPL", "2022-01-01")}))
    first = signal(client, "/api/signals/AAPL?period=2y")
    clock.advance(599)
    assert signal(client, "/api/signals/AAPL?period=2y") == first
    assert len(yahoo.calls) == 1
    clock.advance(2)
    signal(client, "/api/signals/AAPL?period=2y")
    assert len(yahoo.calls) == 2


def test_crypto_pairs_are_written_base_slash_quote(client, live):
    from ..market.conftest import FakeCcxtProvider

    live.use("ccxt", FakeCcxtProvider({"BTC/USDT": bars("BTC/USDT", "2023-01-01")}))
    body = signal(client, "/api/signals/BTC/USDT?period=1y")
    assert (body["symbol"], body["source"], body["sample"]) == ("BTC/USDT", "ccxt:binance", False)


def test_the_explorer_shows_the_signal_with_its_reasons_and_backtest(client):
    body = signal(client, "/api/signals/AAPL")
    html = client.get("/market?symbol=AAPL").get_data(as_text=True)

    assert 'id="signal-panel"' in html and f'id="signal-value">{body["signal"]}<' in html
    for reason in body["reasons"]:
        assert reason.replace("'", "&#39;") in html
    assert body["backtest"]["verdict"] in html and "Not investment advice" in html


def test_the_explorer_still_shows_the_chart_when_no_signal_can_be_made(client, runner, csv_file):
    path = csv_file("date,open,high,low,close", "2024-01-02,1,2,0.5,1.5", "2024-01-03,1.5,2,1,1.8")
    runner.invoke(args=["market", "import-csv", "NEWCO", str(path)])
    html = client.get("/market?symbol=NEWCO").get_data(as_text=True)
    assert 'id="market-chart"' in html and "A signal needs at least 60 bars" in html


def test_the_route_is_documented(client):
    assert "/api/signals/{symbol}" in client.get("/apispec.json").json["paths"]
