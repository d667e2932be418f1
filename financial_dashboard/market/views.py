"""The market explorer page: search a ticker or crypto pair, pick a period, read the chart and KPIs."""
from flask import render_template, request

from ..analytics.kpis import KPI_DEFINITIONS
from ..errors import AppError
from . import bp, services
from .charts import market_figure
from .serializers import market_payload

PAGE_INDICATORS = ("bollinger", "macd", "rsi")


@bp.get("/market")
def explorer():
    symbol = request.args.get("symbol", "").strip()
    kind = "crypto" if request.args.get("kind") == "crypto" else services.kind_of(symbol)
    period = request.args.get("period", "1y")
    interval = request.args.get("interval", "1d")
    context = {"symbol": symbol, "kind": kind, "period": period, "interval": interval,
               "periods": list(services.PERIODS), "intervals": list(services.BARS_PER_YEAR[kind]),
               "definitions": KPI_DEFINITIONS, "payload": None, "figure": None, "error": None}
    status = 200
    if symbol:
        try:
            bars = services.get_bars(kind, symbol, period, interval)
        except AppError as error:
            status = error.code
            context["error"] = error.description
            if error.fields:
                context["error"] = " ".join(m for messages in error.fields.values() for m in messages)
        else:
            payload = market_payload(bars, PAGE_INDICATORS)
            context.update(payload=payload, figure=market_figure(payload) if payload["history"] else None)
    return render_template("market/explorer.html", **context), status
