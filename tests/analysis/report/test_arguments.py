"""The report's arguments section: motivations for and against each option, coded by a codebook
with counts, shares (weighted when the report is) and masked quotes; without a codebook the
counts, quotes and how to get codes; payloads and personal data in a motivation come out inert."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from analysis.arguments import Code, Codebook, read_codebook
from analysis.report.arguments import AGAINST, FOR, UNCODED, arguments_table, coded, per_option, stances
from analysis.report.files import CSV_FOLDER, XLSX_FILE
from analysis.report.weights import Weighting
from analysis.tables import motivations_from_respondents
from surveys.load import parse
from tests.analysis.report.conftest import make, simulated
from tests.conftest import EXAMPLES

CODEBOOK = EXAMPLES / "codebooks" / "lelylijn.yaml"
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://example.invalid","click")'
PERSONAL = "Mail me: jan.jansen@example.nl of bel 06-12345678, ik woon op 8232 AB."


@pytest.fixture(scope="module")
def lelylijn_page():
    consultation = parse((EXAMPLES / "lelylijn.yaml").read_text(encoding="utf-8"))
    return next(page for page in consultation.pages if page.id == "investments")


def motivations(rows):
    return pd.DataFrame(rows, columns=["respondent", "page", "option", "level", "direction", "text"])


COSTS = Code("cost", {"en": "Too expensive"}, {"en": ("expensive", "cost*")})
NEED = Code("need", {"en": "Needed"}, {"en": ("need*",)})


def test_chosen_is_for_and_a_level_above_the_start_is_for():
    ruimte = parse((EXAMPLES / "ruimte-2050.yaml").read_text(encoding="utf-8"))
    page = next(p for p in ruimte.pages if p.id == "advice")
    frame = motivations(
        [
            ["a", page.id, "housing", 1, "level", "more homes"],
            ["b", page.id, "housing", 0, "level", "as planned"],
            ["c", page.id, "housing", -2, "level", "less"],
            ["d", "other", "housing", 2, "level", "another page"],
        ]
    )
    assert list(stances(frame, page)["direction"]) == [FOR, AGAINST, AGAINST]


def test_toggles_keep_their_direction(lelylijn_page):
    frame = motivations(
        [
            ["a", "investments", "roads", 1, "chosen", "yes"],
            ["b", "investments", "roads", 0, "not chosen", "no"],
        ]
    )
    assert list(stances(frame, lelylijn_page)["direction"]) == [FOR, AGAINST]


def test_codes_counts_weighted_shares_and_quotes_per_option_and_direction(lelylijn_page):
    frame = motivations(
        [
            ["a", "investments", "roads", 0, AGAINST, "Far too expensive, and costs go up."],
            ["b", "investments", "roads", 0, AGAINST, "Expensive."],
            ["c", "investments", "roads", 0, AGAINST, "I never drive."],
            ["d", "investments", "roads", 1, FOR, "We need roads, mail d@example.org"],
            ["e", "investments", "bus_network", 1, FOR, "Needed and not expensive"],
        ]
    )
    weights = pd.Series({"a": 3.0, "b": 1.0, "c": 1.0, "d": 1.0, "e": 2.0})
    table = arguments_table(frame, coded(frame, Codebook((COSTS, NEED))), lelylijn_page, weights)
    # the page's option order (bus network before roads), for before against, the uncoded last
    assert list(zip(table["option"], table["direction"], table["code"])) == [
        ("bus_network", FOR, "cost"),
        ("bus_network", FOR, "need"),
        ("roads", FOR, "need"),
        ("roads", AGAINST, "cost"),
        ("roads", AGAINST, UNCODED),
    ]
    cost = table[(table["option"] == "roads") & (table["code"] == "cost")].iloc[0]
    assert (cost["count"], cost["texts"], cost["share"]) == (2, 3, pytest.approx(2 / 3))
    assert cost["weighted_count"] == 4.0 and cost["weighted_share"] == pytest.approx(4 / 5)
    assert cost["quotes"].split("\n") == ["Far too expensive, and costs go up.", "Expensive."]
    need = table[(table["option"] == "roads") & (table["code"] == "need")].iloc[0]
    assert need["quotes"] == "We need roads, mail [e-mail]"
    overview = per_option(frame, lelylijn_page, weights).set_index("option")
    assert overview.loc["roads", "texts_against"] == 3 and overview.loc["roads", "texts_for"] == 1
    assert overview.loc["roads", "weighted_texts_against"] == 5.0
    assert overview.loc["lelylijn_fast", "texts_for"] == 0


def test_without_a_codebook_every_text_counts_per_option_and_direction(lelylijn_page):
    frame = motivations(
        [["a", "investments", "roads", 0, AGAINST, f"reason {k} " + "word " * 80] for k in range(5)]
    )
    table = arguments_table(frame, coded(frame, None), lelylijn_page, None)
    assert list(table["code"]) == [UNCODED] and table["texts"].iloc[0] == 5
    quotes = table["quotes"].iloc[0].split("\n")
    assert len(quotes) == 3 and all(len(q) <= 200 and q.endswith("…") for q in quotes)
    assert "weighted_share" not in table


def test_motivations_come_from_the_respondents_table_as_from_the_records():
    data, _ = simulated("lelylijn", n=60)
    from_table = motivations_from_respondents(data.consultation, data.respondents)
    assert len(from_table) > 60
    first = from_table.iloc[0]
    row = data.respondents.set_index("respondent").loc[first["respondent"]]
    assert row[f"why.{first['option']}"] == first["text"]
    assert first["direction"] == ("chosen" if row[first["option"]] == 1 else "not chosen")


def test_report_with_the_shipped_codebook(tmp_path):
    data, _ = simulated("lelylijn", n=300)
    report = make(data, tmp_path, language="en", codebook=read_codebook(CODEBOOK), command="pwe report")
    ids = [section.id for section in report.sections]
    assert ids.index("arguments") == ids.index("evaluation") - 1 and ids.index("values") < ids.index(
        "arguments"
    )
    numbers = report.results["arguments"]
    assert numbers["coded"] is True and numbers["weighted"] is False
    page = numbers["pages"]["investments"]
    assert page["texts"] == sum(o["texts_for"] + o["texts_against"] for o in page["options"])
    codes = {row["code"] for row in page["arguments"]}
    assert {"too_expensive", "budget", "need", "region"} <= codes
    assert all(row["quotes"] for row in page["arguments"])
    per_option = {f"investments_arguments_{option['option']}" for option in page["options"]}
    assert per_option | {"investments_motivations"} <= set(report.tables)
    written = pd.read_csv(tmp_path / CSV_FOLDER / "investments_arguments_roads.csv")
    assert set(written["option"]) == {"roads"}
    assert {"option", "direction", "code", "count", "texts", "share", "quotes"} <= set(written.columns)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="arguments"' in html and "Too expensive" in html and 'class="pwe-quote"' in html


def test_report_without_a_codebook_says_how_to_get_codes(tmp_path):
    data, _ = simulated("lelylijn", n=120)
    report = make(data, tmp_path, language="nl", name="lelylijn", command="pwe report")
    assert report.results["arguments"]["coded"] is False
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "pwe arguments lelylijn --suggest --out codebook.yaml" in html and "--codebook" in html
    rows = report.results["arguments"]["pages"]["investments"]["arguments"]
    assert {row["code"] for row in rows} == {UNCODED} and all(row["quotes"] for row in rows)


def test_weighted_report_counts_each_motivation_with_its_writers_weight(tmp_path):
    data, _ = simulated("lelylijn", n=150)
    people = data.respondents["respondent"]
    weights = pd.Series([2.0 if k % 2 else 0.5 for k in range(len(people))], index=people.to_numpy())
    report = make(
        data,
        tmp_path,
        codebook=read_codebook(CODEBOOK),
        command="pwe report",
        weighting=Weighting(weights / weights.mean(), "file"),
    )
    numbers = report.results["arguments"]
    assert numbers["weighted"] is True
    row = numbers["pages"]["investments"]["arguments"][0]
    assert 0 < row["weighted_share"] <= 1 and row["weighted_count"] != row["count"]
    assert "gewogen" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_payloads_and_personal_data_in_motivations_come_out_inert(tmp_path):
    data, _ = simulated("lelylijn", n=200)
    people = data.respondents
    people["why.lelylijn_fast"] = XSS
    people["why.roads"] = FORMULA
    people["why.bus_network"] = PERSONAL
    make(data, tmp_path, codebook=read_codebook(CODEBOOK), command="pwe report")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
    for leaked in ("jan.jansen@example.nl", "06-12345678", "8232 AB"):
        assert leaked not in html and leaked not in (tmp_path / "results.json").read_text(encoding="utf-8")
    assert "[e-mail]" in html and "[phone]" in html and "[postcode]" in html
    for path in (tmp_path / CSV_FOLDER).glob("*.csv"):
        assert "jan.jansen@example.nl" not in path.read_text(encoding="utf-8")
    csv = pd.read_csv(
        tmp_path / CSV_FOLDER / "investments_arguments_roads.csv", dtype=str, keep_default_na=False
    )
    quotes = list(csv["quotes"])
    assert '\'=HYPERLINK("[url]","click")' in quotes
    assert not any(str(cell).startswith(("=", "+", "-", "@")) for cell in csv.to_numpy().ravel())
    sheet = openpyxl.load_workbook(tmp_path / XLSX_FILE)["investments_arguments_roads"]
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("[url]","click")' in cells
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in cells)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    quoted = [q for row in results["arguments"]["pages"]["investments"]["arguments"] for q in row["quotes"]]
    assert '=HYPERLINK("[url]","click")' in quoted
