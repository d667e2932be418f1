"""Panels other features add to the market explorer below a symbol's chart (signals, "alert me"), so that
market/ never imports them: each registers ``build(bars) -> {"template", ...context} | None``."""

from collections.abc import Callable

from flask import current_app

from ..errors import AppError


def add_panel(blueprint, build: Callable) -> None:
    """Show ``build(bars)``'s panel on the explorer when ``blueprint`` is registered."""
    blueprint.record_once(lambda state: state.app.extensions.setdefault("market_panels", []).append(build))


def explorer_panels(bars) -> list[dict]:
    """The panels for a symbol's bars; a panel whose data cannot be had shows its error instead."""
    panels = []
    for build in current_app.extensions.get("market_panels", []):
        try:
            panel = build(bars)
        except AppError as error:
            panel = {
                "template": "market/_panel_error.html",
                "error": error.description,
                "title": getattr(build, "title", "Panel"),
            }
        if panel:
            panels.append(panel)
    return panels
