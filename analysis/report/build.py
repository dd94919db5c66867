"""Make a report: fit the models, build the sections in order, and collect every number under its
name for results.json.

Sections come in the issue's order; a new one (e.g. the arguments) is one more entry in
`BODY`, and a section with nothing to say returns None and is left out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from analysis.report import (
    advice,
    arguments,
    evaluation,
    groups,
    method,
    participation,
    segments,
    summary,
    values,
)
from analysis.report.context import Context, Progress, ReportOptions, _quiet
from analysis.report.document import Section, Table
from analysis.report.inputs import ReportData
from analysis.report.models import fit_models, fit_segments
from analysis.report.weights import Weighting

BODY = [
    participation.section,
    advice.section,
    values.section,
    groups.section,
    segments.section,
    arguments.section,
    evaluation.section,
    method.section,
]


class ReportError(ValueError):
    """The report cannot be made as asked; the message says what to change."""


@dataclass
class Report:
    title: str
    language: str
    consultation_id: str
    command: str
    sections: list[Section]
    tables: dict[str, Table]
    results: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def build_report(
    data: ReportData, options: ReportOptions, weighting: Weighting, progress: Progress = _quiet
) -> Report:
    _check_options(data, options)
    ctx = Context(data, options, weighting, progress)
    t = ctx.texts
    consultation = data.consultation
    title = t("report_title", title=ctx.labels.title() or options.name)
    notes = [] if consultation else [t("no_definition")]
    fit_models(ctx)
    ctx.segments = fit_segments(ctx)
    body = [s for s in (build(ctx) for build in BODY) if s is not None]
    sections = [summary.section(ctx), *body]
    ctx.results = {
        "consultation": {
            "id": consultation.id if consultation else None,
            "title": title,
            "language": options.language,
            "definition_sha256": data.definition_sha256,
            "command": options.command,
        },
        "notes": notes,
        **ctx.results,
        "tables": {
            name: {"title": table.title, "rows": table.frame.to_dict("records")}
            for name, table in ctx.tables.items()
        },
    }
    return Report(
        title,
        options.language,
        consultation.id if consultation else "",
        options.command,
        sections,
        ctx.tables,
        plain(ctx.results),
        notes,
    )


def _check_options(data: ReportData, options: ReportOptions) -> None:
    people = data.respondents
    unknown = [name for name in options.by if name not in people.columns]
    if unknown:
        background = [
            c
            for c in people.columns
            if c not in ("respondent", "version", "started_at", "completed_at", "duration_minutes")
            and not c.startswith("why.")
        ]
        raise ReportError(
            f"--by {', '.join(unknown)}: not a column of the respondents "
            f"table; choose from {', '.join(background)}"
        )
    classes = options.classes
    if classes not in (None, "auto") and not (isinstance(classes, int) and classes >= 1):
        raise ReportError(f"--classes must be auto or a whole number of at least 1, not {classes!r}")


def plain(value: Any) -> Any:
    """JSON-ready: numpy and pandas scalars as Python ones, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value
