"""`flask market ...` commands: load the bundled sample data, import a user's CSV."""

import click
from flask.cli import AppGroup

from ..errors import AppError
from . import services, store
from .importer import CsvImportError, import_bars, read_ohlcv_csv

market_cli = AppGroup("market", help="Market data: sample set and CSV imports.")


@market_cli.command("load-sample")
def load_sample():
    """Store the bundled sample bars (AAPL, GOOG, IBM, MSFT, daily) so the app works offline."""
    for symbol, count in store.load_sample(services.provider("sample")).items():
        click.echo(f"{symbol}: {count} daily bars (sample data)")


@market_cli.command("import-csv")
@click.argument("symbol")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--interval", default="1d", show_default=True, help="Bar size of the file's rows.")
@click.option("--currency", default=None, help="Currency of the file's prices, e.g. USD, EUR or USDT (major unit).")
def import_csv(symbol, file, interval, currency):
    """Import SYMBOL's bars from FILE (columns date,open,high,low,close[,volume]); all rows or none."""
    try:
        frame = read_ohlcv_csv(file)
        count = import_bars(symbol, frame, interval, currency)
    except CsvImportError as error:
        for problem in error.problems[:50]:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(f"Nothing imported: {len(error.problems)} problem(s) in {file.name}.") from None
    except AppError as error:
        raise click.ClickException(error.description) from None
    click.echo(f"Imported {count} bars for {symbol.upper()} ({interval}) as source 'import'.")
