"""JSON routes for forecasts: the models, one model's forecast with its track record, all models compared, retrain.

A symbol is a ticker (AAPL) or a crypto pair (BTC/USDT or BTC-USDT). Signed-in users only, like the
rest of the private API: forecasts cost CPU, and the store they fill is shared by everyone.
"""

import datetime as dt

from flask import request, url_for

from ..auth.tokens import api_login_required
from ..common.api import query_args
from ..common.openapi import api_doc
from . import bp, services
from .schemas import (
    CompareQuerySchema,
    CompareSchema,
    ForecastQuerySchema,
    ForecastSchema,
    ModelListSchema,
    TrainQuerySchema,
)

RETRY_AFTER_S = 3
FORECAST_DESCRIPTION = """Forecast prices for the next `days` trading days (calendar days for crypto), with a band
from the model's own backtest errors, and that backtest against the naive forecast (tomorrow equals today).

Forecasts use the last two years of daily bars. A stored training is reused until a newer bar arrives or
24 hours pass; otherwise the model trains first, in the background. The request waits up to `wait` seconds
(default 25): enough for naive, drift, random_forest and svr (a few seconds) and usually for the LSTM
(20-30 s); past it the answer is **202** with `Retry-After` while it trains: ask again. A symbol with too
little history, an unknown model or `days` outside 1 to 30 is 400; market-data outages follow the market
data's stale and 503 rules."""
ERRORS = (404, 503)
STILL_TRAINING = {
    202: {
        "description": "Still training: ask again after Retry-After seconds (body: status, "
        "symbol, model, started_at, message)."
    }
}


def _pending(symbol, pending):
    started = dt.datetime.fromtimestamp(pending.started, dt.UTC)
    body = {
        "status": "training",
        "symbol": symbol,
        "model": pending.model,
        "started_at": started,
        "message": f"Training the {pending.model} model on {symbol}; a first training takes up to about "
        "30 seconds. Ask again in a few seconds.",
    }
    return body, 202, {"Retry-After": str(RETRY_AFTER_S), "Location": request.full_path.rstrip("?")}


@bp.get("/api/predictions/models")
@api_doc("predictions", response=ModelListSchema)
@api_login_required
def models():
    """The forecast models, each with a one-line description and whether it is available here."""
    return {"items": services.catalogue()}


@bp.get("/api/predictions/<path:symbol>")
@api_doc(
    "predictions",
    query=ForecastQuerySchema,
    response=ForecastSchema,
    errors=ERRORS,
    description=FORECAST_DESCRIPTION,
    responses=STILL_TRAINING,
)
@api_login_required
def forecast(symbol):
    """Forecast a symbol with one model, with its backtest against the naive forecast."""
    args = query_args(ForecastQuerySchema)
    answer = services.forecast(symbol, args["model"], args["days"], args.get("kind"), args.get("wait"))
    if isinstance(answer, services.Pending):
        return _pending(symbol, answer)
    return answer


@bp.get("/api/predictions/<path:symbol>/compare")
@api_doc(
    "predictions",
    query=CompareQuerySchema,
    response=CompareSchema,
    errors=ERRORS,
    responses={
        202: {
            "description": "Some models are still training (listed in `pending`); the others "
            "are in `models`. Ask again after Retry-After seconds."
        }
    },
)
@api_login_required
def compare(symbol):
    """Every available model's backtest side by side against naive, on the same forecast origins."""
    args = query_args(CompareQuerySchema)
    answer = services.compare(symbol, args["days"], args.get("kind"), args.get("wait"))
    if answer["pending"]:
        return answer, 202, {"Retry-After": str(RETRY_AFTER_S), "Location": request.full_path.rstrip("?")}
    return answer


@bp.post("/api/predictions/<path:symbol>/train")
@api_doc("predictions", query=TrainQuerySchema, response=ForecastSchema, errors=ERRORS, responses=STILL_TRAINING)
@api_login_required
def train(symbol):
    """Train a model on a symbol again now, and answer its new forecast (202 while the LSTM trains)."""
    args = query_args(TrainQuerySchema)
    answer = services.forecast(symbol, args["model"], args["days"], args.get("kind"), args.get("wait"), force=True)
    if isinstance(answer, services.Pending):
        body, status, headers = _pending(symbol, answer)
        headers["Location"] = url_for("predictions.forecast", symbol=symbol, model=answer.model, days=args["days"])
        return body, status, headers
    return answer
