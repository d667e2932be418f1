"""The forecast page's Plotly figure: the last ~120 closes, the forecast line(s) and the band, as JSON."""

HISTORY_BARS = 120
COLORS = {"naive": "#6c757d", "drift": "#20c997", "random_forest": "#198754", "svr": "#fd7e14", "lstm": "#6f42c1"}
BAND = "rgba(111,66,193,0.15)"


def forecast_figure(frame, answers: list[dict], band: bool) -> str:
    """History plus each answer's forecast; ``band`` shades the first answer's band (one model shown)."""
    import plotly.graph_objects as go

    tail = frame["close"].iloc[-HISTORY_BARS:]
    dates = [ts.strftime("%Y-%m-%d") for ts in tail.index]
    last_date, last_close = dates[-1], float(tail.iloc[-1])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=dates, y=tail.round(6).tolist(), name="Close", line={"width": 1.6, "color": "#0d6efd"}))
    for number, answer in enumerate(answers):
        points = answer["predictions"]
        # Each forecast line starts at the last close, so it reads as the continuation of the history.
        x = [last_date] + [p["date"].isoformat() for p in points]
        label = answer["model_info"]["label"]
        color = COLORS.get(answer["model"], "#d63384")
        if band and number == 0:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=[last_close] + [p["upper"] for p in points],
                    name="Band (80 %)",
                    mode="lines",
                    line={"width": 0},
                    showlegend=False,
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=[last_close] + [p["lower"] for p in points],
                    name="Band (80 %)",
                    mode="lines",
                    fill="tonexty",
                    fillcolor=BAND,
                    line={"width": 0},
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[last_close] + [p["price"] for p in points],
                name=f"{label} forecast",
                line={"width": 2, "dash": "dash", "color": color},
                mode="lines",
            )
        )
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 30},
        hovermode="x unified",
        height=420,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig.to_json()
