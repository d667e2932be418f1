"""Plotly figure of an asset's price history."""


def price_figure(asset, history) -> str:
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(
            x=[p.date for p in history],
            y=[float(p.price) for p in history],
            mode="lines",
            name=asset.symbol or asset.name,
            line={"color": "#0d6efd"},
        )
    )
    fig.add_vline(x=asset.purchase_date.isoformat(), line={"dash": "dot", "color": "#6c757d"})
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        hovermode="x unified",
        yaxis_title=f"Price ({asset.currency})" if asset.currency else "Price",
    )
    return fig.to_json()
