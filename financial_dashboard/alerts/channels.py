"""How a triggered alert reaches its owner besides the app itself: a registry of channels (e-mail for now).

The app is always told (a triggered alert is stored and counted in the menu); a channel is an extra way,
used when it is configured. E-mail goes through Flask-Mailman's SMTP backend when ``MAIL_SERVER`` is set.
"""

import logging
from collections import defaultdict

from flask import current_app

from ..common import clock
from ..extensions import db

log = logging.getLogger(__name__)

_channels: dict[str, type] = {}


def register(name: str):
    def decorate(cls):
        cls.name = name
        _channels[name] = cls
        return cls

    return decorate


def enabled_channels() -> list:
    return [cls() for cls in _channels.values() if cls.enabled(current_app.config)]


@register("email")
class EmailChannel:
    """One message per user and check, listing their alerts that triggered."""

    @staticmethod
    def enabled(config) -> bool:
        return bool(config.get("MAIL_SERVER"))

    def send(self, user, alerts) -> None:
        from flask_mailman import EmailMessage

        from ..extensions import mail
        from .models import plain

        config = current_app.config
        # The connection is built from the config at send time (not at start-up), always with a timeout, so
        # an unreachable mail server cannot hold a check for long.
        connection = mail.get_connection(
            backend=config.get("MAIL_BACKEND") or "smtp",
            host=config["MAIL_SERVER"],
            port=int(config.get("MAIL_PORT") or 25),
            username=config.get("MAIL_USERNAME") or "",
            password=config.get("MAIL_PASSWORD") or "",
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
        )
        lines = [
            f"- {a.describe()}: closed at {plain(a.triggered_price)} on {a.triggered_bar_at:%Y-%m-%d}"
            + (f" ({a.note})" if a.note else "")
            for a in alerts
        ]
        subject = (
            f"Price alert: {alerts[0].describe()}" if len(alerts) == 1 else f"{len(alerts)} price alerts triggered"
        )
        body = "\n".join(
            [
                f"Hello {user.name},",
                "",
                "These alerts of yours have triggered:",
                *lines,
                "",
                "They are paused now; re-arm them on the alerts page.",
                "",
                "financial_dashboard",
            ]
        )
        EmailMessage(
            subject, body, config.get("MAIL_DEFAULT_SENDER") or "alerts@localhost", [user.email], connection=connection
        ).send()


def notify_triggered(alerts) -> int:
    """Send every enabled channel's message per user; returns how many users were e-mailed.

    A failing channel is logged and leaves ``emailed_at`` empty: the alert still shows in the app.
    """
    from ..auth.models import User

    channels = enabled_channels()
    if not channels:
        return 0
    by_user = defaultdict(list)
    for alert in alerts:
        by_user[alert.user_id].append(alert)
    sent = 0
    for user_id, mine in by_user.items():
        user = db.session.get(User, user_id)
        for channel in channels:
            try:
                channel.send(user, mine)
            except Exception:  # SMTP, DNS, TLS: none may stop the other users' messages
                log.exception("Sending %d alert(s) by %s failed", len(mine), channel.name)
                continue
            sent += 1
            for alert in mine:
                alert.emailed_at = clock.utcnow()
    db.session.commit()
    return sent
