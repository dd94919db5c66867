"""Write the export set in one pass over the records, record by record, so memory stays flat.

The set: respondents, choices and motivations (see analysis.tables), the codebook
(analysis.exports.codebook) and the definition text verbatim (`definition.yaml`), as CSV files,
one XLSX workbook with a sheet per file, or Parquet files (with codebook.csv beside them); and a
pabulib `.pb` file per page that format can hold (analysis.exports.pabulib).
Files appear only when all are complete: they are written in a scratch folder first.
"""

from __future__ import annotations

import csv
import math
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.exports.codebook import (
    CATEGORY,
    CHOICES,
    DATETIME,
    INTEGER,
    MOTIVATIONS,
    NUMBER,
    RESPONDENTS,
    TEXT,
    codebook_table,
    column_kinds,
)
from analysis.exports.pabulib import Elections
from analysis.exports.safety import neutralise
from analysis.tables import Record, row_makers

if TYPE_CHECKING:
    import pyarrow.parquet as pq
from surveys.definition import Consultation

FORMATS = ("csv", "xlsx", "parquet")
TABLES = (RESPONDENTS, CHOICES, MOTIVATIONS)
CODEBOOK = "codebook"
DEFINITION_FILE = "definition.yaml"
WORKBOOK_FILE = "export.xlsx"
SHEET_ROWS = 1_048_576  # the most rows a sheet holds in Excel and LibreOffice, header included
_PARQUET_BATCH = 10_000


class ExportFileError(ValueError):
    """The export files cannot be written; the message says why and what to do."""


def write_export_set(
    consultation: Consultation,
    records: Iterable[Record],
    out_dir: Path,
    *,
    format: str = "csv",
    definition_text: str | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[Path, int | None]]:
    """Write the export set of `records` (sorted by respondent) into out_dir.

    With `weights` ({respondent: weight}) respondents and choices get a weight column; a
    respondent without a weight is an error. Returns each file written with its number of rows
    (None for the definition).
    """
    if format not in FORMATS:
        raise ExportFileError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    weighted = weights is not None
    kinds = column_kinds(consultation, weighted)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    except OSError as error:
        raise ExportFileError(f"cannot write the export to {out_dir}: {error.strerror or error}") from error
    sink: _Sink | None = None
    try:
        sink = _SINKS[format](scratch, kinds)
        elections = Elections(consultation)
        counts = _write_rows(sink, consultation, records, weights, elections)
        sink.close(codebook_table(consultation, weighted))
        sink = None
        counts.update((path.name, votes) for path, votes in elections.write(scratch))
        if definition_text is not None:
            (scratch / DEFINITION_FILE).write_text(definition_text, encoding="utf-8")
        written = []
        for path in sorted(scratch.iterdir(), key=_file_order):
            target = out_dir / path.name
            path.replace(target)
            written.append((target, counts.get(path.name)))
        return written
    except OSError as error:
        raise ExportFileError(f"cannot write the export to {out_dir}: {error.strerror or error}") from error
    finally:
        if sink is not None:
            with suppress(OSError):  # the error that stopped the export is the one to report
                sink.abandon()
        shutil.rmtree(scratch, ignore_errors=True)


def _write_rows(
    sink,
    consultation: Consultation,
    records: Iterable[Record],
    weights: Mapping[str, float] | None,
    elections: Elections,
) -> dict[str, int]:
    makers = row_makers(consultation, sink.cell)
    for record in records:
        elections.add(record)
        weight = [] if weights is None else [sink.cell(_weight_of(weights, record["respondent"]))]
        if weight:
            sink.write(RESPONDENTS, [row + weight for row in makers.respondents(record)])
            sink.write(CHOICES, [row + weight for row in makers.choices(record)])
        else:
            sink.write(RESPONDENTS, makers.respondents(record))
            sink.write(CHOICES, makers.choices(record))
        sink.write(MOTIVATIONS, makers.motivations(record))
    return sink.counts


def _weight_of(weights: Mapping[str, float], respondent: str) -> float:
    try:
        return weights[respondent]
    except KeyError:
        raise ExportFileError(
            f"the weights file has no weight for respondent {respondent}; "
            "make the weights from this export's respondents.csv "
            "(pwe weight)"
        ) from None


def _file_order(path: Path) -> tuple[int, str]:
    order = [*TABLES, CODEBOOK, WORKBOOK_FILE, DEFINITION_FILE]
    stem = path.name if path.name in order else path.stem
    return (order.index(stem) if stem in order else len(order), path.name)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """Whole floats as integers ("3", not "3.0"); missing values as None."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    return value


# what a cell may start with to need `neutralise` (a quote may precede a formula character)
_RISKY = frozenset("=+-@\t\r'")


def _safe_cell(value: Any) -> Any:
    """A cell as a spreadsheet should get it: `_plain` numbers, `neutralise`d text (whole
    numbers, empty cells and text that cannot start a formula take the quick way)."""
    kind = type(value)
    if kind is int or value is None or (kind is str and value[:1] not in _RISKY):
        return value
    return neutralise(_plain(value))


# --- CSV ---------------------------------------------------------------------------------------


class _CsvSink:
    """One UTF-8 CSV file per table; spreadsheet-safe cells."""

    cell = staticmethod(_safe_cell)

    def __init__(self, folder: Path, kinds: Mapping[str, Mapping[str, str]]) -> None:
        self.folder = folder
        self.counts: dict[str, int] = {}
        self._files, self._writers = {}, {}
        for name in TABLES:
            file = open(folder / f"{name}.csv", "w", newline="", encoding="utf-8")
            self._files[name] = file
            self._writers[name] = csv.writer(file, lineterminator="\n")
            self._writers[name].writerow([neutralise(column) for column in kinds[name]])
            self.counts[f"{name}.csv"] = 0
        self._count_names = {name: f"{name}.csv" for name in TABLES}

    def write(self, table: str, rows: list[list]) -> None:
        self._writers[table].writerows(rows)
        self.counts[self._count_names[table]] += len(rows)

    def abandon(self) -> None:
        for file in self._files.values():
            file.close()

    def close(self, codebook) -> None:
        self.abandon()
        path = self.folder / f"{CODEBOOK}.csv"
        codebook.map(neutralise).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        self.counts[path.name] = len(codebook)


# --- XLSX --------------------------------------------------------------------------------------


class _XlsxSink:
    """One workbook, a sheet per table plus the codebook, written in openpyxl's streaming mode."""

    cell = staticmethod(_safe_cell)

    def __init__(self, folder: Path, kinds: Mapping[str, Mapping[str, str]]) -> None:
        from openpyxl import Workbook

        self.path = folder / WORKBOOK_FILE
        self.book = Workbook(write_only=True)
        self.counts = {WORKBOOK_FILE: 0}
        self._rows = dict.fromkeys(TABLES, 0)
        self._sheets = {}
        for name in TABLES:
            self._sheets[name] = self.book.create_sheet(name)
            self._sheets[name].append([neutralise(column) for column in kinds[name]])

    def write(self, table: str, rows: list[list]) -> None:
        self._rows[table] += len(rows)
        if self._rows[table] >= SHEET_ROWS:
            raise ExportFileError(
                f"{table} has more rows than a spreadsheet sheet holds "
                f"({SHEET_ROWS - 1:,}); export it with --format csv or parquet"
            )
        for row in rows:
            self._sheets[table].append(row)

    def abandon(self) -> None:
        self.book.save(self.path)  # closes the sheets' temporary files; the scratch folder goes

    def close(self, codebook) -> None:
        sheet = self.book.create_sheet(CODEBOOK)
        sheet.append([neutralise(column) for column in codebook.columns])
        for row in codebook.itertuples(index=False):
            sheet.append([neutralise(value) for value in row])
        self.book.save(self.path)
        self.counts[WORKBOOK_FILE] = sum(self._rows.values())


# --- Parquet -----------------------------------------------------------------------------------


class _ParquetSink:
    """One Parquet file per table, typed by the codebook, written in batches; codebook.csv beside."""

    cell = None  # typed per column when a batch is written

    def __init__(self, folder: Path, kinds: Mapping[str, Mapping[str, str]]) -> None:
        import pyarrow as pa

        self.folder = folder
        self.counts: dict[str, int] = {}
        self._types = {
            TEXT: pa.string(),
            CATEGORY: pa.string(),
            DATETIME: pa.string(),
            INTEGER: pa.int64(),
            NUMBER: pa.float64(),
        }
        self._kinds = {name: list(kinds[name].values()) for name in TABLES}
        self._schemas = {
            name: pa.schema([(column, self._types[kind]) for column, kind in kinds[name].items()])
            for name in TABLES
        }
        self._buffers: dict[str, list[list]] = {name: [] for name in TABLES}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def write(self, table: str, rows: list[list]) -> None:
        buffer = self._buffers[table]
        buffer += rows
        if len(buffer) >= _PARQUET_BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows, kinds, schema = self._buffers[table], self._kinds[table], self._schemas[table]
        columns = list(zip(*rows)) if rows else [()] * len(schema)
        batch = pa.Table.from_arrays(
            [_arrow_column(values, kind, field) for values, kind, field in zip(columns, kinds, schema)],
            schema=schema,
        )
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.folder / f"{table}.parquet", schema)
        self._writers[table].write_table(batch)
        self.counts[f"{table}.parquet"] = self.counts.get(f"{table}.parquet", 0) + len(rows)
        self._buffers[table] = []

    def abandon(self) -> None:
        for writer in self._writers.values():
            writer.close()

    def close(self, codebook) -> None:
        for table in TABLES:
            self._flush(table)
            self._writers[table].close()
        path = self.folder / f"{CODEBOOK}.csv"
        codebook.map(neutralise).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        self.counts[path.name] = len(codebook)


def _arrow_column(values, kind: str, field):
    """A column of cells as the Parquet field's type: converted by pyarrow (a safe cast: a
    fraction never becomes a whole number), or cell by cell when the column mixes types."""
    import pyarrow as pa

    try:
        array = pa.array(values, from_pandas=True)
        return array if array.type == field.type else array.cast(field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array([_typed(value, kind, field.name) for value in values], type=field.type)


def _typed(value: Any, kind: str, column: str) -> Any:
    """A cell as the Parquet column's type holds it (missing: None)."""
    if _missing(value):
        return None
    if kind == NUMBER:
        return float(value)
    if kind == INTEGER:
        if float(value).is_integer():
            return int(value)
        raise ExportFileError(f"column {column}: {value!r} is not a whole number")
    return str(_plain(value))


_Sink = _CsvSink | _XlsxSink | _ParquetSink
_SINKS: dict[str, type[_Sink]] = {"csv": _CsvSink, "xlsx": _XlsxSink, "parquet": _ParquetSink}
