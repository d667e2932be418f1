"""The market fixtures (clean cache, fake live providers, clock) for the signal tests."""

from ..market.conftest import clock, csv_file, exchange, fresh_cache, live  # noqa: F401
