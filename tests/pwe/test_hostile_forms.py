"""Every citizen form of both demos, fed random and adversarial values (hypothesis): never a
server error, nothing stored that the server's own parse would not accept, and every message
names its field (by its label, or by quoting a name the form does not have).

hypothesis explores combinations no hand-written case list covers (a bidi character in a level,
a NaN among the points, an unknown field beside a valid one); derandomized, so CI sees the same
examples every run.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer
from pwe.services.consultations import import_definition
from surveys.answers import field_label, parse_motivation, parse_page
from surveys.definition import PointsPage, PortfolioPage, QuestionsPage
from surveys.feasibility import allowed_levels, check_points, check_portfolio
from surveys.load import parse
from surveys.messages import describe
from tests.conftest import EXAMPLES, make_app
from tests.pwe.dump import database_dump
from tests.pwe.visitor import (
    Visitor,
    number_text,
    respondent_consultation,
    respondent_row,
    valid_form,
)

EXAMPLE_TEXTS = {path.stem: path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))}

NASTY = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-0",
    "0x10",
    "١٢",
    "9" * 40,
    "1,5",
    "1.000,5",
    " 7 ",
    "\u202e1",
    "1\u200b",
    "\x00",
    "\x7f",
    "\u0000A",
    "<script>",
    "dk",
    "' OR 1=1 --",
    "𝟙𝟚",
    "-1",
    "+3",
    "1" * 16,
    "0.5",
    "2,50",
    "none",
    "A",
    "C",
    "",
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_OR_BIDI = st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=12)
LONG = st.builds(lambda char, n: char * n, st.characters(), st.integers(1, 4500))


def field_values(consultation, step) -> dict[str, list[str]]:
    """Plausible values per field: those of a valid form, every level, every choice."""
    values: dict[str, list[str]] = {}
    for name, value in valid_form(consultation, step):
        values.setdefault(name, []).append(value)
    page = step.page
    if isinstance(page, PortfolioPage) and step.kind == "page":
        for option in page.options:
            values.setdefault(option.id, []).extend(number_text(v) for v in allowed_levels(option).values())
    if isinstance(page, QuestionsPage):
        for question in page.questions:
            values.setdefault(question.id, []).extend(c.id for c in question.choices)
    return values


def forms(known: dict[str, list[str]]):
    """A submission: some known fields with valid, nasty or random values, maybe unknown ones."""
    names = sorted(known)
    value = lambda name: st.one_of(
        st.sampled_from(known[name]),
        st.sampled_from(NASTY),  # noqa: E731
        st.text(max_size=30),
        CONTROL_OR_BIDI,
        LONG,
        st.integers(-(10**20), 10**20).map(str),
        st.floats().map(str),
    )
    known_part = st.lists(
        st.sampled_from(names).flatmap(
            lambda name: st.lists(value(name), min_size=1, max_size=2).map(lambda vs: [(name, v) for v in vs])
        ),
        max_size=len(names) + 2,
    )
    unknown_name = st.one_of(
        st.text(min_size=1, max_size=20),
        LONG,
        CONTROL_OR_BIDI.filter(bool),
        st.sampled_from(["why-ghost", "set-0", "set-99", "lang", "action"]),
    )
    unknown_part = st.lists(st.tuples(unknown_name, st.sampled_from(NASTY)), max_size=3)
    return st.tuples(known_part, unknown_part).map(
        lambda parts: [pair for group in parts[0] for pair in group] + parts[1]
    )


def all_steps():
    return [
        pytest.param(slug, step.id, id=f"{slug}-{step.id}")
        for slug, text in EXAMPLE_TEXTS.items()
        for step in steps(parse(text))
    ]


class Journey:
    """A respondent of one demo kept at one step; a new one takes over after a completion."""

    def __init__(self, app, slug: str, step_id: str):
        self.app, self.slug, self.step_id = app, slug, step_id
        self.begin()

    def begin(self) -> None:
        self.client = self.app.test_client()
        self.visitor = Visitor(self.client, self.slug)
        assert self.visitor.start().status_code == 302
        with self.app.app_context():
            self.consultation = respondent_consultation(self.client, self.slug)
        self.steps = steps(self.consultation)
        self.step = next(s for s in self.steps if s.id == self.step_id)
        for earlier in self.steps[: self.steps.index(self.step)]:
            assert self.visitor.answer(earlier.id, valid_form(self.consultation, earlier)).status_code == 302
        self.visitor.get(self.visitor.step_url(self.step_id))

    def stored(self):
        with self.app.app_context():
            respondent = respondent_row(self.client, self.slug)
            if respondent is None:
                return None
            return db.session.scalar(
                select(PageAnswer.answer).where(
                    PageAnswer.respondent_id == respondent.id, PageAnswer.step_id == self.step_id
                )
            )


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    app = make_app(
        f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'db.sqlite3'}",
        tmp_path_factory.mktemp("instance"),
        PWE_RATE_LIMIT="off",
    )
    with app.app_context():
        for text in EXAMPLE_TEXTS.values():
            import_definition(text, open_now=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("slug, step_id", all_steps())
def test_every_form_survives_hostile_submissions(hostile_app, slug, step_id):
    journey = Journey(hostile_app, slug, step_id)
    known = field_values(journey.consultation, journey.step)

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(form=forms(known))
    def submit(form):
        before = journey.stored()
        response = journey.visitor.post(journey.visitor.step_url(step_id), form)
        assert response.status_code in (200, 302, 400, 413, 422), response.status_code
        parse_form = parse_motivation if journey.step.kind == "motivation" else parse_page
        expected = parse_form(journey.consultation, journey.step.page, MultiDict(form))
        if response.status_code == 302 and not response.headers["Location"].endswith("/thanks"):
            assert expected.ok
            stored = journey.stored()
            assert stored == json.loads(json.dumps(expected.answer))
            assert_valid(journey.consultation, journey.step, stored)
        elif response.status_code == 302:
            assert expected.ok
            journey.begin()  # completed: the next example needs a respondent on this step
        else:
            assert journey.stored() == before
            html = response.get_data(as_text=True)
            assert "Traceback" not in html and len(html) < 200_000
            if response.status_code == 422:
                assert 'id="error-summary"' in html
        assert_messages_name_their_fields(journey.consultation, journey.step, known, expected)

    submit()


@pytest.mark.parametrize("slug", sorted(EXAMPLE_TEXTS))
def test_the_consent_form_survives_hostile_submissions(hostile_app, slug):
    consent_values = st.one_of(
        st.sampled_from(["yes", "no", "YES", "yes\x00", "\u202eyes"]), st.text(max_size=10), LONG
    )
    fields = st.lists(st.tuples(st.sampled_from(["consent", "age_ok", "extra"]), consent_values), max_size=4)

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(form=fields)
    def submit(form):
        with hostile_app.app_context():
            before = database_dump()
        client = hostile_app.test_client()
        fresh = Visitor(client, slug)
        fresh.get(f"/c/{slug}")
        response = fresh.post(f"/c/{slug}", form)
        given_values = MultiDict(form)
        consent, age_ok = given_values.get("consent"), given_values.get("age_ok")
        accepted = consent == "yes" and age_ok == "yes"
        declined = consent == "no" or age_ok == "no"  # a polite page, not an error
        assert response.status_code == (302 if accepted else 200 if declined else 422)
        with hostile_app.app_context():
            if accepted:
                assert respondent_consultation(client, slug) is not None
            else:
                assert database_dump() == before  # a refused start leaves nothing behind
        assert len(response.get_data()) < 100_000

    submit()


def assert_valid(consultation, step, stored: dict) -> None:
    """What was stored obeys the consultation's rules, checked apart from the form parser."""
    texts = [
        v
        for value in stored.values()
        for v in (value if isinstance(value, list) else [value])
        if isinstance(v, str)
    ]
    assert not any(CONTROL.search(text) for text in texts)
    if step.kind == "motivation":
        return
    if isinstance(step.page, PortfolioPage):
        assert check_portfolio(consultation, step.page, stored) == []
    elif isinstance(step.page, PointsPage):
        assert check_points(step.page, stored) == []
        assert all(isinstance(v, int) and v >= 0 for v in stored.values())


def assert_messages_name_their_fields(consultation, step, known, result) -> None:
    """Each message is led by its field's label, or quotes the name of a field the form lacks."""
    for error in result.errors:
        for lang in ("nl", "en"):
            message = describe(error, lang, consultation, step.page)
            assert len(message) < 400
            if error.field in known:
                label = consultation.text(field_label(step.page, error.field), lang)
                assert label.rstrip(".?!:")[:20] in message, (error, message)
            else:
                assert f"‘{error.field[:60]}’" in message, (error, message)
    for violation in result.violations:
        assert describe(violation, "nl", consultation, step.page)
