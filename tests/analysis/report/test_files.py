"""What `pwe report` writes: one self-contained HTML file, results.json with every table, a
CSV per table and tables.xlsx; texts from the definition and the answers come out inert."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd
import pytest

from analysis.report.build import ReportError, build_report
from analysis.report.context import ReportOptions
from analysis.report.files import CSV_FOLDER, XLSX_FILE
from analysis.report.inputs import read_export
from analysis.report.render import PLOTLY_JS
from analysis.report.weights import weigh
from pwe.services.export import write_tables
from tests.analysis.report.conftest import make, simulated
from tests.conftest import EXAMPLES

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://example.invalid","click")'


def test_html_is_self_contained_with_plotly_once_and_no_remote_resource(lelylijn):
    html = (lelylijn[2] / "report.html").read_text(encoding="utf-8")
    plotly_js = PLOTLY_JS.read_text(encoding="utf-8")
    assert html.count(plotly_js[:200]) == 1
    assert len(re.findall(r"<script>", html)) == 2  # plotly.js, and the charts' loader
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert 'lang="nl"' in html and "utrecht-table" in html and ".voorbeeld-theme{" in html
    assert "@media print" in html


def test_every_chart_has_alt_text_and_its_numbers_in_a_table(lelylijn):
    html = (lelylijn[2] / "report.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert len(figures) >= 5
    for figure in figures:
        assert re.search(r'role="img" aria-label="[^"]{20,}"', figure)
        assert "<table" in figure and "pwe-chart-data" in figure


def test_results_json_and_table_files_hold_every_table(lelylijn):
    report, _, out = lelylijn
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(results["tables"]) == set(report.tables)
    csvs = {path.stem for path in (out / CSV_FOLDER).glob("*.csv")}
    assert csvs == set(report.tables)
    book = openpyxl.load_workbook(out / XLSX_FILE, read_only=True)
    contents = list(book["contents"].iter_rows(values_only=True))[1:]
    assert {row[1] for row in contents} == set(report.tables)
    shares = pd.read_csv(out / CSV_FOLDER / "investments_option_shares.csv")
    assert shares["share"].between(0, 1).all()
    assert (shares["share_low"] <= shares["share"]).all()
    assert results["participation"]["completed"] == 3000
    assert len(results["method"]["definition_sha256"] or "") == 64


def test_sources_are_side_by_side_never_pooled(tmp_path):
    data, _ = simulated("lelylijn", n=400)
    data.respondents["source"] = ["open" if i % 3 else "invitation" for i in range(len(data.respondents))]
    report = make(data, tmp_path, command="pwe report lelylijn")
    by_source = report.tables["investments_by_source"].frame
    assert {"share:open", "share:invitation"} <= set(by_source.columns)
    completed = {row["source"]: row["completed"] for row in report.results["participation"]["by_source"]}
    assert completed == {"open": 266, "invitation": 134}


def test_xss_and_formula_payloads_come_out_inert(tmp_path):
    text = (EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8")
    text = (
        text.replace('nl: "Snelle Lelylijn via Drachten"', f"nl: '{XSS}'")
        .replace('nl: "Snelbusnetwerk in het Noorden"', f"nl: '{FORMULA}'")
        .replace('nl: "Een snelle spoorlijn naar het Noorden? (demo)"', f"nl: '{XSS}'")
    )
    data, _ = simulated("lelylijn", n=300, text=text)
    data.respondents["lives_north"] = [XSS if i % 2 else "no" for i in range(len(data.respondents))]
    make(data, tmp_path, by=("lives_north",), command="pwe report lelylijn")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html
    sheet = openpyxl.load_workbook(tmp_path / XLSX_FILE)["investments_option_shares"]
    labels = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"'{FORMULA}" in labels
    assert all(not str(cell.value).startswith("=") for row in sheet.iter_rows() for cell in row)


def test_without_a_definition_the_report_says_what_the_tables_allow(tmp_path):
    data, _ = simulated("lelylijn", n=200)
    consultation = data.consultation
    records_dir = tmp_path / "export"
    from analysis.simulation import load_value_weights, simulate_responses

    weights = load_value_weights(EXAMPLES / "value-weights" / "lelylijn.yaml", consultation)
    write_tables(consultation, simulate_responses(consultation, weights, 200), records_dir)
    bare = read_export(records_dir)
    assert bare.consultation is None
    report = make(bare, tmp_path / "out", name="lelylijn", command="pwe report lelylijn")
    assert report.results["notes"] and "definitie" in report.results["notes"][0]
    assert "option_shares" in report.tables and "values" not in report.results
    assert (tmp_path / "out" / "report.html").is_file()


def test_export_directory_with_definition_reads_it(tmp_path):
    data, _ = simulated("lelylijn", n=200)
    from analysis.simulation import load_value_weights, simulate_responses

    weights = load_value_weights(EXAMPLES / "value-weights" / "lelylijn.yaml", data.consultation)
    write_tables(data.consultation, simulate_responses(data.consultation, weights, 200), tmp_path)
    (tmp_path / "definition.yaml").write_text(data.definition_text, encoding="utf-8")
    assert read_export(tmp_path).consultation.id == "lelylijn"


def test_unknown_by_question_names_the_columns_to_choose_from():
    data, _ = simulated("lelylijn", n=50)
    with pytest.raises(ReportError, match="--by region: not a column .* choose from .*lives_north"):
        build_report(data, ReportOptions(by=("region",)), weigh(data.respondents))
