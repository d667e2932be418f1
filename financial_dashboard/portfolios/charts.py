"""Plotly figures of a portfolio: value over time against invested capital, and allocation."""


def value_figure(series: list[dict]) -> str:
    import plotly.graph_objects as go

    dates = [point["date"] for point in series]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=dates, y=[p["value"] for p in series], name="Value", mode="lines", line={"color": "#0d6efd"})
    )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[p["invested"] for p in series],
            name="Invested",
            mode="lines",
            line={"color": "#6c757d", "dash": "dash", "shape": "hv"},
        )
    )
    fig.update_layout(margin={"l": 50, "r": 20, "t": 20, "b": 40}, legend={"orientation": "h"}, hovermode="x unified")
    return fig.to_json()


def allocation_figure(rows: list[dict], label_key: str) -> str:
    import plotly.graph_objects as go

    rows = [r for r in rows if (r.get("value") or 0) > 0]
    fig = go.Figure(
        go.Pie(labels=[r[label_key] for r in rows], values=[r["value"] for r in rows], hole=0.5, sort=False)
    )
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"orientation": "h"})
    return fig.to_json()
