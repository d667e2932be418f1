"""Yahoo Finance's v8 chart answers, shaped as Yahoo sends them, served to the real yfinance through `responses`.

The shapes are those yfinance 1.7.0 reads (``utils.parse_quotes`` and ``parse_actions``; ``PriceHistory.history``
reads ``meta.currency``, ``exchangeTimezoneName``, ``instrumentType`` and ``validRanges``): daily bars stamped at
the session's open in epoch seconds, ``indicators.quote`` and ``indicators.adjclose`` as parallel arrays,
``events.dividends`` keyed by the ex-date's stamp. A listing answers like Yahoo does: the bars with
``period1 <= stamp < period2``, the last bars for ``range=1d`` or ``5d`` (yfinance's time-zone lookup and the
adapter's probe), and an empty result when a range holds no bar.
"""

import dataclasses
import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import responses

CHART = "https://query2.finance.yahoo.com/v8/finance/chart/{}"
NOT_FOUND = {
    "chart": {"result": None, "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"}}
}


def intraday_limit(interval, days):
    """Yahoo's HTTP 422 body for intraday bars asked beyond its limit (the text yfinance users report)."""
    return {
        "chart": {
            "result": None,
            "error": {
                "code": "Unprocessable Entity",
                "description": f"{interval} data not available for startTime=1563791400 and endTime=1721644200. "
                f"The requested range must be within the last {days} days.",
            },
        }
    }


@dataclasses.dataclass
class Listing:
    """One symbol on one exchange: daily sessions (date, open, high, low, close, volume) and its dividends."""

    symbol: str
    currency: str
    timezone: str
    exchange: str
    full_exchange: str
    open_time: str  # the session's local opening time, when Yahoo stamps daily bars
    sessions: list
    dividends: dict = dataclasses.field(default_factory=dict)  # ex-date (ISO) -> cash per share
    later_adjustment: float = 1.0  # what dividends after these sessions do to adjclose (a long holder's past)

    def stamp(self, day: str) -> int:
        local = dt.datetime.fromisoformat(f"{day}T{self.open_time}").replace(tzinfo=ZoneInfo(self.timezone))
        return int(local.timestamp())

    @property
    def gmtoffset(self) -> int:
        return int(
            dt.datetime.fromisoformat(self.sessions[-1][0])
            .replace(tzinfo=ZoneInfo(self.timezone))
            .utcoffset()
            .total_seconds()
        )

    def adjclose(self, day: str, close: float) -> float:
        """Yahoo's adjusted close: scaled down by every later dividend relative to the close before it."""
        factor = self.later_adjustment
        closes = {d: c for d, _, _, _, c, _ in self.sessions}
        for ex_date, amount in self.dividends.items():
            if ex_date > day:
                before = max(d for d in closes if d < ex_date)
                factor *= 1 - amount / closes[before]
        return round(close * factor, 6)

    def meta(self, granularity="1d", range_=""):
        last = self.sessions[-1]
        return {
            "currency": self.currency,
            "symbol": self.symbol,
            "exchangeName": self.exchange,
            "fullExchangeName": self.full_exchange,
            "instrumentType": "EQUITY",
            "firstTradeDate": 345479400,
            "regularMarketTime": self.stamp(last[0]) + 6 * 3600,
            "hasPrePostMarketData": False,
            "gmtoffset": self.gmtoffset,
            "timezone": "LOC",
            "exchangeTimezoneName": self.timezone,
            "regularMarketPrice": last[4],
            "chartPreviousClose": last[4],
            "priceHint": 2,
            "dataGranularity": granularity,
            "range": range_,
            "validRanges": ["1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"],
        }

    def chart(self, query: dict) -> dict:
        if "period1" in query:
            low, high = int(query["period1"][0]), int(query["period2"][0])
            sessions = [s for s in self.sessions if low <= self.stamp(s[0]) < high]
        else:
            sessions = self.sessions[-{"1d": 1, "5d": 5}.get(query.get("range", ["5d"])[0], 5) :]
        result = {"meta": self.meta(query.get("interval", ["1d"])[0], query.get("range", [""])[0])}
        if not sessions:  # Yahoo's answer for a range without a session
            result["indicators"] = {"quote": [{}], "adjclose": [{}]}
            return {"chart": {"result": [result], "error": None}}
        days = [s[0] for s in sessions]
        result["timestamp"] = [self.stamp(d) for d in days]
        result["indicators"] = {
            "quote": [
                {
                    "open": [s[1] for s in sessions],
                    "high": [s[2] for s in sessions],
                    "low": [s[3] for s in sessions],
                    "close": [s[4] for s in sessions],
                    "volume": [s[5] for s in sessions],
                }
            ],
            "adjclose": [{"adjclose": [self.adjclose(s[0], s[4]) for s in sessions]}],
        }
        paid = {self.stamp(d): amount for d, amount in self.dividends.items() if d in days}
        if paid and "div" in query.get("events", [""])[0]:
            result["events"] = {"dividends": {str(t): {"amount": a, "date": t} for t, a in paid.items()}}
        return {"chart": {"result": [result], "error": None}}

    def serve(self, rsps, answer=None):
        """Answer this symbol's chart URL on ``rsps`` like Yahoo; ``answer(query)`` may return (status, body)
        first to stand for Yahoo refusing or failing (a str body is an HTML page). Returns the queries asked."""
        asked = []

        def callback(request):
            query = parse_qs(urlparse(request.url).query)
            asked.append(query)
            status, body = (answer(query) if answer else None) or (200, self.chart(query))
            if isinstance(body, str):  # an HTML error page
                return status, {"Content-Type": "text/html"}, body
            return status, {"Content-Type": "application/json"}, json.dumps(body)

        rsps.add_callback(
            responses.GET, re.compile(re.escape(CHART.format(self.symbol)) + r"(\?.*)?$"), callback=callback
        )
        return asked


# Coca-Cola on the NYSE around its 2023-11-30 ex-dividend date ($0.46); later dividends scale adjclose further.
COCA_COLA = Listing(
    "KO",
    "USD",
    "America/New_York",
    "NYQ",
    "NYSE",
    "09:30",
    [
        ("2023-11-27", 58.40, 58.75, 58.21, 58.56, 11_925_900),
        ("2023-11-28", 58.55, 58.99, 58.42, 58.83, 12_634_100),
        ("2023-11-29", 58.90, 59.10, 58.37, 58.52, 13_200_300),
        ("2023-11-30", 58.10, 58.57, 57.95, 58.44, 20_851_500),
        ("2023-12-01", 58.50, 59.12, 58.31, 58.94, 14_580_700),
    ],
    dividends={"2023-11-30": 0.46},
    later_adjustment=0.9,
)

# Commonwealth Bank on the ASX, whose sessions open at 10:00 in Sydney: 23:00 UTC the day before in summer.
COMMONWEALTH_BANK = Listing(
    "CBA.AX",
    "AUD",
    "Australia/Sydney",
    "ASX",
    "ASX",
    "10:00",
    [
        ("2024-01-02", 111.60, 112.35, 111.10, 112.02, 1_460_521),
        ("2024-01-03", 111.50, 111.92, 110.52, 110.76, 1_839_118),
        ("2024-01-04", 110.90, 111.46, 110.30, 111.21, 1_505_322),
        ("2024-01-05", 111.00, 111.80, 110.85, 111.53, 1_612_904),
    ],
)

# Vodafone on the London Stock Exchange, quoted in pence (GBp), dividend in pence too.
VODAFONE = Listing(
    "VOD.L",
    "GBp",
    "Europe/London",
    "LSE",
    "LSE",
    "08:00",
    [
        ("2024-01-02", 68.52, 69.20, 68.30, 68.90, 41_202_311),
        ("2024-01-03", 68.80, 69.50, 68.64, 69.36, 38_514_760),
        ("2024-01-04", 69.40, 69.88, 69.02, 69.50, 35_007_912),
        ("2024-01-05", 69.50, 69.62, 68.80, 69.04, 30_611_054),
    ],
    dividends={"2024-01-04": 4.5},
)

# Mahindra & Mahindra on the National Stock Exchange of India: an ampersand in the symbol, prices in rupees.
MAHINDRA = Listing(
    "M&M.NS",
    "INR",
    "Asia/Kolkata",
    "NSI",
    "NSE",
    "09:15",
    [
        ("2024-01-02", 1725.00, 1738.95, 1712.10, 1731.40, 1_934_012),
        ("2024-01-03", 1730.00, 1745.00, 1722.55, 1741.85, 1_621_877),
    ],
)
