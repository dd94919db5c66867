"""Who is answering which consultation, read from the request and the signed session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from flask import abort, g, make_response, render_template, session

from pwe.flow import Step
from pwe.i18n import use_language
from pwe.models import Consultation as ConsultationRow
from pwe.models import Respondent, utcnow
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import consultations, lifecycle, responses
from pwe.services.responses import Start
from surveys.answers import PageResult, blank_answer, parse_motivation, parse_page
from surveys.definition import Consultation, PortfolioPage

SESSION_KEY = "respondents"

# How long after completing the advice stays visible in the browser session that gave it: long
# enough to read it and note the response code, short enough that the next person on a shared
# device does not find it.
ADVICE_VISIBLE = timedelta(hours=2)


class ShowsOptions(Protocol):
    """Who a step is shown to, as the pages read them: the order of each page's options."""

    @property
    def option_order(self) -> dict: ...


# a respondent (their row or their start), or the officials' preview standing in for one
Answering = TypeVar("Answering", bound=ShowsOptions)


@dataclass
class StepContext(Generic[Answering]):
    row: ConsultationRow
    consultation: Consultation  # with the respondent's design version applied
    respondent: Answering
    steps: list[Step]
    index: int
    saved: dict[str, dict]
    touched: dict[str, bool] = field(default_factory=dict)  # saved portfolio steps: changed or not
    draft: dict | None = None  # what was typed on this step and sent unchecked, shown over `saved`

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def is_last(self) -> bool:
        return self.index == len(self.steps) - 1

    @property
    def next_step(self) -> Step | None:
        return None if self.is_last else self.steps[self.index + 1]

    @property
    def previous_step(self) -> Step | None:
        return self.steps[self.index - 1] if self.index else None

    @property
    def template(self) -> str:
        return f"citizens/step_{self.step.template}.html"

    def parse(self, form) -> PageResult:
        """The step's answer (or its problems) read from the sent form."""
        page = self.step.page
        # motivation steps follow portfolio pages only (pwe.flow.steps)
        if self.step.kind == "motivation" and isinstance(page, PortfolioPage):
            return parse_motivation(self.consultation, page, form)
        return parse_page(self.consultation, page, form)

    def saved_or_blank(self) -> dict:
        if self.step.id in self.saved:
            return self.saved[self.step.id]
        if self.step.kind == "motivation":
            return {}
        return blank_answer(self.consultation, self.step.page)


def load_consultation(slug: str, allow_closed: bool = False) -> tuple[ConsultationRow, Consultation]:
    """The consultation behind a URL, and the request's language set from its languages."""
    row = find_consultation(slug)
    if row is None:
        abort(404)
    status = lifecycle.effective_status(row)
    if status in (Status.draft, Status.archived):
        abort(404)  # a draft is seen only in the officials' preview
    consultation = consultations.definition_of(row)
    use_language(consultation.languages, consultation.default_language)
    g.consultation = consultation
    if (
        status != Status.open
        and not allow_closed
        and not lifecycle.may_take_part(row, current_respondent(row))
    ):
        abort(make_response(render_template("citizens/closed.html", row=row, c=consultation), 410))
    return row, consultation


def find_consultation(slug: str) -> ConsultationRow | None:
    """The stored consultation `slug`, read with the respondent this session holds there."""
    return consultations.find(slug, respondent_handle=_session_handle(slug))


def current_respondent(row: ConsultationRow) -> Respondent | Start | None:
    """Who this session is in `row`: their respondent row, their start (consented, nothing saved
    yet), or None. Reading never writes: GET and HEAD change nothing."""
    entry = session.get(SESSION_KEY, {}).get(row.slug)
    if isinstance(entry, dict) and "done" in entry:
        return _completed(row, entry)
    start = Start.from_session(entry) if isinstance(entry, dict) else None
    handle = start.handle if start else entry
    if not _is_handle(handle):
        return None
    respondent = responses.by_handle(handle)
    if respondent is not None:
        return respondent if respondent.consultation_id == row.id else None
    if start is None or start.definition_hash != row.definition_hash:
        return None  # the definition changed before this start saved anything: begin again
    return start


def _session_handle(slug: str) -> str | None:
    """The handle this session holds for the consultation `slug`, if any."""
    entry = session.get(SESSION_KEY, {}).get(slug)
    if isinstance(entry, dict):
        entry = entry.get("done", entry.get("handle"))
    return entry if _is_handle(entry) else None


def _is_handle(value) -> bool:
    return isinstance(value, str) and bool(value)


def remember_respondent(row: ConsultationRow, respondent: Respondent | Start) -> None:
    """Keep the respondent's handle (and, before their row exists, their start) in the session."""
    session.permanent = True  # a respondent who closes the tab comes back to their answers
    entry = respondent.to_session() if isinstance(respondent, Start) else respondent.handle
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), row.slug: entry}


def remember_completion(row: ConsultationRow, respondent: Respondent) -> None:
    """After the last step: this browser session may show the advice for a while, and the cookie
    ends with the browser unless another consultation is still in progress in it."""
    entries = {
        **session.get(SESSION_KEY, {}),
        row.slug: {"done": respondent.handle, "at": utcnow().isoformat()},
    }
    session[SESSION_KEY] = entries
    session.permanent = any(not (isinstance(e, dict) and "done" in e) for e in entries.values())


def forget_respondent(row: ConsultationRow) -> None:
    """Someone else on this device wants to take part: nothing of the previous person is kept."""
    session[SESSION_KEY] = {k: v for k, v in session.get(SESSION_KEY, {}).items() if k != row.slug}


def _completed(row: ConsultationRow, entry: dict) -> Respondent | None:
    try:
        at = datetime.fromisoformat(entry["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if not isinstance(entry["done"], str) or utcnow() - at > ADVICE_VISIBLE:
        return None
    respondent = responses.by_handle(entry["done"])
    return respondent if respondent is not None and respondent.consultation_id == row.id else None
