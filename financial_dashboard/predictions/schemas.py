"""Query and response schemas of the forecast endpoints and page (they feed the OpenAPI spec too)."""

from marshmallow import INCLUDE, fields, validate

from ..analytics.forecasting import model_names
from ..analytics.forecasting.backtest import METRICS
from ..analytics.forecasting.training import MAX_HORIZON
from ..common.schemas import BaseSchema, QuerySchema, Trimmed

KINDS = ("stock", "crypto")
KIND_HELP = (
    "stock or crypto; by default a BASE/QUOTE pair, or BASE-QUOTE with a crypto quote such as USDT, "
    "is crypto and anything else a stock, ETF, index or FX ticker."
)


def _days(default):
    return fields.Integer(
        load_default=default,
        validate=validate.Range(min=1, max=MAX_HORIZON),
        metadata={"description": f"Trading days ahead (calendar days for crypto), 1 to {MAX_HORIZON}."},
    )


def _model(default=None, extra=()):
    choices = (*model_names(), *extra)
    presence = {"required": True} if default is None else {"load_default": default}
    return fields.String(
        **presence,
        validate=validate.OneOf(choices, error="Unknown model {input!r}. Known models: " + ", ".join(choices) + "."),
        metadata={"description": "One of " + ", ".join(choices) + "."},
    )


def _kind():
    return fields.String(validate=validate.OneOf(KINDS), metadata={"description": KIND_HELP})


def _wait():
    return fields.Float(
        validate=validate.Range(min=0, max=25),
        metadata={
            "description": "Seconds to wait for a training before answering 202 (default PREDICTIONS_WAIT_S, 25)."
        },
    )


class ForecastQuerySchema(QuerySchema):
    model = _model("lstm")
    days = _days(7)
    kind = _kind()
    wait = _wait()


class TrainQuerySchema(ForecastQuerySchema):
    model = _model()


class CompareQuerySchema(QuerySchema):
    days = _days(7)
    kind = _kind()
    wait = _wait()


class PageQuerySchema(QuerySchema):
    """The forecast page's form; an empty symbol shows the empty form."""

    symbol = Trimmed(load_default="")
    model = _model("compare", extra=("compare",))
    days = _days(7)
    kind = _kind()


# --- responses ---


class ModelSchema(BaseSchema):
    name = fields.String()
    label = fields.String()
    description = fields.String()
    available = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "Why the model cannot be used here."})
    heavy = fields.Boolean(
        metadata={
            "description": "Needs TensorFlow and trains for 20-30 s: a first request may answer 202 while it trains."
        }
    )
    min_closes = fields.Integer(metadata={"description": "Daily closes needed to train and backtest it."})


class ModelListSchema(BaseSchema):
    items = fields.List(fields.Nested(ModelSchema))


MetricsSchema = type(
    "MetricsSchema",
    (BaseSchema,),
    {name: fields.Float(allow_none=True, metadata={"description": text}) for name, text in METRICS.items()},
)


class BacktestSchema(BaseSchema):
    horizon = fields.Integer(metadata={"description": "Days ahead the scored forecasts were made for."})
    origins = fields.Integer(metadata={"description": "Forecast origins scored (the most recent ones)."})
    from_ = fields.String(data_key="from", metadata={"description": "First origin (YYYY-MM-DD)."})
    to = fields.String(metadata={"description": "Last origin (YYYY-MM-DD)."})
    model = fields.Nested(MetricsSchema)
    naive = fields.Nested(MetricsSchema, metadata={"description": "The last close carried forward, same origins."})
    ratio_to_naive = fields.Float(
        allow_none=True, metadata={"description": "Model MAE / naive MAE (below 1 beats naive)."}
    )
    beats_naive = fields.Boolean(allow_none=True)
    verdict = fields.String(metadata={"description": "The comparison in one plain sentence."})


class PredictionSchema(BaseSchema):
    date = fields.Date()
    price = fields.Float()
    lower = fields.Float(metadata={"description": "Band from the 10th percentile of backtest errors at this horizon."})
    upper = fields.Float(metadata={"description": "Band from the 90th percentile of backtest errors at this horizon."})


class ModelInfoSchema(BaseSchema):
    """Plus the model's own parameters (c, trees, features...), which PREDICTIONS_MODEL_OPTIONS configures."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: the parameter names depend on the model

    label = fields.String()
    description = fields.String()
    look_back = fields.Integer(allow_none=True, metadata={"description": "Closes in the LSTM's input window."})
    training_samples = fields.Integer()
    epochs = fields.Integer(allow_none=True, metadata={"description": "LSTM epochs run, refits included."})
    trained_at = fields.String(metadata={"description": "ISO 8601 UTC."})
    data_range = fields.Dict(metadata={"description": "First and last close trained on (from, to)."})
    refits = fields.Integer(metadata={"description": "Fits made for the backtest and the final model."})
    method = fields.String(metadata={"description": "recursive: each predicted close feeds the next step."})
    refit_every = fields.Integer(metadata={"description": "Backtest origins between refits."})
    closes = fields.Integer(metadata={"description": "Closes trained on."})
    band_coverage_pct = fields.Integer(metadata={"description": "Share of backtest closes inside the band."})
    training_seconds = fields.Float()


class HeaderFields(BaseSchema):
    symbol = fields.String()
    kind = fields.String()
    interval = fields.String()
    as_of = fields.String(metadata={"description": "The newest bar used (ISO 8601 UTC)."})
    source = fields.String()
    sample = fields.Boolean(metadata={"description": "True for bundled sample data or an imported CSV."})
    stale = fields.Boolean()
    stale_reason = fields.String(allow_none=True)
    notes = fields.List(fields.String())


class ForecastSchema(HeaderFields):
    model = fields.String()
    days = fields.Integer()
    last_close = fields.Float()
    predictions = fields.List(fields.Nested(PredictionSchema))
    backtest = fields.Nested(BacktestSchema)
    model_info = fields.Nested(ModelInfoSchema)


class CompareRowSchema(BaseSchema):
    model = fields.String()
    label = fields.String()
    description = fields.String()
    trained_at = fields.String()
    forecast = fields.Float(metadata={"description": "This model's forecast price at the horizon."})
    backtest = fields.Nested(BacktestSchema)


class CompareSchema(HeaderFields):
    days = fields.Integer()
    metrics = fields.Dict(metadata={"description": "What each metric means."})
    models = fields.List(fields.Nested(CompareRowSchema))
    pending = fields.List(fields.String(), metadata={"description": "Models still training (answer 202)."})
    skipped = fields.List(
        fields.Dict(), metadata={"description": "Models left out for too little history: model, reason."}
    )
    complete = fields.Boolean()
    best = fields.String(
        allow_none=True, metadata={"description": "The model furthest ahead of naive, if any beats it."}
    )
    summary = fields.String()


class TrainingSchema(BaseSchema):
    status = fields.String(metadata={"description": "training"})
    symbol = fields.String()
    model = fields.String()
    started_at = fields.String()
    message = fields.String()
