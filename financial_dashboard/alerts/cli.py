"""`flask alerts check`: check every armed alert against newly seen daily closes (for cron or a PaaS scheduler)."""

import time

import click
from flask.cli import AppGroup

alerts_cli = AppGroup("alerts", help="Price alerts.")


@alerts_cli.command("check")
@click.option("--symbol", "symbols", multiple=True, help="Only the alerts of this symbol (repeatable).")
def check(symbols):
    """Check armed alerts: one bars lookup per symbol; triggered alerts show in the app and are e-mailed."""
    from .checks import check_alerts
    from .models import plain

    started = time.perf_counter()
    report = check_alerts(symbols={s.strip().upper() for s in symbols} or None)
    for alert in report.triggered:
        click.echo(
            f"triggered: {alert.describe()} (alert {alert.id}, close {plain(alert.triggered_price)} on "
            f"{alert.triggered_bar_at:%Y-%m-%d})"
        )
    for symbol, problem in sorted(report.failures.items()):
        click.echo(f"failed: {symbol}: {problem}", err=True)
    click.echo(
        f"Checked {report.alerts} alert(s) on {report.symbols} symbol(s) in "
        f"{time.perf_counter() - started:.2f} s: {len(report.triggered)} triggered, "
        f"{report.emailed} e-mail(s) sent, {len(report.failures)} symbol(s) failed."
    )
    if report.failures:
        raise SystemExit(1)
