"""Pabulib .pb: a demo consultation's export read by pabutools with the same votes, and a real
pabulib election read as tables the portfolio logit fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from pabutools.election import parse_pabulib

from analysis.exports.pabulib import (
    BALLOT_GROUP,
    PabulibError,
    pabulib_pages,
    read_pabulib,
    write_pabulib,
    write_tables,
)
from analysis.models.files import FitError, fit_file
from analysis.simulation import load_value_weights, simulate_responses
from analysis.tables import choices_table
from surveys.load import load
from tests.conftest import EXAMPLES

REAL = Path(__file__).parent / "pabulib" / "poland_warszawa_2019_miedzeszyn.pb"


@pytest.fixture(scope="module")
def lelylijn():
    consultation = load(EXAMPLES / "lelylijn.yaml")
    weights = load_value_weights(EXAMPLES / "value-weights" / "lelylijn.yaml", consultation)
    return consultation, simulate_responses(consultation, weights, 120, seed=4)


def approvals(table) -> dict[str, set[str]]:
    chosen = table[table["choice"] == 1]
    votes = {respondent: set() for respondent in table["respondent"]}
    for respondent, option in zip(chosen["respondent"], chosen["option"]):
        votes[respondent].add(option)
    return votes


def test_demo_export_is_read_by_pabutools_with_the_same_votes(lelylijn, tmp_path):
    consultation, records = lelylijn
    assert [page.id for page in pabulib_pages(consultation)] == ["investments"]
    written = write_pabulib(consultation, records, tmp_path)
    assert [path.name for path, _ in written] == [
        f"lelylijn_investments_{version.id}.pb" for version in consultation.versions
    ]
    choices = choices_table(consultation, records)
    for (path, votes), version in zip(written, consultation.versions):
        instance, profile = parse_pabulib(str(path))
        design = consultation.for_version(version.id)
        page = design.page("investments")
        assert instance.budget_limit == design.constraint("budget").max
        assert {p.name: p.cost for p in instance} == {o.id: o.use["budget"] for o in page.options}
        ours = approvals(choices[(choices.task == "investments") & (choices.version == version.id)])
        theirs = {ballot.meta["voter_id"]: {p.name for p in ballot} for ballot in profile}
        assert theirs == ours and votes == len(ours) > 0
        assert {"age", "province", "source"} <= set().union(*(ballot.meta for ballot in profile))


def test_pb_export_reads_back_with_the_same_votes(lelylijn, tmp_path):
    consultation, records = lelylijn
    (path, _), *_ = write_pabulib(consultation, records, tmp_path)
    election = read_pabulib(path)
    choices = choices_table(consultation, records)
    assert approvals(election.choices) == approvals(
        choices[(choices.task == "investments") & (choices.version == "A")]
    )
    assert set(election.choices["budget"]) == {3000}


def test_real_election_reads_as_pabutools_reads_it():
    election = read_pabulib(REAL)
    instance, profile = parse_pabulib(str(REAL))
    assert len(election.respondents) == len(profile) == 295
    assert approvals(election.choices) == {b.meta["voter_id"]: {p.name for p in b} for b in profile}
    assert list(election.respondents.columns) == ["respondent", "age", "sex", "voting_method"]
    costs = election.choices.groupby("option")["cost"].first().to_dict()
    assert costs == {p.name: int(p.cost) for p in instance}
    # max_sum_cost is the budget; min_length 1 (every ballot approves a project) is the same as
    # spending at least the cheapest project's cost
    assert set(election.choices["budget"]) == {137672}
    assert set(election.choices["budget_min"]) == {5940}
    assert election.notes == ()


def test_real_election_fits_without_the_budget_term(tmp_path):
    write_tables(read_pabulib(REAL), tmp_path)
    with pytest.raises(FitError, match="delta0 is not identified.*costs the same for everyone"):
        fit_file(tmp_path / "choices.csv", "portfolio-logit", [], delta0=True)
    result = fit_file(tmp_path / "choices.csv", "portfolio-logit", [])
    assert len(result.params) == 5 and result.converged
    assert any("without the budget term" in note for note in result.notes)
    assert fit_file(tmp_path / "choices.csv", "portfolio-logit", [], delta0=False).params.equals(
        result.params
    )
    # the most approved projects get the largest constants
    assert result.params.sort_values().index[-2:].tolist() in (
        ["asc:1438", "asc:578"],
        ["asc:578", "asc:1438"],
    )


def election_text(meta: str = "", votes: str = "1;a\n2;a,b\n3;\n") -> str:
    return (
        f"META\nkey;value\nbudget;100\nvote_type;approval\n{meta}"
        f'PROJECTS\nproject_id;cost;name\na;60;"Park; met bankjes"\nb;50;Bibliotheek\n'
        f"VOTES\nvoter_id;vote\n{votes}"
    )


@pytest.mark.parametrize(
    "meta,group,low,note",
    [
        ("max_length;1\nmax_sum_cost;100\n", BALLOT_GROUP, 0, None),
        ("min_length;2\nmax_sum_cost;100\n", None, 0, "at least 2 projects"),
        ("max_sum_cost;100\nmin_sum_cost;40\n", None, 40, None),
        ("", None, 0, "no cost limit"),
    ],
)
def test_ballot_rules_become_budget_minimum_and_group(tmp_path, meta, group, low, note):
    path = tmp_path / "e.pb"
    path.write_text(election_text(meta), encoding="utf-8")
    election = read_pabulib(path)
    assert set(election.choices["group"]) == {group}
    assert set(election.choices["budget_min"]) == {low}
    assert (note is None) == (not election.notes)
    if note:
        assert note in election.notes[0]


@pytest.mark.parametrize(
    "text,message",
    [
        (election_text().replace("approval", "cumulative"), "vote_type cumulative is not supported"),
        (election_text(votes="1;a,z\n"), "line 11: voter 1 approves z, which PROJECTS does not list"),
        (election_text(votes="1;a\n1;b\n"), "line 12: voter_id 1 is missing or appears twice"),
        (election_text().replace("b;50;", "b;veel;"), "line 8: project b has cost 'veel'"),
        ("META\nkey;value\nbudget;1\n", "no PROJECTS or VOTES section"),
        ("hallo\n", "line 1: expected META, PROJECTS or VOTES first"),
    ],
)
def test_broken_files_name_the_place(tmp_path, text, message):
    path = tmp_path / "e.pb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PabulibError, match=message):
        read_pabulib(path)


def test_consultation_without_a_pabulib_page_is_said(tmp_path):
    ruimte = load(EXAMPLES / "ruimte-2050.yaml")
    with pytest.raises(PabulibError, match="no portfolio page with one constraint and on/off"):
        write_pabulib(ruimte, [], tmp_path)
