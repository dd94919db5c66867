"""Drafts: what a respondent typed on a step and sent without it being checked ("Vorige", the
language switch, Recalculate, or a step sent with problems). A draft is kept per respondent and
step, shown over the saved answer (it is newer), deleted once the step is saved validly or the
response is completed, and never read as an answer: exports and the report read page_answer and
response only. `keep` commits; the other writers leave that to their caller's transaction."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, delete, select

from pwe.config import BODY_LIMIT_BYTES
from pwe.database import upsert_per_step
from pwe.extensions import db
from pwe.models import StepDraft, utcnow

# The parser already bounds what a draft holds (only the page's own fields, each text cut to
# twice its maximum, other values to surveys.answers.ECHO_LENGTH); this caps a multi question
# sent with hundreds of values, and the whole draft at the size of a request body, so no form
# makes a row grow with it.
MAX_VALUES = 100
MAX_DRAFT_CHARS = BODY_LIMIT_BYTES


def bounded(values: dict) -> dict | None:
    """The draft as stored: lists cut to MAX_VALUES, only JSON-safe scalars; None when too large."""
    kept = {}
    for key, value in values.items():
        if isinstance(value, list):
            value = [item for item in value[:MAX_VALUES] if _scalar(item)]
        elif not _scalar(value):
            continue
        kept[str(key)] = value
    return kept if len(json.dumps(kept)) <= MAX_DRAFT_CHARS else None


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def save(respondent_id: int, step_id: str, values: dict) -> bool:
    """Keep `values` as the step's draft; False (nothing written) when it is too large."""
    kept = bounded(values)
    if kept is None:
        return False
    db.session.connection().execute(
        upsert_per_step(StepDraft, "values"),
        {"respondent_id": respondent_id, "step_id": step_id, "values": kept, "saved_at": utcnow()},
    )
    return True


def keep(respondent_id: int, step_id: str, values: dict) -> bool:
    """Save the step's draft on its own (a respondent going elsewhere)."""
    saved = save(respondent_id, step_id, values)
    db.session.commit()
    return saved


# the draft of one respondent's step (there is at most one), with bound parameters
OF_STEP = (StepDraft.respondent_id == bindparam("respondent_id"), StepDraft.step_id == bindparam("step_id"))
_LOAD = select(StepDraft.values).where(*OF_STEP)


def load(respondent_id: int | None, step_id: str) -> dict | None:
    if respondent_id is None:
        return None
    return db.session.scalar(_LOAD, {"respondent_id": respondent_id, "step_id": step_id})


def discard(respondent_id: int, step_id: str) -> None:
    """Delete one step's draft: it was saved validly."""
    db.session.execute(
        delete(StepDraft).where(*OF_STEP), {"respondent_id": respondent_id, "step_id": step_id}
    )


def discard_all(respondent_ids) -> None:
    """Delete every draft of these respondents (a list or a select of their ids): at completion,
    pruning, erasure and when free texts are deleted."""
    db.session.execute(delete(StepDraft).where(StepDraft.respondent_id.in_(respondent_ids)))
