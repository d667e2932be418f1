"""The market explorer page: search a ticker or crypto pair, pick a period, read the chart and KPIs."""
from flask import render_template, request

from ..analytics.kpis import KPI_DEFINITIONS
from ..errors import AppError
from . import bp, services
from .charts import market_figure
from .schemas import ExplorerQuerySchema
from .serializers import market_payload

PAGE_INDICATORS = ("bollinger", "macd", "rsi")


@bp.get("/market")
def explorer():
    args = ExplorerQuerySchema().load(request.args)
    context = {**args, "periods": list(services.PERIODS), "intervals": list(services.BARS_PER_YEAR[args["kind"]]),
               "definitions": KPI_DEFINITIONS, "payload": None, "figure": None, "error": None}
    status = 200
    if args["symbol"]:
        try:
            bars = services.get_bars(args["kind"], args["symbol"], args["period"], args["interval"])
        except AppError as error:
            status = error.code
            context["error"] = error.description
            if error.fields:
                context["error"] = " ".join(m for messages in error.fields.values() for m in messages)
        else:
            payload = market_payload(bars, PAGE_INDICATORS)
            context.update(payload=payload, figure=market_figure(payload) if payload["history"] else None)
    return render_template("market/explorer.html", **context), status
