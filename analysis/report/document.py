"""What a report is made of: sections of paragraphs, tables and charts. The content modules build
them; the HTML renderer and the table files only read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Column:
    """A column the HTML shows: `kind` says how to write the value (text, percent, number,
    count, p, quotes: texts separated by newlines, each shown as a quotation; or interval with
    `high` naming the upper bound's column, `percent` telling whether the bounds are shares)."""

    key: str
    header: str
    kind: str = "text"
    high: str | None = None
    percent: bool = True


@dataclass
class Table:
    """A table of the report: `frame` holds every number (written to CSV, XLSX and results.json
    under `name`), `columns` the ones the HTML shows. `emphasis` names a boolean column whose
    rows are emphasised."""

    name: str
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    emphasis: str | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    generated: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class TableBlock:
    table: Table


@dataclass(frozen=True)
class Figure:
    """A plotly figure (as a dict) with its alt text and the table of its numbers."""

    figure: dict[str, Any]
    alt: str
    table: Table


@dataclass(frozen=True)
class Sentences:
    """Generated sentences, marked as generated from the data."""

    sentences: list[str]


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Any] = field(default_factory=list)
