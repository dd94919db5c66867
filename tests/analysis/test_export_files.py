"""The export set: every format reads back as the same tables, spreadsheet safety, the codebook,
the weight column, and the analysis readers on an export with hostile texts."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.exports import writers
from analysis.exports.codebook import codebook_table, column_kinds
from analysis.exports.reading import read_export, typed
from analysis.exports.safety import neutralise, restore
from analysis.exports.weights import WeightsFileError, read_weights
from analysis.exports.writers import ExportFileError, write_export_set
from analysis.models.files import fit_file
from analysis.tables import choices_table, motivations_table, respondents_table
from analysis.weighting import weight_file
from surveys.load import parse
from tests.analysis.test_tables import CONSULTATION, record
from tests.conftest import EXAMPLES

FORMULA = '=HYPERLINK("http://evil.example","klik")'
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE = [
    "-2+3",
    "@SUM(A1)",
    "+31 6 1234",
    "\tTab",
    "\rReturn",
    "'=quoted",
    "''-twice",
    "'s-Hertogenbosch",
    "gewoon",
    "",
    "-",
    "=",
    FORMULA,
]


def hostile_records() -> list[dict]:
    """Two respondents whose motivations hold a formula and a script; one typed a negative number."""
    first = record("r1", **{"why-advice": {"rail": FORMULA, "bus": XSS, "park": "-5 euro"}})
    first["answers"]["about_you"]["trips"] = -3
    return [first, record("r2", "B")]


def csv_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def csv_dicts(path: Path) -> list[dict[str, str]]:
    header, *rows = csv_rows(path)
    return [dict(zip(header, row)) for row in rows]


def export(tmp_path: Path, format: str, **options) -> Path:
    out = tmp_path / format
    write_export_set(
        CONSULTATION, hostile_records(), out, format=format, definition_text="id: sample\n", **options
    )
    return out


# --- one function for spreadsheet safety ---------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_restore_undoes_neutralise_exactly(text):
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize(
    "text,written",
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("a=b", "a=b"),
    ],
)
def test_text_that_could_run_as_a_formula_is_quoted(text, written):
    assert neutralise(text) == written


@pytest.mark.parametrize("number", [-3, -2.5, 0, 7])
def test_numbers_stay_numbers(number):
    assert neutralise(number) is number


# --- every format reads back as the same tables --------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "xlsx", "parquet"])
def test_every_format_reads_back_as_the_tables(tmp_path, format):
    records = hostile_records()
    kinds = column_kinds(CONSULTATION)
    expected = {
        "respondents": respondents_table(CONSULTATION, records),
        "choices": choices_table(CONSULTATION, records),
        "motivations": motivations_table(CONSULTATION, records),
    }
    tables = read_export(export(tmp_path, format))
    for name, table in expected.items():
        pd.testing.assert_frame_equal(tables[name], typed(table, kinds[name]), obj=name)
    assert tables["motivations"]["text"].tolist()[:3] == [FORMULA, XSS, "-5 euro"]
    assert tables["respondents"]["trips"].tolist() == [-3.0, 3.0]


def test_csv_files_are_the_export_set(tmp_path):
    out = export(tmp_path, "csv")
    assert sorted(path.name for path in out.iterdir()) == [
        "choices.csv",
        "codebook.csv",
        "definition.yaml",
        "motivations.csv",
        "respondents.csv",
    ]
    assert (out / "definition.yaml").read_text(encoding="utf-8") == "id: sample\n"
    rows = csv_dicts(out / "motivations.csv")
    assert [(r["option"], r["level"], r["direction"]) for r in rows[:3]] == [
        ("rail", "2", "level"),
        ("bus", "0", "not chosen"),
        ("park", "1", "chosen"),
    ]


# --- payloads come out inert ---------------------------------------------------------------------


def test_csv_quotes_formulas_and_keeps_numbers(tmp_path):
    out = export(tmp_path, "csv")
    motivations = csv_rows(out / "motivations.csv")
    texts = [row[-1] for row in motivations[1:4]]
    assert texts == ["'" + FORMULA, XSS, "'-5 euro"]
    respondents = csv_dicts(out / "respondents.csv")
    assert respondents[0]["trips"] == "-3"  # a negative number is not text
    assert respondents[0]["why.rail"] == "'" + FORMULA
    for path in out.glob("*.csv"):
        for row in csv_rows(path):
            assert not any(cell[:1] in "=+@\t\r" for cell in row if cell), (path.name, row)


def test_xlsx_has_no_formula_and_numbers_stay_numbers(tmp_path):
    book = load_workbook(export(tmp_path, "xlsx") / "export.xlsx")
    assert book.sheetnames == ["respondents", "choices", "motivations", "codebook"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert "'" + FORMULA in texts and XSS in texts
    header = [cell.value for cell in book["respondents"][1]]
    trips = book["respondents"].cell(row=2, column=header.index("trips") + 1)
    assert (trips.value, trips.data_type) == (-3, "n")


def test_analysis_readers_read_an_export_with_hostile_texts(tmp_path):
    older = record("r3", about_you={"age": "old", "transport": [], "trips": -1, "trust": "dk"})
    write_export_set(CONSULTATION, [*hostile_records(), older], tmp_path / "out")
    margins = tmp_path / "margins.yaml"
    margins.write_text(
        "age: {young: 0.5, old: 0.5}\ntrips: {'-3': 0.2, '3': 0.3, '-1': 0.5}\n", encoding="utf-8"
    )
    result = weight_file(tmp_path / "out" / "respondents.csv", margins, tmp_path / "w.csv")
    assert result.weights.round(6).tolist() == [0.6, 0.9, 1.5]
    varied = [
        record(f"v{k}", land_use=dict(zip(("houses", "forest"), levels)))
        for k, levels in enumerate([(1, 0), (0, 1), (1, 1)] * 2)
    ]
    write_export_set(CONSULTATION, hostile_records() + varied, tmp_path / "fit")
    result = fit_file(tmp_path / "fit" / "choices.csv", "portfolio-logit", [], task="land_use", delta0=False)
    assert result.params.index.tolist() == ["asc:houses", "asc:forest"]


# --- weights, codebook, errors -------------------------------------------------------------------


def test_weights_add_a_weight_column(tmp_path):
    tables = read_export(export(tmp_path, "csv", weights={"r1": 0.5, "r2": 1.5}))
    assert tables["respondents"]["weight"].tolist() == [0.5, 1.5]
    assert set(tables["choices"].groupby("respondent")["weight"].first()) == {0.5, 1.5}
    assert "weight" in set(tables["codebook"]["column"])


def test_a_respondent_without_weight_is_an_error_and_leaves_no_files(tmp_path):
    with pytest.raises(ExportFileError, match="no weight for respondent r2"):
        export(tmp_path, "csv", weights={"r1": 1.0})
    assert list((tmp_path / "csv").iterdir()) == []


@pytest.mark.parametrize(
    "content,message",
    [
        ("respondent,weight\nr1,1\nr1,2\n", "line 3: respondent r1 appears twice"),
        ("respondent,weight\nr1,-1\n", "line 2: the weight of respondent r1 is '-1'"),
        ("respondent,weight\nr1,veel\n", "line 2: the weight of respondent r1 is 'veel'"),
        ("respondent,weight\nr1,0\nr2,0\n", "every weight is 0"),
        ("who,w\nr1,1\n", "needs the columns respondent and weight"),
    ],
)
def test_weights_file_errors_name_the_place(tmp_path, content, message):
    path = tmp_path / "w.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WeightsFileError, match=message):
        read_weights(path)


def test_weights_file_from_dutch_excel_is_read(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("respondent;weight\nr1;0,5\nr2;1,5\n", encoding="utf-8")
    assert read_weights(path) == {"r1": 0.5, "r2": 1.5}


def test_a_sheet_too_long_for_a_spreadsheet_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "SHEET_ROWS", 10)
    with pytest.raises(ExportFileError, match="choices has more rows than a spreadsheet"):
        export(tmp_path, "xlsx")
    assert list((tmp_path / "xlsx").iterdir()) == []


def test_codebook_describes_every_column_in_every_language():
    lelylijn = parse((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"))
    codebook = codebook_table(lelylijn)
    described = {(row.file, row.column) for row in codebook.itertuples()}
    columns = {("respondents", c) for c in respondents_table(lelylijn, []).columns}
    columns |= {("choices", c) for c in choices_table(lelylijn, []).columns}
    columns |= {("motivations", c) for c in motivations_table(lelylijn, []).columns}
    assert described == columns
    assert {"text.nl", "text.en", "labels.nl", "labels.en"} <= set(codebook.columns)
    fast = codebook[(codebook.file == "respondents") & (codebook.column == "lelylijn_fast")].iloc[0]
    assert (fast["type"], fast["values"], fast["text.en"]) == (
        "integer",
        "0; 1",
        "Fast Lelylijn via Drachten",
    )
    assert not codebook[["text.nl", "text.en"]].isna().any().any()


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ExportFileError, match="choose one of csv, xlsx, parquet"):
        write_export_set(CONSULTATION, [], tmp_path, format="ods")
