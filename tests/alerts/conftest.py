"""Alert fixtures: the market fixtures, a local SMTP server (aiosmtpd) and newer bars imported as CSV."""

import socket

import pytest

from ..market.conftest import clock, csv_file, fresh_cache, live  # noqa: F401


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=policy.default),
            }
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test; ``smtp_server.messages`` holds what it received."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


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
