"""WSGI entry point for gunicorn and `flask`: exposes ``app``."""

from financial_dashboard import create_app

app = create_app()
