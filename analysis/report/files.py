"""Write a report: report.html, results.json, tables.xlsx (a sheet per table and a contents
sheet) and one CSV per table in tables/. Text cells that a spreadsheet would run as a formula are
written as text."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.exports.safety import neutralise
from analysis.report.build import Report
from analysis.report.render import Stylesheets, render_html

HTML_FILE = "report.html"
RESULTS_FILE = "results.json"
XLSX_FILE = "tables.xlsx"
CSV_FOLDER = "tables"
_SHEET_NAME = 31  # the longest sheet name Excel accepts


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].map(neutralise)
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    return frame


def write_report(report: Report, out_dir: str | Path, stylesheets: Stylesheets | None = None) -> list[Path]:
    """Write every file of the report into out_dir; returns the paths written."""
    stylesheets = stylesheets if stylesheets is not None else Stylesheets()
    out = Path(out_dir)
    (out / CSV_FOLDER).mkdir(parents=True, exist_ok=True)
    written = []
    html = out / HTML_FILE
    html.write_text(render_html(report, stylesheets), encoding="utf-8")
    results = out / RESULTS_FILE
    results.write_text(json.dumps(report.results, indent=1, ensure_ascii=False), encoding="utf-8")
    written += [html, results]
    for name, table in report.tables.items():
        path = out / CSV_FOLDER / f"{name}.csv"
        _safe(table.frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(path)
    written.append(_write_xlsx(report, out / XLSX_FILE))
    return written


def _write_xlsx(report: Report, path: Path) -> Path:
    sheets = {}
    for name in report.tables:
        sheet = name[:_SHEET_NAME]
        n = 2
        while sheet in sheets:
            suffix = f"~{n}"
            sheet, n = name[: _SHEET_NAME - len(suffix)] + suffix, n + 1
        sheets[sheet] = name
    contents = pd.DataFrame(
        {
            "sheet": list(sheets),
            "table": list(sheets.values()),
            "title": [report.tables[n].title for n in sheets.values()],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        _safe(contents).to_excel(writer, sheet_name="contents", index=False)
        for sheet, name in sheets.items():
            _safe(report.tables[name].frame).to_excel(writer, sheet_name=sheet, index=False)
    return path
