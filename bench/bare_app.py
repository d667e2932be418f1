"""The baseline for bench/market.py: a bare Flask route answering a small JSON object."""

from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"status": "ok", "symbol": "AAPL", "price": 430.47}
