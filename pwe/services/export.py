"""Export a consultation's completed responses as the files other tools read (analysis.exports).

Only completed responses leave the platform: a respondent still on their way is never exported,
nor is a voided response. Responses are read in batches and written as they come, so a large
consultation exports in little memory.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from contextlib import closing
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from analysis.exports.safety import neutralise
from analysis.exports.writers import ExportFileError, write_export_set
from analysis.tables import choices_table, motivations_table, respondents_table
from pwe.extensions import db
from pwe.models import Respondent, Response
from pwe.services.consultations import UnknownConsultation, definition_of, require
from pwe.services.voiding import not_voided
from surveys.definition import Consultation

BATCH = 1000


class ExportError(Exception):
    """The export cannot be made; the message says why and what to do."""


def completed_records(slug: str) -> tuple[Consultation, str, Generator[dict, None, None]]:
    """The consultation, its definition text, and its completed responses as records (see
    analysis.tables) by pseudonym, read from the database batch by batch as they are consumed."""
    try:
        row = require(slug)
    except UnknownConsultation as error:
        raise ExportError(str(error)) from error
    query = (
        select(
            Respondent.pseudonym,
            Respondent.version,
            Respondent.source,
            Respondent.language,
            Respondent.started_at,
            Response.completed_at,
            Response.answers,
            Response.touched,
        )
        .join(Response, Response.respondent_id == Respondent.id)
        .where(Response.consultation_id == row.id, not_voided())
        .order_by(Respondent.pseudonym)
        .execution_options(yield_per=BATCH)
    )
    return definition_of(row), row.definition_text, _records(query)


def _records(query) -> Generator[dict, None, None]:
    """The query's rows as records; the query runs at the first record, and its (server-side)
    cursor is closed when the records are, also when they are left unfinished."""
    result = db.session.execute(query)
    try:
        for pseudonym, version, source, language, started_at, completed_at, answers, touched in result:
            yield {
                "respondent": pseudonym,
                "version": version,
                "source": source,
                "language": language,
                "started_at": started_at,
                "completed_at": completed_at,
                "answers": answers,
                "touched": touched or {},
            }
    finally:
        result.close()


def write_export(
    slug: str, out_dir: Path, *, format: str = "csv", weights: Mapping[str, float] | None = None
) -> list[tuple[Path, int]]:
    """Write the export set of a consultation's completed responses into out_dir (UTF-8, with a
    header even when empty). Returns each file written with its number of rows."""
    consultation, text, records = completed_records(slug)
    with closing(records):
        return _written(consultation, records, out_dir, format=format, definition_text=text, weights=weights)


# the CSV files officials download one by one, each made alone from the completed responses
DOWNLOADS = {
    "respondents.csv": respondents_table,
    "choices.csv": choices_table,
    "motivations.csv": motivations_table,
}


def table_csv(slug: str, name: str) -> str:
    """One table of the export (a name in DOWNLOADS) as CSV text, spreadsheet-safe like the
    files `pwe export` writes."""
    consultation, _, records = completed_records(slug)
    with closing(records):
        frame = DOWNLOADS[name](consultation, list(records))
    return frame.map(neutralise).to_csv(index=False, lineterminator="\n")


def motivations_by_language(slug: str, language: str | None = None) -> tuple[pd.DataFrame, str]:
    """The motivations of respondents who answered in `language` (default: the consultation's
    first), with that language."""
    consultation, _, records = completed_records(slug)
    with closing(records):
        language = language or consultation.default_language
        if language not in consultation.languages:
            raise ExportError(
                f"consultation {slug} has no language {language!r}; it has "
                f"{', '.join(consultation.languages)}"
            )
        return motivations_table(
            consultation, (record for record in records if record.get("language") == language)
        ), language


def write_tables(consultation: Consultation, records, out_dir: Path) -> list[tuple[Path, int]]:
    """Write records made elsewhere (simulated ones) as the CSV export set into out_dir."""
    return _written(consultation, sorted(records, key=lambda record: record["respondent"]), out_dir)


def _written(consultation: Consultation, records, out_dir: Path, **options):
    try:
        return write_export_set(consultation, records, out_dir, **options)
    except (ExportFileError, ValueError) as error:
        raise ExportError(str(error)) from error
