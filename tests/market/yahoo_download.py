"""yfinance faked at its library boundary: ``yf.download`` runs for real over a fake ``Ticker``.

``yf.download`` assembles its multi-ticker frame from one ``Ticker.history`` per symbol; replacing the
``Ticker`` class that ``yfinance.multi`` uses makes the real function build the exact frame it returns
for several tickers (MultiIndex columns Price/Ticker, all-NaN columns for a ticker that failed).
"""

import pandas as pd
import requests

yf = __import__("pytest").importorskip("yfinance")
import yfinance.multi  # noqa: E402


def history(closes, start="2024-12-02", tz="America/New_York"):
    """A ``Ticker.history`` frame: business days at local midnight, Open/High/Low/Close/Volume."""
    index = pd.DatetimeIndex(pd.bdate_range(start, periods=len(closes)).tz_localize(tz), name="Date")
    closes = [float(c) for c in closes]
    return pd.DataFrame(
        {
            "Open": [c - 0.5 for c in closes],
            "High": [c + 1 for c in closes],
            "Low": [c - 1 for c in closes],
            "Close": closes,
            "Volume": [1_000_000 + i for i in range(len(closes))],
        },
        index=index,
    )


class FakeYahoo:
    """Per-symbol histories served through the real ``yf.download``; records each download and history call."""

    def __init__(self, monkeypatch, frames: dict, fail_with: BaseException | None = None):
        self.frames, self.fail_with = frames, fail_with
        self.downloads, self.histories = [], []
        fake = self

        class Ticker:
            def __init__(self, ticker, session=None):
                self.ticker, self._price_history = ticker, None

            def history(self, **kwargs):
                fake.histories.append(self.ticker)
                if fake.fail_with is not None:
                    raise fake.fail_with
                if self.ticker not in fake.frames:
                    raise yf.exceptions.YFTickerMissingError(self.ticker, "possibly delisted; no price data found")
                return fake.frames[self.ticker].copy()

        real_download = yf.download

        def download(tickers, **kwargs):
            self.downloads.append(sorted(tickers))
            kwargs["session"] = requests.Session()  # never curl_cffi, never the network
            return real_download(tickers, **kwargs)

        monkeypatch.setattr(yfinance.multi, "Ticker", Ticker)
        monkeypatch.setattr(yf, "download", download)
