"""The 20-second cache: one provider call per key and window, failures never cached as data, Redis shared.

Time is moved by the `clock` fixture rather than slept through.
"""

import uuid

import pytest

from financial_dashboard import create_app
from financial_dashboard.extensions import cache, db
from financial_dashboard.market import services
from financial_dashboard.market.providers import ProviderUnavailable
from financial_dashboard.market.providers.fake_provider import FakeProvider

from ..conftest import REDIS_URL
from .conftest import NOW, bars, strict_json

BARS_KEY = "ohlc:yfinance:AAPL:60d:1d"


def fetches(provider):
    return sum(call["method"] == "fetch_ohlcv" for call in provider.calls)


def get(client, url="/api/stock/AAPL?period=60d"):
    response = client.get(url)
    return response.status_code, strict_json(response.data)


def test_two_requests_within_20_seconds_reach_the_provider_once(yahoo, client, clock):
    status, first = get(client)
    clock.advance(19)
    again = get(client)

    assert (status, fetches(yahoo)) == (200, 1)
    assert again == (200, first)

    clock.advance(2)  # 21 s after the first request: both the bars and the answer have expired
    status, later = get(client)

    assert (status, fetches(yahoo)) == (200, 2)
    assert later == first


def test_a_cached_answer_is_sent_as_stored_without_encoding_it_again(app, yahoo, client, clock, monkeypatch):
    first = client.get("/api/stock/AAPL?period=60d&indicators=macd")
    encoded = []
    encode = app.json.dumps
    monkeypatch.setattr(app.json, "dumps", lambda obj, **kwargs: encoded.append(obj) or encode(obj, **kwargs))
    clock.advance(10)

    second = client.get("/api/stock/AAPL?period=60d&indicators=macd")

    assert (second.status_code, second.mimetype) == (200, "application/json")
    assert second.data == first.data and strict_json(second.data)["indicators"]["macd"]
    assert [obj for obj in encoded if "history" in obj] == [] and fetches(yahoo) == 1


def test_each_expiry_window_reaches_the_provider_once(yahoo, client, clock):
    for _ in range(3):
        for _ in range(4):
            assert get(client)[0] == 200
            clock.advance(5)
        clock.advance(1)  # 21 s per round
    assert fetches(yahoo) == 3


def test_indicators_reuse_the_cached_bars(yahoo, client, clock):
    get(client)
    clock.advance(5)
    status, body = get(client, "/api/stock/AAPL?period=60d&indicators=rsi,ema")

    assert (status, fetches(yahoo)) == (200, 1)
    assert set(body["indicators"]) == {"rsi", "ema"}


def test_the_key_holds_source_symbol_period_and_interval(yahoo, client, clock):
    for url in (
        "/api/stock/AAPL?period=60d",
        "/api/stock/AAPL?period=90d",
        "/api/stock/AAPL?period=60d&interval=1wk",
        "/api/stock/MSFT?period=60d",
        "/api/stock/aapl?period=60d",
    ):
        assert get(client, url)[0] == 200
    assert [(c["symbol"], c["interval"]) for c in yahoo.calls] == [
        ("AAPL", "1d"),
        ("AAPL", "1d"),
        ("AAPL", "1wk"),
        ("MSFT", "1d"),
    ]
    assert cache.get(BARS_KEY) is not None


def test_a_failed_fetch_is_not_cached_as_data(yahoo, client, clock):
    yahoo.fail_with = ProviderUnavailable("Yahoo Finance could not be reached.")

    assert get(client)[0] == 503
    assert cache.get(BARS_KEY) is None

    # The outage is remembered briefly, so that every request does not wait for the same timeout...
    clock.advance(10)
    assert get(client)[0] == 503
    assert fetches(yahoo) == 1

    # ... and once that short marker has expired the provider is asked again.
    yahoo.fail_with = None
    clock.advance(11)
    status, body = get(client)

    assert (status, fetches(yahoo)) == (200, 2)
    assert (body["stale"], body["stale_reason"]) == (False, None)


def test_expired_bars_are_not_served_as_fresh_when_the_provider_then_fails(yahoo, client, clock):
    status, fresh = get(client)
    clock.advance(21)
    yahoo.fail_with = ProviderUnavailable("Yahoo Finance did not answer in time.", cause="timeout")

    status, body = get(client)

    assert (status, fetches(yahoo)) == (200, 2)
    assert (body["stale"], body["stale_reason"]) == (True, "timeout")
    assert body["history"] == fresh["history"]

    # The stale answer lasts no longer than the outage marker: 21 s on, the provider is asked again.
    yahoo.fail_with = None
    clock.advance(10)
    assert get(client)[1]["stale"] is True and fetches(yahoo) == 2
    clock.advance(11)
    assert get(client)[1]["stale"] is False and fetches(yahoo) == 3


def test_the_ttl_comes_from_the_config(app, yahoo, client, clock, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_DEFAULT_TIMEOUT", 5)
    get(client)
    clock.advance(4)
    get(client)
    assert fetches(yahoo) == 1
    clock.advance(2)
    get(client)
    assert fetches(yahoo) == 2


# --- Redis: what gunicorn workers share ---


@pytest.fixture
def workers(app, database_url, redis_client, monkeypatch):
    """Two apps sharing one Redis and one database, like two gunicorn workers, each with its own fake yfinance."""
    prefix = f"fd-test-{uuid.uuid4().hex}:"
    monkeypatch.setattr(services, "now_utc", lambda: NOW)
    apps = []
    for _ in range(2):
        worker = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "REDIS_URL": REDIS_URL,
                "CACHE_KEY_PREFIX": prefix,
                "MARKET_DATA_SOURCE": "live",
            }
        )
        worker.extensions["market_providers"] = {"yfinance": FakeProvider({"AAPL": bars("AAPL")})}
        apps.append(worker)
    yield prefix, apps
    for worker in apps:
        with worker.app_context():
            db.engine.dispose()
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


def test_workers_share_the_cache_through_redis(workers, redis_client):
    prefix, (first, second) = workers
    assert first.config["CACHE_TYPE"].endswith("RedisCache")

    one = get(first.test_client())
    two = get(second.test_client())

    assert one[0] == 200 and two == one
    assert fetches(first.extensions["market_providers"]["yfinance"]) == 1
    assert fetches(second.extensions["market_providers"]["yfinance"]) == 0
    keys = {key.decode()[len(prefix) :] for key in redis_client.scan_iter(match=prefix + "*")}
    assert BARS_KEY in keys and any(key.startswith("answer:json:stock:yfinance:AAPL:60d:1d") for key in keys)
    for key in keys:
        assert 0 < redis_client.ttl(prefix + key) <= 20, key


def test_workers_share_the_outage_marker(workers):
    _, (first, second) = workers
    first.extensions["market_providers"]["yfinance"].fail_with = ProviderUnavailable("down", cause="timeout")

    assert get(first.test_client())[0] == 503
    status, body = get(second.test_client())

    assert status == 503 and "(timeout)" in body["error"]["description"]
    assert fetches(second.extensions["market_providers"]["yfinance"]) == 0


def test_a_rate_limit_is_respected_for_its_retry_after(yahoo, client, clock):
    from financial_dashboard.market.providers import RateLimited

    yahoo.fail_with = RateLimited("Yahoo Finance is rate limiting requests.", retry_after=120)
    assert get(client)[0] == 503
    yahoo.fail_with = None

    # Past the 20-second cache lifetime but inside the provider's 120 seconds: not asked again.
    clock.advance(60)
    assert get(client)[0] == 503
    assert fetches(yahoo) == 1

    clock.advance(61)
    assert get(client)[0] == 200
    assert fetches(yahoo) == 2
