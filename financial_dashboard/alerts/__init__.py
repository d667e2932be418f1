"""Price alerts: be told when a symbol's close crosses a level, in the app and by e-mail."""

from flask import Blueprint

from ..common.nav import add_nav
from ..market.panels import add_panel

bp = Blueprint("alerts", __name__)

from . import api, hooks, views  # noqa: E402,F401

add_nav(bp, "Alerts", "alerts.alerts_page", order=45, badge=views.unread_badge)
add_panel(bp, views.alert_panel)
bp.record_once(lambda state: hooks.install(state.app))
