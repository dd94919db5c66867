"""The report as one self-contained HTML file: the NL Design System look inlined, plotly.js
embedded once, every chart drawn from JSON data blocks with its numbers in a table beside it.
Every text goes through Jinja's escaping; JSON in the page cannot close its script element."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import plotly
from markupsafe import Markup

from analysis.report.document import Column, Figure, Heading, Paragraph, Sentences, Table, TableBlock
from analysis.report.styles import needed_css, used_classes
from analysis.report.texts import Texts

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
CHART_CONFIG = {"staticPlot": True, "responsive": True, "displayModeBar": False}


@dataclass(frozen=True)
class Stylesheets:
    """The vendored NL Design System files and the platform's own stylesheet (pwe/static)."""

    components: str = ""
    theme: str = ""
    platform: str = ""


def script_json(value: Any) -> Markup:
    """JSON safe inside a <script> element: <, > and & escaped as \\u003c etc."""
    text = json.dumps(value, cls=plotly.utils.PlotlyJSONEncoder, allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def cell(texts: Texts, column: Column, row: dict) -> str:
    """A table cell as the reader sees it."""
    value = row.get(column.key)
    if column.kind == "text":
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    if column.kind == "flag":
        return texts("yes") if value else ""
    if column.kind == "mixed":
        column = Column(column.key, column.header, "percent" if row.get("measure") == "share" else "number")
    if value is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return "–"
    if column.kind == "percent":
        return texts.percent(value, 1 if 0 < abs(value) < 0.1 else 0)
    if column.kind == "count":
        return texts.number(value)
    if column.kind == "p":
        return f"< {texts.number(0.001, 3)}" if value < 0.001 else texts.number(value, 3)
    if column.kind == "interval":
        high = row.get(column.high)
        if not isinstance(high, (int, float)) or not (math.isfinite(value) and math.isfinite(high)):
            return "–"
        if column.percent:
            digits = 1 if 0 < abs(high) < 0.1 else 0
            return f"{texts.percent(value, digits).rstrip('%')}–{texts.percent(high, digits)}"
        return f"{texts.significant(value)} – {texts.significant(high)}"
    return texts.significant(value)


def quotes(value: Any) -> list[str]:
    """The quotes of a `quotes` cell: its lines (none when empty)."""
    return [line for line in value.split("\n") if line] if isinstance(value, str) else []


def render_html(report, stylesheets: Stylesheets = Stylesheets()) -> str:
    """The report as HTML text."""
    texts = Texts(report.language)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    environment.globals.update(
        t=texts,
        cell=lambda c, r: cell(texts, c, r),
        quotes=quotes,
        script_json=script_json,
        isinstance=isinstance,
        Paragraph=Paragraph,
        Heading=Heading,
        Figure=Figure,
        TableBlock=TableBlock,
        Sentences=Sentences,
        Table=Table,
        config=CHART_CONFIG,
    )
    template = environment.get_template("report.html")
    own = stylesheets.platform + "\n" + (TEMPLATES / "report.css").read_text(encoding="utf-8")

    def page(css: str, plotly_js: str) -> str:
        return template.render(report=report, css=Markup(css), plotly_js=Markup(plotly_js))

    draft = page("", "")
    css = needed_css(stylesheets.components, stylesheets.theme, own, used_classes(draft))
    return page(css.replace("</", "<\\/"), PLOTLY_JS.read_text(encoding="utf-8"))
