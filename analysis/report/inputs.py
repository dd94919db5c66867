"""What a report is made from: the two tables of `pwe export` (respondents and choices), the
consultation's definition when there is one, and the funnel when the database has it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.exports.safety import QUOTE, restore
from analysis.tables import choices_table, respondents_table
from surveys.definition import Consultation
from surveys.load import DefinitionError, parse

RESPONDENTS_FILE = "respondents.csv"
CHOICES_FILE = "choices.csv"
DEFINITION_FILE = "definition.yaml"
_TEXT_COLUMNS = {
    "respondent": str,
    "task": str,
    "option": str,
    "group": str,
    "version": str,
    "source": str,
    "language": str,
}


class ReportInputError(ValueError):
    """The report's input cannot be read; the message names the file and the fix."""


@dataclass
class ReportData:
    """Completed responses as tables, with what is known about how they were collected.

    `funnel`: per step of the consultation how many respondents reached it (`step`, `reached`),
    with `started` the number who began; None when only the export files are at hand.
    """

    respondents: pd.DataFrame
    choices: pd.DataFrame
    consultation: Consultation | None = None
    definition_text: str | None = None
    funnel: pd.DataFrame | None = None
    started: int | None = None

    @property
    def definition_sha256(self) -> str | None:
        if self.definition_text is None:
            return None
        return hashlib.sha256(self.definition_text.encode("utf-8")).hexdigest()


def from_records(
    consultation: Consultation,
    definition_text: str,
    records: Iterable[Mapping],
    funnel: pd.DataFrame | None = None,
    started: int | None = None,
) -> ReportData:
    """Report data from respondent records as analysis.tables reads them (the database's)."""
    records = list(records)
    return ReportData(
        respondents_table(consultation, records),
        choices_table(consultation, records),
        consultation,
        definition_text,
        funnel,
        started,
    )


def read_export(directory: str | Path, definition: str | Path | None = None) -> ReportData:
    """Report data from an export directory: respondents.csv, choices.csv and, when present,
    definition.yaml (else `definition`, a YAML file, when given)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ReportInputError(
            f"{directory}: no such directory; give the folder `pwe export` "
            "wrote (with respondents.csv and choices.csv)"
        )
    respondents = _read_csv(directory / RESPONDENTS_FILE)
    choices = _read_csv(directory / CHOICES_FILE)
    for name, table, needed in (
        (RESPONDENTS_FILE, respondents, {"respondent"}),
        (CHOICES_FILE, choices, {"respondent", "option", "choice"}),
    ):
        missing = sorted(needed - set(table.columns))
        if missing:
            raise ReportInputError(
                f"{directory / name}: lacks the column(s) {', '.join(missing)}"
                " (see docs/export.md for the columns)"
            )
    path: Path | None = directory / DEFINITION_FILE
    if path is not None and not path.is_file():
        path = Path(definition) if definition is not None else None
    consultation = text = None
    if path is not None:
        consultation, text = read_definition(path)
    return ReportData(respondents, choices, consultation, text)


def read_definition(path: str | Path) -> tuple[Consultation, str]:
    """The consultation in a YAML file and the file's text."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReportInputError(f"{path}: cannot read the definition ({error})") from error
    try:
        return parse(text, str(path)), text
    except DefinitionError as error:
        raise ReportInputError(str(error)) from error


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return _restored(pd.read_csv(path, dtype=_TEXT_COLUMNS, keep_default_na=True))
    except FileNotFoundError as error:
        raise ReportInputError(
            f"{path}: missing; an export directory holds respondents.csv and "
            "choices.csv as `pwe export` writes them"
        ) from error
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ReportInputError(f"{path}: cannot read the file ({error})") from error


def _restored(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells as they were typed: `pwe export` wrote the ones a spreadsheet would run as a
    formula with a leading quote (analysis.exports.safety), which the report must not show."""
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object and column.str.startswith(QUOTE, na=False).any():
            frame[name] = column.map(restore)
    return frame.rename(columns=restore)
