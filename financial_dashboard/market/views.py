"""The market explorer page: search a ticker or crypto pair, pick a period, read the chart and KPIs."""

from flask import render_template, request
from marshmallow import ValidationError

from ..analytics.kpis import KPI_DEFINITIONS
from ..errors import AppError
from . import bp, services
from .charts import market_figure
from .panels import explorer_panels
from .schemas import ExplorerQuerySchema
from .serializers import market_payload

PAGE_INDICATORS = ("bollinger", "macd", "rsi")


@bp.get("/market")
def explorer():
    args = ExplorerQuerySchema().load(request.args)
    context = {
        **args,
        "periods": list(services.PERIODS),
        "intervals": list(services.BARS_PER_YEAR[args["kind"]]),
        "definitions": KPI_DEFINITIONS,
        "payload": None,
        "figure": None,
        "error": None,
        "overview": None,
        "panels": [],
    }
    status = 200
    if not args["symbol"]:
        from .overview import market_overview

        context["overview"] = market_overview()
    else:
        try:
            bars = services.get_bars(args["kind"], args["symbol"], args["period"], args["interval"])
        except AppError as error:
            status = error.code
            context["error"] = error.description
            if error.fields:
                context["error"] = " ".join(m for messages in error.fields.values() for m in messages)
        else:
            payload = market_payload(bars, PAGE_INDICATORS)
            context.update(
                payload=payload,
                figure=market_figure(payload) if payload["history"] else None,
                panels=explorer_panels(bars),
            )
    return render_template("market/explorer.html", **context), status


@bp.get("/market/compare")
def compare_page():
    """Compare symbols: rebased lines, a correlation heat map and each symbol's risk figures."""
    from .compare import compare
    from .compare_charts import correlation_figure, rebased_figure
    from .quote_schemas import CompareQuerySchema

    raw = {"symbols": request.args.get("symbols", ""), "period": request.args.get("period", "1y")}
    context = {
        "symbols": raw["symbols"],
        "period": raw["period"],
        "periods": list(services.PERIODS),
        "result": None,
        "figures": None,
        "error": None,
    }
    status = 200
    if raw["symbols"].strip():
        try:
            args = CompareQuerySchema().load(raw)
            result = compare(args["symbols"], args["period"])
            result.pop("_expires")
        except ValidationError as invalid:
            status, context["error"] = 400, " ".join(m for ms in invalid.messages.values() for m in ms)
        except AppError as error:
            status = error.code
            context["error"] = " ".join(m for ms in (error.fields or {}).values() for m in ms) or error.description
        else:
            context.update(
                result=result, figures={"rebased": rebased_figure(result), "correlation": correlation_figure(result)}
            )
    return render_template("market/compare.html", **context), status
