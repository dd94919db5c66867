"""Read an export set back (CSV, XLSX or Parquet) as typed tables, the same from every format.

The codebook says each column's kind; text cells that spreadsheet safety quoted get their text
back (`analysis.exports.safety.restore`), numbers are numbers again.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analysis.exports.codebook import INTEGER, NUMBER
from analysis.exports.safety import restore
from analysis.exports.writers import CODEBOOK, TABLES, WORKBOOK_FILE


class ExportReadError(ValueError):
    """The folder holds no readable export set; the message says what is missing."""


def read_export(folder: str | Path) -> dict[str, pd.DataFrame]:
    """{respondents, choices, motivations, codebook}: the tables of an export folder."""
    folder = Path(folder)
    workbook = folder / WORKBOOK_FILE
    if workbook.is_file():
        sheets = pd.read_excel(workbook, sheet_name=None, dtype=object)
        missing = [name for name in (*TABLES, CODEBOOK) if name not in sheets]
        if missing:
            raise ExportReadError(f"{workbook}: no sheet {', '.join(missing)}")
        raw = {name: sheets[name] for name in (*TABLES, CODEBOOK)}
    else:
        codebook_file = folder / f"{CODEBOOK}.csv"
        raw = {CODEBOOK: _read_csv(codebook_file)}
        for name in TABLES:
            parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
            raw[name] = pd.read_parquet(parquet) if parquet.is_file() else _read_csv(csv)
    codebook = _restored(raw[CODEBOOK].astype(object).where(raw[CODEBOOK].notna(), None))
    kinds: dict[str, dict[str, str]] = {}
    for file, column, kind in zip(codebook["file"], codebook["column"], codebook["type"]):
        kinds.setdefault(file, {})[column] = kind
    tables = {name: typed(raw[name], kinds.get(name, {})) for name in TABLES}
    return {**tables, CODEBOOK: codebook}


def typed(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """The columns as their kinds say: integers (nullable), floats, or text (None when empty)."""
    out: dict[str, pd.Series] = {}
    for column in frame.columns:
        kind = kinds.get(restore(column), "text")
        values = frame[column]
        if kind == INTEGER:
            out[restore(column)] = pd.to_numeric(values).astype("Int64")
        elif kind == NUMBER:
            out[restore(column)] = pd.to_numeric(values).astype(float)
        else:
            out[restore(column)] = pd.Series(
                [None if _empty(value) else restore(_text(value)) for value in values],
                index=frame.index,
                dtype=object,
            )
    return pd.DataFrame(out, index=frame.index)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ExportReadError(f"{path.parent}: no {path.name} (write one with pwe export)")
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _restored(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=restore).map(restore)


def _empty(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
