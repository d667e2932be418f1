"""Forecasts: bars from the market service, trainings from the model store or made now, under one lock.

Order of business for a forecast (``ensure``):
1. the last ``PREDICTIONS_HISTORY`` (2y) of daily bars through the market service, whose cache, stale
   rules and 503s apply unchanged;
2. the model store: a training of that model on bars up to the same newest bar, younger than
   ``PREDICTIONS_MAX_AGE_H`` (24 h);
3. otherwise a training under the cross-process lock (``locks.py``): a second request for the same model
   waits and then reuses the first one's result. Trainings run in a child process started by a background
   job (``jobs.py``), so the web worker never imports scikit-learn (~80 MB) or TensorFlow (~500 MB) and a
   gevent worker keeps serving while it waits. The request waits up to ``PREDICTIONS_WAIT_S``: long enough
   for the light models (a few seconds) and usually the LSTM (20-30 s); otherwise it answers "still
   training" (202) and the client polls. Models listed in ``PREDICTIONS_TRAIN_IN_PROCESS`` train in the
   request instead (the test suite does that for speed).
"""

import dataclasses
import datetime as dt
import time

from flask import current_app

from ..analytics.forecasting import (
    ForecastError,
    ModelUnavailable,
    NotEnoughHistory,
    UnknownModel,
    available_models,
    get_model_class,
    model_names,
)
from ..analytics.forecasting import training as trainer
from ..analytics.forecasting.isolated import train_in_child
from ..errors import BadRequest, ServiceUnavailable
from ..extensions import cache
from ..market import services as market
from ..market.services import Bars
from . import answers, jobs, locks, store

INTERVAL = "1d"
# BASE-QUOTE with one of these quotes is a crypto pair; other dashed symbols are Yahoo tickers (BRK-B, BTC-USD).
CRYPTO_QUOTES = {"USDT", "USDC", "BUSD", "FDUSD", "TUSD", "DAI", "BTC", "ETH", "BNB"}
FAILURE_TTL_S = 60


@dataclasses.dataclass
class Subject:
    """What is forecast: one symbol's daily bars, as the market service returned them."""

    kind: str
    bars: Bars

    @property
    def symbol(self) -> str:
        return self.bars.symbol

    @property
    def source(self) -> str:
        return self.bars.source

    @property
    def frame(self):
        return self.bars.frame.dropna(subset=["close"])

    @property
    def last_bar(self) -> dt.datetime | None:
        return self.bars.as_of

    @property
    def weekdays_only(self) -> bool:
        return self.kind == "stock"

    def key(self, model: str) -> str:
        return f"forecast:{self.source}:{self.symbol}:{INTERVAL}:{model}"


@dataclasses.dataclass
class Pending:
    """A training still running when the caller stopped waiting."""

    model: str
    started: float  # epoch seconds


def guess_kind(symbol: str) -> str:
    if "/" in symbol:
        return "crypto"
    base, dash, quote = symbol.strip().upper().rpartition("-")
    return "crypto" if dash and base and quote in CRYPTO_QUOTES else "stock"


def subject(symbol: str, kind: str | None = None) -> Subject:
    """The bars to forecast from (400/404/503 as the market data answers them)."""
    kind = kind or guess_kind(symbol)
    return Subject(kind, market.get_bars(kind, symbol, current_app.config["PREDICTIONS_HISTORY"], INTERVAL))


# --- models ---


def enabled_models() -> list[str]:
    """Models offered here: installed, and listed in PREDICTIONS_MODELS (all when it is empty)."""
    allowed = current_app.config["PREDICTIONS_MODELS"]
    return [name for name in available_models() if not allowed or name in allowed]


def catalogue() -> list[dict]:
    """Every model with its description and whether (and why not) it can be used here."""
    enabled = enabled_models()
    items = []
    for name in model_names():
        cls = get_model_class(name)
        reason = None
        if not cls.enabled():
            reason = "Its library is not installed on this server."
        elif name not in enabled:
            reason = "Switched off on this server (PREDICTIONS_MODELS)."
        items.append(
            {
                "name": name,
                "label": cls.label,
                "description": cls.description,
                "available": reason is None,
                "reason": reason,
                "heavy": cls.heavy,
                "min_closes": required_closes(name),
            }
        )
    return items


def check_model(name: str) -> None:
    try:
        cls = get_model_class(name)
    except UnknownModel as error:
        raise BadRequest("Unknown forecast model.", fields={"model": [error.message]}) from None
    if name not in enabled_models():
        why = "its library is not installed" if not cls.enabled() else "it is switched off (PREDICTIONS_MODELS)"
        raise BadRequest(
            "Forecast model not available.",
            fields={
                "model": [
                    f"The {name} model is not available on this server: {why}. "
                    f"Available: {', '.join(enabled_models())}."
                ]
            },
        )


def options(name: str) -> dict:
    return dict(current_app.config["PREDICTIONS_MODEL_OPTIONS"].get(name, {}))


def required_closes(name: str) -> int:
    return trainer.required_closes(
        name, current_app.config["PREDICTIONS_ORIGINS"], trainer.MAX_HORIZON, **options(name)
    )


def check_history(subj: Subject, name: str) -> None:
    try:
        trainer.check_history(
            name, len(subj.frame), current_app.config["PREDICTIONS_ORIGINS"], trainer.MAX_HORIZON, **options(name)
        )
    except NotEnoughHistory as error:
        message = f"{subj.symbol}: {error.message}"
        raise BadRequest("Not enough price history to forecast.", fields={"symbol": [message]}) from None


# --- trainings ---


def stored(subj: Subject, name: str):
    """The stored training of ``name`` on exactly these bars, if fresh enough; else None."""
    if subj.last_bar is None:
        return None
    max_age = dt.timedelta(hours=current_app.config["PREDICTIONS_MAX_AGE_H"])
    return store.fresh(subj.source, subj.symbol, INTERVAL, name, subj.last_bar, max_age)


def ensure(
    subj: Subject, name: str, wait: float | None, *, force: bool = False, background: bool = True, progress=None
):
    """A fresh stored training of ``name`` (trained now if needed), or Pending when ``wait`` ran out first.

    ``force`` trains again even when a fresh one is stored. ``background``: a training in a child process
    runs in a job that outlives the request; without it (the CLI) it ends before this returns.
    """
    check_model(name)
    check_history(subj, name)
    if not force:
        record = stored(subj, name)
        if record is not None:
            return record
        failure = cache.get(f"{subj.key(name)}:failed")
        if failure:
            raise ServiceUnavailable(failure, headers={"Retry-After": str(FAILURE_TTL_S)})
    if not (background and in_child(name)):
        return train_locked(subj, name, force, progress)
    app = current_app._get_current_object()
    job = jobs.start(app, subj.key(name), lambda: train_locked(subj, name, force))
    if not job.wait(wait):
        return Pending(name, job.started)
    if job.error is not None:
        raise job.error
    return stored(subj, name) or Pending(name, job.started)


def train_locked(subj: Subject, name: str, force: bool = False, progress=None):
    """Train ``name`` and store it, holding the training lock; reuse what another process stored meanwhile."""
    config = current_app.config
    timeout = config["PREDICTIONS_TRAIN_TIMEOUT_S"]
    try:
        with locks.training_lock(subj.key(name), timeout):
            if not force:
                record = stored(subj, name)
                if record is not None:
                    return record
            trained = _train(subj, name, timeout, progress)
            record = store.save(subj.source, subj.symbol, INTERVAL, trained)
    except locks.LockTimeout:
        raise ServiceUnavailable(
            f"Another training of the {name} model on {subj.symbol} is still running. Try again shortly.",
            headers={"Retry-After": "10"},
        ) from None
    answers.forget(subj, name)
    cache.delete(f"{subj.key(name)}:failed")
    return record


def in_child(name: str) -> bool:
    """Whether ``name`` trains in a child process (all models, unless PREDICTIONS_TRAIN_IN_PROCESS lists it)."""
    return name not in current_app.config["PREDICTIONS_TRAIN_IN_PROCESS"]


def _train(subj: Subject, name: str, timeout: float, progress):
    config = current_app.config
    arguments = {
        "options": options(name),
        "origins": config["PREDICTIONS_ORIGINS"],
        "max_horizon": trainer.MAX_HORIZON,
        "weekdays_only": subj.weekdays_only,
    }
    try:
        if in_child(name):
            return train_in_child(name, subj.frame, timeout=timeout, progress=progress, **arguments)
        return trainer.train(name, subj.frame, progress=progress, **arguments)
    except (UnknownModel, ModelUnavailable, NotEnoughHistory) as error:
        raise BadRequest(error.message) from None
    except ForecastError as error:
        # The model failed on these bars (or its process died): say so, and do not retry on every poll.
        cache.set(f"{subj.key(name)}:failed", error.message, timeout=FAILURE_TTL_S)
        raise ServiceUnavailable(error.message, headers={"Retry-After": str(FAILURE_TTL_S)}) from None


# --- answers ---


def forecast(
    symbol: str, name: str, days: int, kind: str | None = None, wait: float | None = None, force: bool = False
):
    """The forecast answer of ``name`` for ``days`` days, or Pending."""
    subj = subject(symbol, kind)
    if not force:
        check_model(name)
        hit = answers.cached(subj, name, days)
        if hit is not None:
            return hit
    record = ensure(subj, name, _wait(wait), force=force)
    if isinstance(record, Pending):
        return record
    return answers.remember(subj, name, days, answers.forecast_answer(subj, record, days))


def compare(symbol: str, days: int, kind: str | None = None, wait: float | None = None):
    """Every enabled model's backtest against naive at ``days`` days; models still training are ``pending``."""
    subj = subject(symbol, kind)
    deadline = time.monotonic() + _wait(wait)
    records, pending = {}, []
    names, skipped = with_history(subj, enabled_models())
    # Start the trainings in child processes first, so that they run side by side (and beside those made here).
    for name in sorted(names, key=lambda n: not in_child(n)):
        result = ensure(subj, name, 0 if in_child(name) else None)
        if isinstance(result, Pending):
            pending.append(name)
        else:
            records[name] = result
    for name in list(pending):
        result = ensure(subj, name, max(0.0, deadline - time.monotonic()))
        if not isinstance(result, Pending):
            records[name] = result
            pending.remove(name)
    return answers.compare_answer(subj, {n: records[n] for n in names if n in records}, pending, days, skipped)


def with_history(subj: Subject, names: list[str]) -> tuple[list[str], list[dict]]:
    """The models among ``names`` that have enough history, and the others with the reason; 400 when none has."""
    usable, skipped, first = [], [], None
    for name in names:
        try:
            check_history(subj, name)
        except BadRequest as error:
            first = first or error
            skipped.append({"model": name, "reason": error.fields["symbol"][0]})
        else:
            usable.append(name)
    if not usable and first is not None:
        raise first
    return usable, skipped


def _wait(wait):
    return current_app.config["PREDICTIONS_WAIT_S"] if wait is None else wait


def page_state(symbol: str, names: list[str], kind: str | None = None) -> tuple[Subject, dict, list[dict]]:
    """For the page, which never trains: the subject, the stored training of each of ``names`` that has
    enough history (or None), and those without enough history."""
    subj = subject(symbol, kind)
    for name in names:
        check_model(name)
    names, skipped = with_history(subj, names)
    return subj, {name: stored(subj, name) for name in names}, skipped
