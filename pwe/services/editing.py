"""Saving definitions edited by officials: validated by surveys.load, every save a revision, a
draft may be saved while invalid (as a revision only) but never opened, and once people have
answered only texts may change."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from sqlalchemy.exc import IntegrityError

from pwe.extensions import db
from pwe.models import Consultation as ConsultationRow
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import audit, consultations, revisions
from surveys import yaml_guard
from surveys.load import Problem, definition_hash, parse, problems
from surveys.reader import parse_yaml
from surveys.structure import texts_only_changed


class EditRefused(ValueError):
    """The save cannot be stored; `problems` lists what to change."""

    def __init__(self, found: list[Problem]):
        self.problems = found
        super().__init__("; ".join(map(str, found)))


@dataclass(frozen=True)
class Saved:
    valid: bool
    changed: bool


def save(row: ConsultationRow, text: str, actor: str, note: str = "edited") -> Saved:
    """Store an edited definition of `row`.

    Valid: it becomes the definition (and a revision). Invalid: a draft keeps it as its latest
    revision so no work is lost, other statuses refuse it. Structure changes after the first
    respondent are refused.
    """
    text = _normalised(text)
    if text == revisions.latest_text(row):
        return Saved(valid=not problems(text), changed=False)
    found = problems(text)
    if found:
        if row.status != Status.draft:
            raise EditRefused(found)
        revisions.add_text(row, text, actor, f"{note} (not valid yet)")
        audit.record(
            actor, "consultation.save_invalid", f"consultation:{row.slug}", None, {"problems": len(found)}
        )
        db.session.commit()
        return Saved(valid=False, changed=True)
    consultation = parse(text)
    if consultation.id != row.slug:
        raise EditRefused(
            [Problem("id", f"the id must stay '{row.slug}'; to run it under another id, make a copy.")]
        )
    taken_part = consultations.respondent_count(row.id)
    if taken_part and not texts_only_changed(consultations.definition_of(row), consultation):
        raise EditRefused(
            [
                Problem(
                    "",
                    f"{taken_part} respondent(s) have answered: only texts may "
                    "still be corrected, never options, numbers or pages. Make a "
                    "copy to change those.",
                )
            ]
        )
    if definition_hash(text) == row.definition_hash:
        revisions.add(row, actor, f"{note} (back to the stored definition)")
    else:
        consultations.replace_definition(
            row, text, actor, note, "consultation.correct_texts" if taken_part else "consultation.update"
        )
    db.session.commit()
    return Saved(valid=True, changed=True)


def create(text: str, actor: str, note: str) -> ConsultationRow:
    """A new draft from a definition (upload, copy or scratch); its id must be new and valid."""
    text = _normalised(text)
    found = problems(text)
    if found:
        raise EditRefused(found)
    slug = parse(text).id
    if consultations.find(slug) is not None:
        raise EditRefused(
            [Problem("id", f"there is already a consultation '{slug}'; give this one another id.")]
        )
    row = ConsultationRow(
        slug=slug, definition_text=text, definition_hash=definition_hash(text), status=Status.draft
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise EditRefused([Problem("id", f"there is already a consultation '{slug}'.")]) from error
    audit.record(
        actor,
        "consultation.create",
        f"consultation:{slug}",
        None,
        {"status": "draft", "definition_hash": row.definition_hash, "source": note},
    )
    revisions.add(row, actor, note)
    db.session.commit()
    return row


def copy_text(row: ConsultationRow, new_slug: str) -> str:
    """The latest definition of `row` under a new id (the first top-level `id:` line replaced;
    the validator judges the new id when it is created)."""
    text, count = re.subn(
        r"(?m)^id:.*$", lambda _: f"id: {json.dumps(new_slug)}", revisions.latest_text(row), count=1
    )
    if not count:
        raise EditRefused([Problem("id", "the definition has no top-level id line to replace.")])
    return text


def scratch(slug: str, title: str, languages: list[str]) -> str:
    """A small definition to start from: one portfolio page with two options and a budget (the
    validator judges the id when it is created)."""

    def text(value: str) -> dict:
        return {lang: value for lang in languages}

    data = {
        "id": slug,
        "languages": languages,
        "title": text(title.strip() or slug),
        "intro": text("Introduction"),
        "constraints": [{"id": "budget", "label": text("Budget"), "unit": text("million euro"), "max": 10}],
        "pages": [
            {
                "id": "choice",
                "type": "portfolio",
                "title": text("Your advice"),
                "options": [
                    {"id": "option-a", "title": text("Option A"), "use": {"budget": 6}},
                    {"id": "option-b", "title": text("Option B"), "use": {"budget": 5}},
                ],
            }
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def data_of(text: str) -> dict | None:
    """The YAML data, or None when the text is no mapping (then only the YAML editor helps)."""
    try:
        _, data = parse_yaml(text)
    except (yaml.YAMLError, yaml_guard.Refused, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _normalised(text: str) -> str:
    """Line ends as \\n and one final newline: browsers send \\r\\n from a textarea."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"
