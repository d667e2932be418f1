"""The one clock of the app: now and today, both in UTC, whatever the server's time zone."""

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today_utc() -> dt.date:
    return utcnow().date()
