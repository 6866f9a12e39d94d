"""Plotly figures: a concept's neighbourhood and the evaluation metrics per variant.

Plotly draws in the browser from the bundle Gradio ships, so the figures work offline.
The neighbourhood uses a fixed radial layout rather than a force layout: the concept sits
in the middle, neighbouring concepts on the inner ring, each source on the outer ring with
its questions clustered towards it, so the picture reads the same way every time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx
import plotly.graph_objects as go

_PALETTE = ("#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626")
_EDGE_STYLE = {
    "broader": ("#7c3aed", "dash"),
    "narrower": ("#7c3aed", "dot"),
    "related": ("#9ca3af", "solid"),
    "mentions": ("#d1d5db", "solid"),
    "from": ("#e5e7eb", "solid"),
}
_FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    pos: dict[str, tuple[float, float]] = {}
    center = next((n for n, d in graph.nodes(data=True) if d.get("center")), None)
    concepts = [n for n, d in graph.nodes(data=True) if d["kind"] == "concept" and n != center]
    sources = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "source")
    if center is not None:
        pos[center] = (0.0, 0.0)
    for i, node in enumerate(concepts):
        angle = 2 * math.pi * i / max(1, len(concepts)) + math.pi / 2
        pos[node] = (1.35 * math.cos(angle), 1.35 * math.sin(angle))
    for i, source in enumerate(sources):
        angle = 2 * math.pi * (i + 0.5) / max(1, len(sources)) + math.pi / 2
        pos[source] = (2.85 * math.cos(angle), 2.85 * math.sin(angle))
        members = sorted(n for n in graph.neighbors(source) if graph.nodes[n]["kind"] == "qa")
        spread = min(math.pi / max(1, len(sources)), 0.9) * 0.8
        for j, node in enumerate(members):
            offset = 0.0 if len(members) == 1 else spread * (j / (len(members) - 1) - 0.5)
            radius = 2.05 + 0.18 * (j % 2)
            pos[node] = (radius * math.cos(angle + offset), radius * math.sin(angle + offset))
    for node in graph.nodes:  # anything left (a qa node with no source): park it near the middle
        pos.setdefault(node, (0.3, -0.3))
    return pos


def neighbourhood_figure(graph: nx.Graph) -> go.Figure:
    """Draw the graph from `ConceptIndex.neighbourhood`; hover a point for its question."""
    pos = _layout(graph)
    fig = go.Figure()
    for kind, (color, dash) in _EDGE_STYLE.items():
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b, data in graph.edges(data=True):
            if data.get("kind") == kind:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    line={"color": color, "width": 1.5 if kind != "from" else 1, "dash": dash},
                )
            )
    sources = sorted({d["source"] for _, d in graph.nodes(data=True) if d["kind"] == "qa"})
    colors = {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(sources)}
    for source in sources:
        nodes = [n for n, d in graph.nodes(data=True) if d.get("source") == source]
        fig.add_trace(
            go.Scatter(
                x=[pos[n][0] for n in nodes],
                y=[pos[n][1] for n in nodes],
                mode="markers",
                name=source,
                marker={"size": 11, "color": colors[source], "line": {"width": 0}},
                text=[graph.nodes[n]["title"] for n in nodes],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    src_nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == "source"]
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in src_nodes],
            y=[pos[n][1] for n in src_nodes],
            mode="markers+text",
            showlegend=False,
            textposition="bottom center",
            marker={
                "symbol": "square",
                "size": 14,
                "color": [colors.get(graph.nodes[n]["label"], "#6b7280") for n in src_nodes],
            },
            text=[_short(graph.nodes[n]["label"]) for n in src_nodes],
            hovertext=[graph.nodes[n]["title"] for n in src_nodes],
            hoverinfo="text",
            textfont={"size": 11, "color": "#374151"},
        )
    )
    concepts = [n for n, d in graph.nodes(data=True) if d["kind"] == "concept"]
    centers = [bool(graph.nodes[n].get("center")) for n in concepts]
    # Labels point away from the middle, so neighbours on the ring do not write over it.
    positions = [
        "middle right" if c else ("top center" if pos[n][1] >= 0 else "bottom center")
        for n, c in zip(concepts, centers)
    ]
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in concepts],
            y=[pos[n][1] for n in concepts],
            mode="markers+text",
            showlegend=False,
            textposition=positions,
            marker={
                "size": [30 if c else 18 for c in centers],
                "color": ["#111827" if c else "#f59e0b" for c in centers],
                "line": {"width": 2, "color": "white"},
            },
            text=[graph.nodes[n]["label"] for n in concepts],
            textfont={
                "size": [16 if c else 12 for c in centers],
                "color": ["#111827" if c else "#374151" for c in centers],
            },
            hoverinfo="text",
        )
    )
    fig.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": _FONT},
        xaxis={"visible": False, "range": [-4.2, 4.2]},
        yaxis={"visible": False, "range": [-3.1, 3.1]},
        legend={"orientation": "h", "y": -0.02, "title": {"text": "questions from "}},
    )
    return fig


def _short(name: str, width: int = 22) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def metrics_figure(
    values: Mapping[str, Mapping[str, tuple[float, float, float]]], metrics: Sequence[str]
) -> go.Figure:
    """Grouped bars: one group per metric, one bar per variant, 95% bootstrap intervals.

    Args:
        values: Variant -> metric -> (value, low, high).
        metrics: Metric names, in display order.
    """
    fig = go.Figure()
    for i, (variant, by_metric) in enumerate(values.items()):
        shown = [m for m in metrics if m in by_metric]
        vals = [by_metric[m][0] for m in shown]
        fig.add_trace(
            go.Bar(
                name=variant,
                x=shown,
                y=vals,
                marker_color=_PALETTE[i % len(_PALETTE)],
                text=[f"{v:.2f}" for v in vals],
                textposition="outside",
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "color": "#6b7280",
                    "thickness": 1,
                    "array": [by_metric[m][2] - by_metric[m][0] for m in shown],
                    "arrayminus": [by_metric[m][0] - by_metric[m][1] for m in shown],
                },
            )
        )
    fig.update_layout(
        barmode="group",
        height=380,
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        yaxis={"range": [0, 1.1], "title": {"text": "score (95% CI)"}, "gridcolor": "#e5e7eb"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": _FONT},
        legend={"orientation": "h", "y": 1.12},
    )
    return fig
