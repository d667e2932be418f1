"""The forecast page: pick a symbol, a model (or all) and a horizon; see the forecast and its track record.

The page never trains: it shows what the model store holds, or a spinner while static/predictions.js
asks the API (which trains) and reloads the page once the training is stored.
"""

from flask import render_template, request, url_for
from flask_login import login_required
from marshmallow import ValidationError

from ..analytics.forecasting import get_model_class
from ..analytics.forecasting.backtest import METRICS
from ..errors import AppError
from . import answers, bp, services
from .charts import forecast_figure
from .schemas import PageQuerySchema


def _message(error: AppError) -> str:
    if error.fields:
        return " ".join(m for messages in error.fields.values() for m in messages)
    return error.description or "The forecast could not be made."


@bp.get("/predictions")
@login_required
def page():
    context = {
        "symbol": request.args.get("symbol", ""),
        "model": "compare",
        "days": 7,
        "kind": None,
        "models": [m for m in services.catalogue() if m["available"]],
        "metrics": METRICS,
        "error": None,
        "subject": None,
        "pending": None,
        "rows": None,
        "figure": None,
        "answer": None,
        "compare": None,
        "skipped": [],
    }
    try:
        args = PageQuerySchema().load(request.args)
    except ValidationError as error:
        context["error"] = " ".join(m for messages in error.messages.values() for m in messages)
        return render_template("predictions/page.html", **context), 400
    context.update(args)
    if not args["symbol"]:
        return render_template("predictions/page.html", **context)
    names = services.enabled_models() if args["model"] == "compare" else [args["model"]]
    try:
        subject, records, skipped = services.page_state(args["symbol"], names, args.get("kind"))
    except AppError as error:
        context["error"] = _message(error)
        return render_template("predictions/page.html", **context), error.code
    context.update(subject=subject, skipped=skipped)
    names = list(records)
    missing = [name for name, record in records.items() if record is None]
    if missing:
        labels = [get_model_class(name).label for name in missing]
        context["pending"] = {"models": missing, "labels": labels, "poll": _poll_url(args, subject)}
        return render_template("predictions/page.html", **context)
    days = args["days"]
    forecasts = [answers.forecast_answer(subject, records[name], days) for name in names]
    if args["model"] == "compare":
        context["compare"] = answers.compare_answer(subject, records, [], days, skipped)
        context["rows"] = context["compare"]["models"]
    else:
        context["answer"] = forecasts[0]
        answer = forecasts[0]
        context["rows"] = [
            answers.baseline_row(subject, records[args["model"]], days),
            {
                "model": args["model"],
                "label": answer["model_info"]["label"],
                "backtest": answer["backtest"],
                "forecast": answer["predictions"][-1]["price"],
            },
        ]
        if args["model"] == "naive":
            context["rows"] = context["rows"][1:]
    context["figure"] = forecast_figure(subject.frame, forecasts, band=len(forecasts) == 1)
    context["notes"] = answers.notes(subject)
    return render_template("predictions/page.html", **context)


def _poll_url(args, subject):
    kind = args.get("kind")
    if args["model"] == "compare":
        return url_for("predictions.compare", symbol=subject.symbol, days=args["days"], kind=kind)
    return url_for("predictions.forecast", symbol=subject.symbol, model=args["model"], days=args["days"], kind=kind)
