"""Trading signals: BUY, SELL or HOLD from the indicators, with reasons, levels and the rule's own backtest.

No models: a signal is computed from market bars and cached for 10 minutes. Its page is a panel on the
market explorer (market/panels.py), beside the chart of the same symbol.
"""

from flask import Blueprint

from ..market.panels import add_panel

bp = Blueprint("signals", __name__)

from . import api, views  # noqa: E402,F401

add_panel(bp, views.signal_panel)
