"""`pwe report`: the results of a consultation as report.html, results.json, tables.xlsx, one
CSV per table and, with --pdf, report.pdf (docs/report.md)."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

import click

from pwe.cli import _app_context, main
from surveys.language import LANGUAGES

STATIC = Path(__file__).resolve().parent.parent / "static"
BAR_WIDTH = 24


def stylesheets():
    """The NL Design System files and the platform's stylesheet the report inlines."""
    from analysis.report.render import Stylesheets

    def read(path: Path) -> str:
        return path.read_text(encoding="utf-8")

    return Stylesheets(
        components=read(STATIC / "vendor" / "nlds" / "index.css"),
        theme=read(STATIC / "vendor" / "nlds" / "theme.css"),
        platform=read(STATIC / "css" / "pwe.css"),
    )


def show_progress(label: str, done: int, total: int) -> None:
    """A bar on the terminal (stderr) for the long parts: models, latent classes."""
    filled = round(BAR_WIDTH * done / total) if total else BAR_WIDTH
    click.echo(
        f"\r{label:<15} [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done}/{total}",
        err=True,
        nl=done >= total,
    )


def _classes(value: str | None):
    if value is None or value == "auto":
        return value
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter("give auto or a whole number of classes, e.g. 3") from None


def _definition_from_database(slug: str):
    """The definition stored under `slug`, or (None, None) when there is no such consultation."""
    from sqlalchemy.exc import SQLAlchemyError

    from analysis.report.inputs import read_definition
    from pwe.services.consultations import definition_of, find

    if Path(slug).suffix in (".yaml", ".yml") or Path(slug).is_file():
        return read_definition(slug)
    try:
        with _app_context(migrate=False):
            row = find(slug)
            return (definition_of(row), row.definition_text) if row else (None, None)
    except SQLAlchemyError:
        return None, None


def read_input(consultation: str, from_dir: str | None):
    from analysis.report.inputs import read_export
    from pwe.services.report_data import report_data

    if from_dir is None:
        with _app_context(migrate=False):
            return report_data(consultation)
    data = read_export(from_dir)
    if data.consultation is None:
        data.consultation, data.definition_text = _definition_from_database(consultation)
    return data


@main.command()
@click.argument("consultation")
@click.option(
    "--from",
    "from_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="An export directory (respondents.csv, choices.csv, definition.yaml) instead of the database.",
)
@click.option(
    "--margins",
    default=None,
    type=click.Path(dir_okay=False),
    help="Rake to these population margins (YAML, as for pwe weight).",
)
@click.option(
    "--weights",
    "weights_csv",
    default=None,
    type=click.Path(dir_okay=False),
    help="Weights to use: CSV respondent,weight.",
)
@click.option(
    "--trim",
    default=None,
    metavar="LOW,HIGH",
    help="With --margins: keep weights within LOW..HIGH times the mean.",
)
@click.option("--language", default="nl", show_default=True, type=click.Choice(LANGUAGES))
@click.option("--by", default="", metavar="Q1,Q2", help="Background questions to split the results by.")
@click.option(
    "--classes",
    default=None,
    metavar="auto|K",
    help="Latent classes: auto (K by BIC from 1 to 4) or a number.",
)
@click.option(
    "--codebook",
    default=None,
    type=click.Path(dir_okay=False),
    help="Code the motivations with this codebook (YAML; pwe arguments --suggest writes one).",
)
@click.option("--pdf", is_flag=True, help="Also print report.pdf with Chromium.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
def report(
    consultation: str,
    from_dir: str | None,
    margins: str | None,
    weights_csv: str | None,
    trim: str | None,
    language: str,
    by: str,
    classes: str | None,
    codebook: str | None,
    pdf: bool,
    out_dir: str,
) -> None:
    """Write the results report of a consultation (the database, or an export with --from)."""
    from analysis.arguments import CodebookError, read_codebook
    from analysis.report.build import ReportError, build_report
    from analysis.report.context import ReportOptions
    from analysis.report.files import HTML_FILE, write_report
    from analysis.report.inputs import ReportInputError
    from analysis.report.pdf import PdfError, print_pdf
    from analysis.report.weights import weigh
    from analysis.weighting import WeightingError, parse_trim
    from pwe.services.export import ExportError

    command = _command(locals())
    started = time.perf_counter()
    try:
        options = ReportOptions(
            language=language,
            classes=_classes(classes),
            by=tuple(b.strip() for b in by.split(",") if b.strip()),
            command=command,
            name=consultation,
            codebook=read_codebook(codebook) if codebook else None,
        )
        click.echo("Reading the responses ...", err=True)
        data = read_input(consultation, from_dir)
        if codebook and not _asks_motivations(data.consultation):
            click.echo(
                f"note: --codebook {codebook} is not used: {consultation} asks for no motivations "
                "(no portfolio page has a motivation step), so the report has no Arguments section",
                err=True,
            )
        weighting = weigh(data.respondents, margins, weights_csv, parse_trim(trim))
        made = build_report(data, options, weighting, show_progress)
        click.echo("Writing the files ...", err=True)
        written = write_report(made, out_dir, stylesheets())
        if pdf:
            click.echo("Printing the PDF with Chromium ...", err=True)
            written.append(print_pdf(Path(out_dir) / HTML_FILE, Path(out_dir) / "report.pdf"))
    except (
        ReportError,
        ReportInputError,
        WeightingError,
        ExportError,
        PdfError,
        CodebookError,
        OSError,
    ) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    tables = sum(1 for path in written if path.suffix == ".csv")
    for path in written:
        if path.suffix != ".csv":
            click.echo(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    click.echo(f"{Path(out_dir) / 'tables'}: {tables} CSV files, one per table")
    click.echo(
        f"{len(data.respondents)} respondents, {len(made.sections)} sections, "
        f"{time.perf_counter() - started:.1f} s"
    )


def _asks_motivations(definition) -> bool:
    from surveys.definition import PortfolioPage

    return definition is not None and any(
        isinstance(page, PortfolioPage) and page.motivation for page in definition.pages
    )


def _command(arguments: dict) -> str:
    """The command that made the report, rebuilt from its arguments."""
    parts = ["pwe", "report", arguments["consultation"]]
    for flag, key in (
        ("--from", "from_dir"),
        ("--margins", "margins"),
        ("--weights", "weights_csv"),
        ("--trim", "trim"),
        ("--language", "language"),
        ("--by", "by"),
        ("--classes", "classes"),
        ("--codebook", "codebook"),
    ):
        if arguments.get(key):
            parts += [flag, str(arguments[key])]
    if arguments.get("pdf"):
        parts.append("--pdf")
    parts += ["--out", str(arguments["out_dir"])]
    return " ".join(shlex.quote(p) for p in parts)
