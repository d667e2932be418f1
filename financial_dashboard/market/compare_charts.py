"""Plotly figures of a comparison: the rebased lines and the correlation heat map (plotly imported on use)."""


def rebased_figure(result: dict) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    for symbol in result["symbols"]:
        fig.add_trace(
            go.Scatter(
                x=result["dates"], y=result["rebased"][symbol], name=symbol, mode="lines", hovertemplate="%{y:.2f} %"
            )
        )
    fig.add_hline(y=0, line={"width": 1, "dash": "dot", "color": "#adb5bd"})
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h"},
        hovermode="x unified",
        yaxis_title="Change since " + result["dates"][0] + " (%)",
    )
    return fig.to_json()


def correlation_figure(result: dict) -> str:
    import plotly.graph_objects as go

    symbols, matrix = result["correlation"]["symbols"], result["correlation"]["matrix"]
    text = [["—" if v is None else f"{v:.2f}" for v in row] for row in matrix]
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=symbols,
            y=symbols,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} / %{x}: %{z:.2f}<extra></extra>",
            colorbar={"title": {"text": "ρ"}},
        )
    )
    fig.update_layout(margin={"l": 60, "r": 20, "t": 20, "b": 40}, yaxis={"autorange": "reversed"})
    return fig.to_json()
