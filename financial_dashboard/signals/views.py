"""The signal panel of the market explorer: the reading, its reasons and the backtest beside it."""

from . import services


def signal_panel(bars) -> dict:
    """The explorer's panel for the symbol shown (same interval; the backtest's own default period)."""
    return {"template": "market/_signal_panel.html", "signal": services.signal_for(bars.symbol, bars.interval)}


signal_panel.title = "Trading signal"
