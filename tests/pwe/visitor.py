"""A respondent driven through the Flask test client, and valid answers for any step."""

from __future__ import annotations

import re
from html import unescape

from werkzeug.datastructures import MultiDict

from pwe.flow import Step, step_by_id, steps
from surveys.answers import MOTIVATION_PREFIX, OPT_OUT, SET_PREFIX, parse_motivation, parse_page
from surveys.definition import (
    PairsPage,
    PointsPage,
    PortfolioPage,
    QuestionsPage,
    StatementsPage,
)
from surveys.feasibility import feasible_level_vectors

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def number_text(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class Visitor:
    def __init__(self, client, slug: str):
        self.client, self.slug = client, slug
        self.token = None

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        found = CSRF.search(response.get_data(as_text=True))
        if found:
            self.token = unescape(found.group(1))
        return response

    def post(self, path: str, data, **kwargs):
        pairs = list(data.items()) if isinstance(data, dict) else list(data)
        expanded = [(k, v) for k, values in pairs for v in (values if isinstance(values, list) else [values])]
        return self.client.post(path, data=MultiDict([("csrf_token", self.token)] + expanded), **kwargs)

    def start(self, lang: str | None = None):
        landing = f"/c/{self.slug}" + (f"?lang={lang}" if lang else "")
        self.get(landing)
        return self.post(f"/c/{self.slug}", {"consent": "yes", "age_ok": "yes"})

    def step_url(self, step_id: str) -> str:
        return f"/c/{self.slug}/{step_id}"

    def answer(self, step_id: str, data, **kwargs):
        self.get(self.step_url(step_id))
        return self.post(self.step_url(step_id), data, **kwargs)


def valid_form(consultation, step: Step, chosen: dict | None = None) -> list[tuple[str, str]]:
    """A complete, valid submission for a step (the motivation step needs the portfolio answer)."""
    page = step.page
    if step.kind == "motivation":
        return [
            (f"{MOTIVATION_PREFIX}{o.id}", f"Reden voor {o.id} & <b>niet</b> zomaar") for o in page.options
        ]
    if isinstance(page, QuestionsPage):
        return [pair for q in page.questions for pair in _question(q)]
    if isinstance(page, StatementsPage):
        return [(s.id, str(1 + i % 5)) for i, s in enumerate(page.statements)]
    if isinstance(page, PortfolioPage):
        vectors = feasible_level_vectors(consultation, page)
        return _portfolio(page, vectors[len(vectors) // 2])  # a middle one: usually not empty
    if isinstance(page, PointsPage):
        return _points(page)
    if isinstance(page, PairsPage):
        return [
            (f"{SET_PREFIX}{i + 1}", OPT_OUT if (page.opt_out and i == 1) else "AB"[i % 2])
            for i in range(len(page.sets))
        ]
    raise TypeError(page)


def forms_for_any_version(consultation) -> list[tuple[Step, list[tuple[str, str]]]]:
    """A valid submission for every step that stays valid whichever design version the respondent
    was given: what a client that cannot see its version (a load test, a server test) sends."""
    views = [consultation.for_version(v.id) for v in consultation.versions] or [consultation]
    forms = []
    for step in steps(consultation):
        if step.kind == "page" and isinstance(step.page, PortfolioPage):
            feasible = [
                {tuple(row) for row in feasible_level_vectors(view, step_by_id(view, step.id)[1].page)}
                for view in views
            ]
            common = sorted(set.intersection(*feasible))
            forms.append((step, _portfolio(step.page, common[len(common) // 2])))
        else:
            forms.append((step, valid_form(consultation, step)))
    return forms


def _portfolio(page: PortfolioPage, vector) -> list[tuple[str, str]]:
    return [
        (o.id, number_text(level))
        for o, level in zip(page.options, vector)
        if not (o.is_toggle and level == 0)
    ]


def expected_answer(consultation, step: Step, form) -> dict:
    """What the server stores for a step submitted with this form."""
    parse = parse_motivation if step.kind == "motivation" else parse_page
    result = parse(consultation, step.page, MultiDict(form))
    assert result.ok, result
    return result.answer


def _question(q) -> list[tuple[str, str]]:
    if q.type == "choice":
        return [(q.id, q.choices[-1].id)]
    if q.type == "multi":
        return [(q.id, c.id) for c in q.choices[: max(1, int(q.min or 1))]]
    if q.type == "number":
        low = q.min if q.min is not None else 0
        return [(q.id, number_text(low))]
    if q.type == "text":
        return [(q.id, "Meer tijd voor uitleg, <script>alert(1)</script>")]
    if q.type == "postcode4":
        return [(q.id, "3511")]
    if q.type == "scale":
        return [(q.id, "8")]
    return [(q.id, "4")]  # agree


def _points(page: PointsPage) -> list[tuple[str, str]]:
    units = page.total // page.step
    share, extra = divmod(units, len(page.goals))
    return [(g.id, str((share + (1 if i < extra else 0)) * page.step)) for i, g in enumerate(page.goals)]


def session_entry(client, slug: str):
    """What the respondent's signed session holds for `slug`: their start, their handle, or their
    completion ({"done": handle, "at": ...})."""
    with client.session_transaction() as session:
        return session.get("respondents", {}).get(slug)


def respondent_row(client, slug: str):
    """The respondent row behind the client's session (None before their first saved step)."""
    from sqlalchemy import select

    from pwe.extensions import db
    from pwe.models import Respondent

    entry = session_entry(client, slug)
    handle = entry.get("handle", entry.get("done")) if isinstance(entry, dict) else entry
    return db.session.scalar(select(Respondent).where(Respondent.handle == handle))


def respondent_consultation(client, slug: str):
    """The consultation as the client's respondent sees it (their design version applied)."""
    from pwe.services.consultations import definition_of, find

    entry = session_entry(client, slug)
    version = (
        entry["version"]
        if isinstance(entry, dict) and "version" in entry
        else respondent_row(client, slug).version
    )
    return definition_of(find(slug)).for_version(version)


def started(app, client, text: str, slug: str):
    """Import a definition and start one respondent: their visitor and the version they see."""
    from pwe.services.consultations import import_definition

    with app.app_context():
        import_definition(text, open_now=True)
    visitor = Visitor(client, slug)
    visitor.start()
    with app.app_context():
        consultation = respondent_consultation(client, slug)
    return visitor, consultation


POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([^"]*)"', re.I)


def read_form(html: str) -> tuple[str | None, set[str]]:
    """What a browser would send from the page's POST forms: the CSRF token and the field names.

    Regular expressions rather than an HTML parser: a load generator reads thousands of pages a
    second, and these pages are the platform's own, with attributes always in double quotes.
    """
    forms = "".join(POST_FORM.findall(html))
    token = CSRF.search(forms)
    return (unescape(token.group(1)) if token else None), {unescape(name) for name in FIELD.findall(forms)}
