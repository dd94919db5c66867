"""The report's charts as plotly figures (plain dicts): horizontal bars with their value written on
them and interval whiskers, series told apart by pattern and lightness as well as colour, so they
read in greyscale and on a phone. Labels are escaped: plotly reads a little HTML in labels."""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

Numbers = Iterable[Any]  # a list, an array or a pandas Series of numbers

# dark to light in greyscale as well as in hue; with patterns for series that touch
COLOURS = ["#154273", "#6f9ed1", "#ca005d", "#f6d4e1", "#39870c", "#b4d8a1", "#e17000", "#ffe0c2"]
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
FONT = "Verdana, Arial, sans-serif"
LABEL_WIDTH = 28


def label(text: str) -> str:
    """A category label as plotly shows it: escaped, wrapped over lines for narrow screens."""
    lines = textwrap.wrap(str(text), LABEL_WIDTH) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _layout(
    n_rows: int, x_title: str, percent: bool, barmode: str | None = None, legend: bool = False
) -> dict:
    lines = 1.6 if n_rows else 1
    layout = {
        "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
        "height": int(80 + 34 * n_rows * lines + (40 if legend else 0)),
        "margin": {"l": 10, "r": 20, "t": 10 if not legend else 40, "b": 50},
        "xaxis": {
            "title": {"text": html.escape(x_title)},
            "automargin": True,
            "gridcolor": "#d0d0d0",
            "zerolinecolor": "#1a1a1a",
            **({"tickformat": ".0%", "range": [0, 1.05]} if percent else {}),
        },
        "yaxis": {"automargin": True, "autorange": "reversed", "type": "category"},
        "showlegend": legend,
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    if legend:
        layout["legend"] = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}
    if barmode:
        layout["barmode"] = barmode
    return layout


def _text(values: Iterable[Any], fmt: Callable[[float], str]) -> list[str]:
    return ["" if v is None or not math.isfinite(v) else fmt(v) for v in values]


def _errors(values: list[float], low: Numbers | None, high: Numbers | None) -> dict | None:
    if low is None or high is None:
        return None
    plus = [h - v if math.isfinite(h) and math.isfinite(v) else 0 for v, h in zip(values, high)]
    minus = [v - lo if math.isfinite(lo) and math.isfinite(v) else 0 for v, lo in zip(values, low)]
    return {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "color": "#1a1a1a",
        "thickness": 1.5,
        "width": 4,
    }


def bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Numbers, Numbers | None, Numbers | None]],
    x_title: str,
    fmt: Callable[[float], str],
    percent: bool = True,
) -> dict:
    """One bar per label and series (series side by side: sources, groups, classes), each with
    its value (written by `fmt`) beside it; with a 95% interval, the value stands beyond the
    interval's whisker."""
    names = [label(text) for text in labels]
    data, beyond = [], []
    for k, (name, values, low, high) in enumerate(series):
        values = [float(v) for v in values]
        trace: dict[str, Any] = {
            "type": "bar",
            "orientation": "h",
            "y": names,
            "x": values,
            "name": html.escape(name),
            "marker": _marker(2 * k % len(COLOURS), k, "#ffffff"),
        }
        errors = _errors(values, low, high)
        if errors and high is not None:
            trace["error_x"] = errors
            ends = [max(v, h) if math.isfinite(h) else v for v, h in zip(values, high)]
            beyond.append(
                {
                    "type": "scatter",
                    "mode": "text",
                    "y": names,
                    "x": ends,
                    "text": [f"  {t}" for t in _text(values, fmt)],
                    "textposition": "middle right",
                    "showlegend": False,
                    "cliponaxis": False,
                    "hoverinfo": "skip",
                }
            )
        else:
            trace.update({"text": _text(values, fmt), "textposition": "outside", "cliponaxis": False})
        data.append(trace)
    layout = _layout(
        len(names) * max(1, len(series)), x_title, percent, barmode="group", legend=len(series) > 1
    )
    if percent:
        layout["xaxis"]["range"] = [0, 1.18]
        layout["xaxis"].update(tickvals=[0, 0.5, 1], tickangle=0)
    else:
        layout["xaxis"]["rangemode"] = "tozero"
    layout["margin"]["r"] = 60
    return {"data": data + beyond, "layout": layout}


def _marker(colour: int, pattern: int, foreground: str) -> dict:
    return {
        "color": COLOURS[colour],
        "line": {"color": "#1a1a1a", "width": 1},
        "pattern": {
            "shape": PATTERNS[pattern % len(PATTERNS)],
            "bgcolor": COLOURS[colour],
            "fgcolor": foreground,
            "fgopacity": 0.35,
            "solidity": 0.2,
        },
    }


def stacked(
    labels: Sequence[str],
    parts: Sequence[tuple[str, Numbers]],
    x_title: str,
    fmt: Callable[[float], str],
    diverging: Sequence[bool] | None = None,
) -> dict:
    """Shares of each label's parts stacked to 100% (levels, alternatives); with `diverging`, the
    parts marked True are drawn to the left of 0 (disagree against agree)."""
    names = [label(text) for text in labels]
    data = []
    for k, (name, values) in enumerate(parts):
        values = [float(v) for v in values]
        left = bool(diverging and diverging[k])
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": [-v if left else v for v in values],
                "name": html.escape(name),
                "text": [t if v >= 0.06 else "" for t, v in zip(_text(values, fmt), values)],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "marker": _marker(k % len(COLOURS), k, "#1a1a1a" if k % 2 else "#ffffff"),
                "textfont": {"color": "#ffffff" if k % 2 == 0 else "#1a1a1a"},
            }
        )
    layout = _layout(len(names), x_title, True, barmode="relative", legend=True)
    layout["xaxis"]["range"] = [-1.02, 1.02] if diverging else [0, 1.0001]
    if diverging:
        layout["xaxis"].update(tickvals=[-1, -0.5, 0, 0.5, 1], ticktext=["100%", "50%", "0%", "50%", "100%"])
    return {"data": data, "layout": layout}
