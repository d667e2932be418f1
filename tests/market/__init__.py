"""Tests of the market feature."""
