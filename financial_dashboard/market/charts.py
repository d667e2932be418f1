"""Plotly figures of market data, built on the server from the same payload the API returns.

plotly is imported inside the functions: building figures is a page concern, not a start-up cost.
"""

UP, DOWN = "#198754", "#dc3545"


def market_figure(payload: dict) -> str:
    """Candlesticks with volume, MA 20/50 and Bollinger bands, then RSI and MACD panels; as JSON."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    history = payload["history"]
    dates = [bar["date"] for bar in history]
    indicators = payload.get("indicators", {})
    fig = make_subplots(
        rows=4,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.03,
        row_heights=[0.5, 0.14, 0.18, 0.18],
        subplot_titles=("Price", "Volume", "RSI 14", "MACD 12/26/9"),
    )
    fig.add_trace(
        go.Candlestick(
            x=dates,
            open=[b["open"] for b in history],
            high=[b["high"] for b in history],
            low=[b["low"] for b in history],
            close=[b["close"] for b in history],
            name=payload["symbol"],
            increasing_line_color=UP,
            decreasing_line_color=DOWN,
        ),
        row=1,
        col=1,
    )
    for name, color in (("MA_20", "#0d6efd"), ("MA_50", "#fd7e14")):
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=payload["moving_averages"][name],
                name=name.replace("_", " "),
                line={"width": 1.4, "color": color},
            ),
            row=1,
            col=1,
        )
    bands = indicators.get("bollinger", {})
    if bands:
        fig.add_trace(
            go.Scatter(
                x=dates, y=bands["upper"], name="Bollinger upper", line={"width": 1, "dash": "dot", "color": "#6f42c1"}
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=bands["lower"],
                name="Bollinger lower",
                fill="tonexty",
                fillcolor="rgba(111,66,193,0.08)",
                line={"width": 1, "dash": "dot", "color": "#6f42c1"},
            ),
            row=1,
            col=1,
        )
    colors = [UP if b["close"] >= b["open"] else DOWN for b in history]
    fig.add_trace(
        go.Bar(x=dates, y=[b["volume"] for b in history], name="Volume", marker_color=colors, showlegend=False),
        row=2,
        col=1,
    )
    if "rsi" in indicators:
        fig.add_trace(
            go.Scatter(x=dates, y=indicators["rsi"]["RSI_14"], name="RSI 14", line={"width": 1.4, "color": "#0dcaf0"}),
            row=3,
            col=1,
        )
        for level in (30, 70):
            fig.add_hline(y=level, line={"width": 1, "dash": "dash", "color": "#adb5bd"}, row=3, col=1)
    if "macd" in indicators:
        macd = indicators["macd"]
        fig.add_trace(go.Bar(x=dates, y=macd["histogram"], name="MACD histogram", marker_color="#adb5bd"), row=4, col=1)
        fig.add_trace(
            go.Scatter(x=dates, y=macd["macd"], name="MACD", line={"width": 1.4, "color": "#0d6efd"}), row=4, col=1
        )
        fig.add_trace(
            go.Scatter(x=dates, y=macd["signal"], name="Signal", line={"width": 1.2, "color": "#fd7e14"}), row=4, col=1
        )
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 30},
        xaxis_rangeslider_visible=False,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0, "traceorder": "normal"},
        hovermode="x unified",
        height=820,
    )
    fig.update_yaxes(range=[0, 100], row=3, col=1)
    return fig.to_json()
