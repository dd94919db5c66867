"""Plotly figures (as JSON for the browser) of the monitoring figures, each shown beside a table
with the same numbers."""

from __future__ import annotations

import plotly.graph_objects as go

from pwe.services.monitoring import Monitoring

LAYOUT = dict(
    margin=dict(l=48, r=16, t=16, b=48),
    height=320,
    legend=dict(orientation="h"),
    font=dict(family="system-ui, sans-serif", size=14),
    paper_bgcolor="#fff",
    plot_bgcolor="#fff",
)
# distinguishable for colour-blind readers (Okabe-Ito)
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def per_day(figures: Monitoring) -> str:
    fig = go.Figure(layout=LAYOUT)
    for index, source in enumerate(figures.sources):
        rows = [r for r in figures.per_day if r[1] == source]
        fig.add_bar(
            x=[r[0].isoformat() for r in rows],
            y=[r[3] for r in rows],
            name=f"completed, {source}",
            marker_color=COLOURS[index % len(COLOURS)],
        )
    fig.update_layout(barmode="stack", xaxis_title="day (UTC)", yaxis_title="completed responses")
    return fig.to_json()


def funnel(figures: Monitoring) -> str:
    fig = go.Figure(
        go.Funnel(
            y=[stage for stage, _ in figures.funnel],
            x=[count for _, count in figures.funnel],
            marker_color=COLOURS[0],
            textinfo="value+percent initial",
        ),
        layout=LAYOUT,
    )
    fig.update_layout(height=max(320, 40 * len(figures.funnel)))
    return fig.to_json()
