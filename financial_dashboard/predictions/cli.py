"""`flask predictions ...`: train a model now (with a progress bar per epoch), print the backtest table."""

import click
from flask.cli import AppGroup

from ..errors import AppError
from . import answers, services

predictions_cli = AppGroup("predictions", help="Forecast models: train them, compare them against naive.")


class EpochBar:
    """One progress bar per fit: the first fit, then each refit of the backtest and the final model."""

    def __init__(self):
        self.bar = None
        self.fits = 0

    def __call__(self, event):
        if event.get("stage") in ("fit", "refit", "final"):
            if event["epoch"] == 1:
                self.close()
                self.fits += 1
                label = {"fit": "Training", "final": "Final fit"}.get(event["stage"], f"Refit {self.fits - 1}")
                self.bar = click.progressbar(length=event["epochs"], label=f"{label:>10}", show_pos=True)
                self.bar.__enter__()
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            # Early stopping ends a fit before its last epoch: the bar shows where it stopped.
            self.bar.__exit__(None, None, None)
            self.bar = None


def _subject(symbol, kind):
    try:
        return services.subject(symbol, kind)
    except AppError as error:
        raise click.ClickException(_text(error)) from None


def _text(error: AppError) -> str:
    messages = [m for ms in (error.fields or {}).values() for m in ms]
    return " ".join([error.description or "", *messages]).strip()


def _data_line(subj):
    origin = "sample data (bundled 2000–2013)" if subj.source == "sample" else subj.source
    stale = f", STALE: {subj.bars.cause}" if subj.bars.stale else ""
    click.echo(f"{subj.symbol}: {len(subj.frame)} daily closes up to {subj.last_bar:%Y-%m-%d}, {origin}{stale}")


@predictions_cli.command("train")
@click.argument("symbol")
@click.option("--model", "name", default="lstm", show_default=True, help="Model to train.")
@click.option("--kind", type=click.Choice(["stock", "crypto"]), default=None, help="Force stock or crypto.")
def train(symbol, name, kind):
    """Train MODEL on SYMBOL now (replacing the stored training) and print its 7-day forecast."""
    subj = _subject(symbol, kind)
    _data_line(subj)
    bar = EpochBar()
    try:
        record = services.ensure(subj, name, None, force=True, background=False, progress=bar)
    except AppError as error:
        raise click.ClickException(_text(error)) from None
    finally:
        bar.close()
    answer = answers.forecast_answer(subj, record, 7)
    click.echo(
        f"Trained {name} in {record.seconds:.1f} s ({answer['model_info']['refits']} fits). "
        f"{answer['backtest']['verdict']}"
    )
    for point in answer["predictions"]:
        click.echo(f"  {point['date']}  {point['price']:>12,.2f}  [{point['lower']:,.2f} – {point['upper']:,.2f}]")


@predictions_cli.command("backtest")
@click.argument("symbol")
@click.option("--model", "name", default="all", show_default=True, help="A model, or all.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 30), help="Horizon to score.")
@click.option("--kind", type=click.Choice(["stock", "crypto"]), default=None, help="Force stock or crypto.")
def backtest(symbol, name, days, kind):
    """Print each model's walk-forward backtest against naive (training models that are not stored)."""
    subj = _subject(symbol, kind)
    _data_line(subj)
    names = services.enabled_models() if name == "all" else list(dict.fromkeys(["naive", name]))
    try:
        names, skipped = services.with_history(subj, names)
    except AppError as error:
        raise click.ClickException(_text(error)) from None
    for left_out in skipped:
        click.echo(f"Left out: {left_out['reason']}")
    records = {}
    for model in names:
        try:
            records[model] = services.ensure(subj, model, None, background=False)
        except AppError as error:
            raise click.ClickException(f"{model}: {_text(error)}") from None
    table = answers.compare_answer(subj, records, [], days)
    first = table["models"][0]["backtest"]
    click.echo(f"{days}-day forecasts scored on {first['origins']} origins, {first['from']} to {first['to']}:")
    header = f"{'model':<14}{'MAE':>10}{'RMSE':>10}{'MAPE %':>8}{'dir %':>7}{'MASE':>7}{'vs naive':>10}"
    click.echo(header)
    click.echo("-" * len(header))
    for row in table["models"]:
        m, b = row["backtest"]["model"], row["backtest"]
        versus = "baseline" if row["model"] == "naive" else f"{(1 - b['ratio_to_naive']) * 100:+.0f} %"
        direction = "-" if m["directional_accuracy_pct"] is None else f"{m['directional_accuracy_pct']:.0f}"
        click.echo(
            f"{row['model']:<14}{m['mae']:>10.3f}{m['rmse']:>10.3f}{m['mape_pct']:>8.2f}{direction:>7}"
            f"{m['mase'] if m['mase'] is None else format(m['mase'], '.2f'):>7}{versus:>10}"
        )
    click.echo("")
    for row in table["models"]:
        click.echo(f"{row['label']}: {row['backtest']['verdict']}")
    click.echo(table["summary"])
    for note in table["notes"]:
        click.echo(f"Note: {note}")
