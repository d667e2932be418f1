"""Forecast and comparison answers built from stored trainings (one builder for the API, the page and the CLI),
and the cache of finished answers."""

import time

import pandas as pd
from flask import current_app

from ..analytics.forecasting import future_dates, get_model_class
from ..analytics.forecasting.backtest import METRICS, verdict
from ..extensions import cache

ANSWER_TTL_S = 300
NOT_ADVICE = "A statistical estimate from past prices, not investment advice."


def _significant(value, digits=7):
    return None if value is None else float(f"{value:.{digits}g}")


def _rounded(metrics: dict) -> dict:
    return {
        name: None if value is None else round(value, 2) if name.endswith("_pct") else _significant(value, 6)
        for name, value in metrics.items()
    }


def backtest_answer(name: str, horizon: dict, trading_days: bool) -> dict:
    """One horizon of a stored backtest: the model's and naive's metrics, their ratio and the verdict."""
    ratio = horizon["ratio_to_naive"]
    return {
        "horizon": horizon["horizon"],
        "origins": horizon["origins"],
        "from": horizon["from"],
        "to": horizon["to"],
        "model": _rounded(horizon["model"]),
        "naive": _rounded(horizon["naive"]),
        "ratio_to_naive": None if ratio is None else round(ratio, 4),
        "beats_naive": None if ratio is None or name == "naive" else bool(ratio < 1),
        "verdict": verdict(name, horizon, trading_days),
    }


def baseline_row(subj, record, days: int) -> dict:
    """The naive forecast's row for a one-model table, scored on the same origins as ``record``."""
    horizon = record.result["horizons"][days - 1]
    backtest = backtest_answer(
        "naive", {**horizon, "model": horizon["naive"], "ratio_to_naive": 1.0}, subj.weekdays_only
    )
    return {
        "model": "naive",
        "label": "Naive",
        "description": get_model_class("naive").description,
        "forecast": _significant(float(subj.frame["close"].iloc[-1])),
        "backtest": backtest,
    }


def notes(subj) -> list[str]:
    out = []
    if subj.source == "sample":
        out.append("Sample data: bundled daily prices from 2000 to 2013, not today's market.")
    elif subj.source == "import":
        out.append("Imported data: bars from a CSV file you imported.")
    if subj.bars.stale:
        out.append(
            f"The market data provider is unavailable ({subj.bars.cause}); this forecast uses the bars "
            f"stored up to {subj.last_bar:%Y-%m-%d}."
        )
    out.append(NOT_ADVICE)
    return out


def _header(subj) -> dict:
    return {
        "symbol": subj.symbol,
        "kind": subj.kind,
        "interval": "1d",
        "as_of": subj.last_bar,
        "source": subj.source,
        "sample": subj.bars.is_sample,
        "stale": subj.bars.stale,
        "stale_reason": subj.bars.cause,
    }


def model_info(record) -> dict:
    info = dict(record.result["info"])
    cls = get_model_class(record.model)
    info.update(
        label=cls.label,
        description=cls.description,
        trained_at=record.trained_at,
        training_seconds=round(record.seconds, 2),
    )
    for key in ("look_back", "epochs"):
        info.setdefault(key, None)
    return info


def forecast_answer(subj, record, days: int) -> dict:
    result = record.result
    dates = future_dates(pd.Timestamp(subj.last_bar), days, subj.weekdays_only)
    predictions = [
        {"date": date.date(), "price": _significant(price), "lower": _significant(lower), "upper": _significant(upper)}
        for date, price, lower, upper in zip(dates, result["prices"], result["lower"], result["upper"], strict=False)
    ]
    return {
        **_header(subj),
        "model": record.model,
        "days": days,
        "last_close": _significant(float(subj.frame["close"].iloc[-1])),
        "predictions": predictions,
        "backtest": backtest_answer(record.model, result["horizons"][days - 1], subj.weekdays_only),
        "model_info": model_info(record),
        "notes": notes(subj),
    }


def compare_answer(subj, records: dict, pending: list[str], days: int, skipped: list[dict] = ()) -> dict:
    rows = []
    for name, record in records.items():
        backtest = backtest_answer(name, record.result["horizons"][days - 1], subj.weekdays_only)
        cls = get_model_class(name)
        rows.append(
            {
                "model": name,
                "label": cls.label,
                "description": cls.description,
                "trained_at": record.trained_at,
                "forecast": _significant(record.result["prices"][days - 1]),
                "backtest": backtest,
            }
        )
    beating = [row for row in rows if row["backtest"]["beats_naive"]]
    best = min(beating, key=lambda row: row["backtest"]["ratio_to_naive"])["model"] if beating else None
    if pending:
        summary = f"Still training: {', '.join(pending)}."
    elif best:
        summary = (
            f"At {days} days, {get_model_class(best).label} did best against assuming no change; "
            "past accuracy is no promise for the next days."
        )
    else:
        summary = f"At {days} days, no model beat assuming no change on these origins."
    return {
        **_header(subj),
        "days": days,
        "metrics": METRICS,
        "models": rows,
        "pending": pending,
        "skipped": list(skipped),
        "complete": not pending,
        "best": best,
        "summary": summary,
        "notes": notes(subj),
    }


# --- cache of finished answers ---


def _key(subj, model: str, days: int) -> str:
    return f"{subj.key(model)}:{subj.last_bar:%Y%m%dT%H%M%S}:answer:{days}"


def cached(subj, model: str, days: int) -> dict | None:
    """A finished answer on the same bars, with today's stale flag and notes (the data may have gone stale since)."""
    hit = None if subj.last_bar is None else cache.get(_key(subj, model, days))
    return None if hit is None else {**hit, **_header(subj), "notes": notes(subj)}


def remember(subj, model: str, days: int, answer: dict) -> dict:
    trained_at = answer["model_info"]["trained_at"].timestamp()
    # Never outlive the stored training it was built from (24 hours by default).
    left = trained_at + current_app.config["PREDICTIONS_MAX_AGE_H"] * 3600 - time.time()
    if left > 1:
        cache.set(_key(subj, model, days), answer, timeout=int(min(ANSWER_TTL_S, left)))
    return answer


def forget(subj, model: str) -> None:
    if subj.last_bar is not None:
        cache.delete_many(*(_key(subj, model, days) for days in range(1, 31)))
