"""`flask prices sync`: fill every asset's price history from the market-data service."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..assets.models import Asset
from ..assets.services import assets_of_user
from ..auth.services import find_user_by_email
from ..errors import AppError
from ..extensions import db
from . import services

prices_cli = AppGroup("prices", help="Asset price history.")


@prices_cli.command("sync")
@click.option("--user", "email", help="Only this user's assets (by email).")
def sync(email):
    """Sync daily closes for every asset that has a symbol; a failing symbol does not stop the rest."""
    if email:
        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No user with the email {email}.")
        select = assets_of_user(user)
    else:
        select = sa.select(Asset)
    assets = db.session.scalars(select.where(Asset.symbol.is_not(None)).order_by(Asset.id)).all()
    # Detached, each sync's commit leaves them as read: one deleted meanwhile is reported by its sync
    # (not found) instead of failing the whole run when it is read again.
    db.session.expunge_all()
    failures, notes, totals = [], [], {"created": 0, "updated": 0, "kept_manual": 0}
    with click.progressbar(
        assets, label=f"Syncing {len(assets)} assets", item_show_func=lambda a: a.symbol if a else ""
    ) as bar:
        for asset in bar:
            try:
                result = services.sync_from_market(asset)
            except AppError as error:
                db.session.rollback()
                failures.append((asset, error.description))
                continue
            for key in totals:
                totals[key] += result[key]
            if result["stale"] or result["sample"]:
                notes.append((asset, f"used {'stale' if result['stale'] else result['source']} data"))
            if result["currency_changed"]:
                was = result["previous_currency"]
                notes.append(
                    (asset, f"currency {'set to' if was is None else f'changed from {was} to'} {result['currency']}")
                )
            if result["kept_manual"]:
                notes.append((asset, f"kept {result['kept_manual']} typed prices: {_dates(result)}"))
    click.echo(
        f"{totals['created']} prices added, {totals['updated']} updated, {totals['kept_manual']} typed "
        f"prices kept for {len(assets)} assets."
    )
    for asset, note in notes:
        click.echo(f"  note: asset {asset.id} {asset.symbol} {note}")
    for asset, problem in failures:
        click.echo(f"  FAILED: asset {asset.id} {asset.symbol}: {problem}", err=True)
    if failures:
        raise click.ClickException(f"{len(failures)} of {len(assets)} assets could not be synced.")


def _dates(result) -> str:
    listed = ", ".join(day.isoformat() for day in result["kept_manual_dates"])
    return listed + (", …" if result["kept_manual"] > len(result["kept_manual_dates"]) else "")
