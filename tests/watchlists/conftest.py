"""The market fixtures (clean cache, fake live providers, clock, CSV files) for the watchlist tests."""

from ..market.conftest import clock, csv_file, fresh_cache, live  # noqa: F401
