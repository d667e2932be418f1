"""Alert fixtures: the market fixtures, mail to the local SMTP server (tests/conftest.py) and newer bars as CSV."""

import pytest

from ..market.conftest import clock, csv_file, fresh_cache, live  # noqa: F401


@pytest.fixture
def mail_to(app, monkeypatch, smtp_server):
    """The app configured to send mail to the local SMTP server (no TLS, no login)."""
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "alerts@example.com",
        "MAIL_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


@pytest.fixture
def import_bars(runner, csv_file):  # noqa: F811 (the market fixture, imported above)
    """``import_bars("AAPL", ("2013-03-04", 440.5), ...)``: newer daily closes through `flask market import-csv`."""

    def run(symbol, *days):
        lines = [f"{day},{close},{close + 1},{close - 1},{close},1000" for day, close in days]
        result = runner.invoke(
            args=[
                "market",
                "import-csv",
                symbol,
                str(csv_file("date,open,high,low,close,volume", *lines, name=f"{symbol}.csv")),
            ]
        )
        assert result.exit_code == 0, result.output

    return run
