"""Plotly figure of a goal: projected balance to the target date beside the actual savings."""


def projection_figure(projection: dict) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[p["date"] for p in projection["projected"]],
            y=[p["balance"] for p in projection["projected"]],
            name="Projected",
            mode="lines",
            line={"color": "#0d6efd"},
        )
    )
    if projection["actual"]:
        # Carry the actual line on to today's balance, where the projection starts, so the two meet.
        actual = projection["actual"] + projection["projected"][:1]
        fig.add_trace(
            go.Scatter(
                x=[p["date"] for p in actual],
                y=[p["balance"] for p in actual],
                name="Actual",
                mode="lines+markers",
                line={"color": "#198754", "shape": "hv"},
            )
        )
    fig.add_hline(
        y=projection["target_amount"],
        line={"dash": "dash", "color": "#dc3545"},
        annotation_text="Target",
        annotation_position="top left",
    )
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h"},
        hovermode="x unified",
        yaxis_title="Balance",
    )
    return fig.to_json()
