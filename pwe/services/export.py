"""Export a consultation's completed responses as the two CSV files the analysis reads.

Only completed responses leave the platform: a respondent still on their way is never exported,
nor is a voided response.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from analysis.tables import choices_table, respondents_table
from pwe.extensions import db
from pwe.models import Respondent, Response
from pwe.services.consultations import UnknownConsultation, definition_of, require
from pwe.services.voiding import not_voided
from surveys.definition import Consultation

RESPONDENTS_FILE = "respondents.csv"
CHOICES_FILE = "choices.csv"


class ExportError(Exception):
    """The export cannot be made; the message says why and what to do."""


def completed_records(slug: str) -> tuple[Consultation, list[dict]]:
    """The consultation and one record per completed response (see analysis.tables), by pseudonym."""
    try:
        row = require(slug)
    except UnknownConsultation as error:
        raise ExportError(str(error)) from error
    completed = db.session.execute(
        select(Respondent, Response)
        .join(Response, Response.respondent_id == Respondent.id)
        .where(Response.consultation_id == row.id, not_voided())
        .order_by(Respondent.pseudonym)
    ).all()
    records = [
        {"respondent": respondent.pseudonym, "version": respondent.version,
         "source": respondent.source, "language": respondent.language,
         "started_at": respondent.started_at, "completed_at": response.completed_at,
         "answers": response.answers}
        for respondent, response in completed
    ]
    return definition_of(row), records


def write_export(slug: str, out_dir: Path) -> list[tuple[Path, int]]:
    """Write respondents.csv and choices.csv (UTF-8, with a header even when empty) into out_dir.

    Returns each file written with its number of rows.
    """
    consultation, records = completed_records(slug)
    return write_tables(consultation, records, out_dir)


TABLES = {RESPONDENTS_FILE: respondents_table, CHOICES_FILE: choices_table}


def table_csv(slug: str, name: str) -> str:
    """One export file (respondents.csv or choices.csv) as text, as `pwe export` writes it."""
    consultation, records = completed_records(slug)
    return TABLES[name](consultation, records).to_csv(index=False, lineterminator="\n")


def write_tables(consultation: Consultation, records: list[dict],
                 out_dir: Path) -> list[tuple[Path, int]]:
    """Write the records (see analysis.tables) as respondents.csv and choices.csv into out_dir."""
    tables = {name: make(consultation, records) for name, make in TABLES.items()}
    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            path = out_dir / name
            table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
            written.append((path, len(table)))
    except OSError as error:
        reason = error.strerror or error
        raise ExportError(f"cannot write the export to {out_dir}: {reason}") from error
    return written
