"""Tests of the market-data providers, offline: HTTP is stubbed with responses or the library boundary is faked."""
