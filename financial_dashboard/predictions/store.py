"""Reading and writing the model store (``forecast_models``): the fresh training of a model, or a new one."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..analytics.forecasting import load_model
from ..analytics.forecasting.training import TrainedModel
from ..common import clock
from ..extensions import db
from .models import ForecastModelRecord


def fresh(
    source: str, symbol: str, interval: str, model: str, last_bar: dt.datetime, max_age: dt.timedelta
) -> ForecastModelRecord | None:
    """The newest training of ``model`` on bars up to exactly ``last_bar``, if younger than ``max_age``."""
    return db.session.scalar(
        sa.select(ForecastModelRecord)
        .where(
            ForecastModelRecord.source == source,
            ForecastModelRecord.symbol == symbol,
            ForecastModelRecord.interval == interval,
            ForecastModelRecord.model == model,
            ForecastModelRecord.last_bar == last_bar,
            ForecastModelRecord.trained_at > clock.utcnow() - max_age,
        )
        .order_by(ForecastModelRecord.trained_at.desc())
        .limit(1)
    )


def save(source: str, symbol: str, interval: str, trained: TrainedModel) -> ForecastModelRecord:
    """Store a training, replacing every earlier training of the same model on the same symbol."""
    db.session.execute(
        sa.delete(ForecastModelRecord).where(
            ForecastModelRecord.source == source,
            ForecastModelRecord.symbol == symbol,
            ForecastModelRecord.interval == interval,
            ForecastModelRecord.model == trained.name,
        )
    )
    record = ForecastModelRecord(
        source=source,
        symbol=symbol,
        interval=interval,
        model=trained.name,
        last_bar=pd.Timestamp(trained.last_bar).to_pydatetime(),
        trained_at=clock.utcnow(),
        seconds=float(trained.seconds),
        payload=trained.payload,
        result=json_safe(
            {
                "info": trained.info,
                "horizons": trained.horizons,
                "prices": trained.prices,
                "lower": trained.lower,
                "upper": trained.upper,
            }
        ),
    )
    db.session.add(record)
    db.session.commit()
    return record


def restore(record: ForecastModelRecord, closes: pd.Series, features: pd.DataFrame | None = None):
    """The stored fitted model, ready to forecast from ``closes`` (the bars it was trained on)."""
    return load_model(record.payload, closes, features)


def json_safe(value):
    """Timestamps as ISO dates, numpy numbers as Python ones, NaN and infinities as None."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(item) for item in value]
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
