"""`pwe import-pb` (a pabulib election as tables for `pwe fit`) and `pwe arguments` (codes
suggested from the motivations respondents wrote)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pwe.cli import _app_context, main


@main.command("import-pb")
@click.argument("pb_file", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for respondents.csv and choices.csv.",
)
def import_pb(pb_file: str, out_dir: str) -> None:
    """Read a pabulib .pb approval election as respondents.csv and choices.csv for `pwe fit`."""
    from analysis.exports.pabulib import PabulibError, read_pabulib, write_tables

    try:
        election = read_pabulib(pb_file)
        written = write_tables(election, Path(out_dir))
    except (PabulibError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    for path, rows in written:
        click.echo(f"{path}: {rows} rows")
    for note in election.notes:
        click.echo(f"Note: {note}")


@main.command()
@click.argument("consultation", required=False)
@click.option(
    "--from",
    "from_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Read the motivations from an export folder instead of the database.",
)
@click.option(
    "--suggest", is_flag=True, required=True, help="Suggest codes from the motivations (TF-IDF and NMF)."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="The codebook YAML to write, to rename and keep.",
)
@click.option(
    "--codes",
    "n_codes",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="Number of codes to suggest.",
)
@click.option(
    "--language", default=None, help="Language of the texts to use (default: the consultation's first)."
)
def arguments(
    consultation: str | None,
    from_dir: str | None,
    suggest: bool,
    out: str,
    n_codes: int,
    language: str | None,
) -> None:
    """Suggest codes for the arguments in the motivations: top terms and example quotes each."""
    from analysis.arguments import CodebookError, suggest_codes, write_codebook
    from analysis.exports.reading import ExportReadError
    from pwe.services.export import ExportError, motivations_by_language

    try:
        if from_dir is not None and consultation is None:
            texts, language = _from_export(Path(from_dir), language)
        elif consultation is not None and from_dir is None:
            with _app_context(migrate=False):
                texts, language = motivations_by_language(consultation, language)
        else:
            raise click.UsageError("give a consultation SLUG or --from DIR (an export folder)")
        suggested = suggest_codes(texts, language, n_codes)
        write_codebook([code.as_code(language) for code in suggested], out)
    except (ExportError, ExportReadError, CodebookError, ValueError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    for code in suggested:
        click.echo(f"{code.id} ({code.size} texts): {', '.join(code.terms)}")
        for quote in code.quotes:
            click.echo(f'    "{quote}"')
    click.echo(f"\n{out}: {len(suggested)} codes; rename them, adjust the patterns, keep what fits")


def _from_export(folder: Path, language: str | None):
    from analysis.arguments import in_language
    from analysis.exports.reading import read_export
    from analysis.exports.writers import DEFINITION_FILE
    from surveys.load import load

    tables = read_export(folder)
    if language is None:
        definition = folder / DEFINITION_FILE
        language = (
            load(definition).default_language
            if definition.is_file()
            else tables["respondents"]["language"].mode().iloc[0]
        )
    return in_language(tables["motivations"], tables["respondents"], language), language
