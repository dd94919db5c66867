"""Privacy over a consultation's life: erase one respondent on request by the response code on
their thank-you page, delete the free texts once exported, and export everything held about a
consultation before it is deleted."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import delete, select, update

from analysis.exports.safety import neutralise
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response, StepDraft
from pwe.models_officials import ConsultationStatus as Status
from pwe.models_officials import Invitation, QuotaStop, VoidedResponse
from pwe.services import audit, drafts, invitations, lifecycle, revisions
from pwe.services.export import DOWNLOADS, table_csv
from surveys.definition import Consultation, QuestionsPage


class EraseError(ValueError):
    """Nothing to erase; the message says why."""


def erase(row: ConsultationRow, code: str, actor: str) -> None:
    """Delete every answer of the respondent with this response code, and the respondent."""
    code = code.strip().lower()
    respondent = db.session.scalar(
        select(Respondent).where(Respondent.pseudonym == code, Respondent.consultation_id == row.id)
    )
    if respondent is None:
        raise EraseError(
            f"No respondent with response code '{code}' in this consultation; the "
            "code is on the respondent's thank-you page (32 letters and digits)."
        )
    response_ids = select(Response.id).where(Response.respondent_id == respondent.id)
    db.session.execute(delete(VoidedResponse).where(VoidedResponse.response_id.in_(response_ids)))
    db.session.execute(delete(Response).where(Response.respondent_id == respondent.id))
    db.session.execute(delete(PageAnswer).where(PageAnswer.respondent_id == respondent.id))
    drafts.discard_all([respondent.id])
    db.session.execute(delete(QuotaStop).where(QuotaStop.respondent_id == respondent.id))
    # the link stays used up: erasing must not let it be answered again
    db.session.execute(
        update(Invitation).where(Invitation.respondent_id == respondent.id).values(respondent_id=None)
    )
    db.session.delete(respondent)
    audit.record(
        actor,
        "respondent.erase",
        f"consultation:{row.slug}",
        {"respondent": code},
        {"respondent": code, "erased": True},
    )
    db.session.commit()


def free_text_fields(consultation: Consultation) -> dict[str, set[str] | None]:
    """Step id -> the free-text fields of its answers (None: every field, a motivation step)."""
    fields: dict[str, set[str] | None] = {}
    for step in steps(consultation):
        if step.kind == "motivation":
            fields[step.id] = None
        elif isinstance(step.page, QuestionsPage):
            texts = {q.id for q in step.page.questions if q.type == "text"}
            if texts:
                fields[step.id] = texts
    return fields


def delete_free_texts(row: ConsultationRow, consultation: Consultation, actor: str) -> int:
    """Remove the free texts (text questions, motivations) from every answer of a closed or
    archived consultation, after they have been exported; returns how many were removed."""
    if lifecycle.effective_status(row) not in (Status.closed, Status.archived):
        raise EraseError("Free texts can be deleted only after closing, once they are exported.")
    fields = free_text_fields(consultation)
    removed = 0
    for response in db.session.scalars(select(Response).where(Response.consultation_id == row.id)):
        response.answers, count = _without_texts(response.answers, fields)
        removed += count
    answers = (
        select(PageAnswer)
        .join(Respondent, Respondent.id == PageAnswer.respondent_id)
        .where(Respondent.consultation_id == row.id, PageAnswer.step_id.in_(list(fields)))
    )
    for page_answer in db.session.scalars(answers):
        cleaned, _ = _without_texts({page_answer.step_id: page_answer.answer}, fields)
        page_answer.answer = cleaned[page_answer.step_id]
    # drafts may hold texts too, and are never exported: they go whole
    drafts.discard_all(select(Respondent.id).where(Respondent.consultation_id == row.id))
    audit.record(
        actor, "responses.delete_free_texts", f"consultation:{row.slug}", None, {"texts_removed": removed}
    )
    db.session.commit()
    return removed


def _without_texts(answers: dict, fields: dict[str, set[str] | None]) -> tuple[dict, int]:
    """A new answers dict (so the JSON column sees the change) without the free texts: a
    motivation step keeps no field, a text question keeps its key with no answer (None)."""
    cleaned, removed = {}, 0
    for step_id, answer in answers.items():
        texts = fields.get(step_id, set())
        if not isinstance(answer, dict) or texts == set():
            cleaned[step_id] = answer
            continue
        dropped = set(answer) if texts is None else texts & set(answer)
        removed += sum(1 for key in dropped if answer[key] not in (None, ""))
        cleaned[step_id] = (
            {}
            if texts is None
            else {key: (None if key in dropped else value) for key, value in answer.items()}
        )
    return cleaned, removed


def everything(row: ConsultationRow) -> bytes:
    """A zip of all the platform holds about the consultation: the definition and its
    revisions, the exports, voided responses, what unfinished respondents saved or left as
    drafts, invitation batches and the audit log."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("definition.yaml", row.definition_text)
        for revision in revisions.of(row):
            archive.writestr(f"revisions/{revision.number:04d}.yaml", revision.definition_text)
        for name in DOWNLOADS:
            archive.writestr(name, table_csv(row.slug, name))
        archive.writestr(
            "voided.csv",
            _csv(
                ["respondent", "reason", "voided_by", "voided_at"],
                (
                    db.session.execute(
                        select(
                            Respondent.pseudonym,
                            VoidedResponse.reason,
                            VoidedResponse.voided_by,
                            VoidedResponse.voided_at,
                        )
                        .join(Response, Response.id == VoidedResponse.response_id)
                        .join(Respondent, Respondent.id == Response.respondent_id)
                        .where(Response.consultation_id == row.id)
                    ).all()
                ),
            ),
        )
        archive.writestr(
            "unfinished.csv",
            _csv(["respondent", "step", "kind", "saved_at", "answer"], _unfinished(row)),
        )
        archive.writestr(
            "invitation_batches.csv",
            _csv(
                ["batch", "links", "started", "completed", "revoked"],
                [
                    (s.batch.name, s.links, s.started, s.completed, s.revoked)
                    for s in invitations.summaries(row)
                ],
            ),
        )
        archive.writestr("audit.csv", audit.as_csv(audit.entries(f"consultation:{row.slug}")))
    return out.getvalue()


def _unfinished(row: ConsultationRow) -> list[tuple]:
    """Saved steps and drafts of respondents without a completed response (the exports hold only
    completed ones): a respondent's typed texts are held data until they are pruned."""
    without_response = (
        select(Respondent.id)
        .outerjoin(Response, Response.respondent_id == Respondent.id)
        .where(Respondent.consultation_id == row.id, Response.id.is_(None))
    )
    rows: list[tuple] = []
    for model, kind, column in (
        (PageAnswer, "saved", PageAnswer.answer),
        (StepDraft, "draft", StepDraft.values),
    ):
        found = db.session.execute(
            select(Respondent.pseudonym, model.step_id, model.saved_at, column)
            .join(Respondent, Respondent.id == model.respondent_id)
            .where(model.respondent_id.in_(without_response))
            .order_by(Respondent.pseudonym, model.step_id)
        ).all()
        rows += [
            (code, step, kind, saved_at.isoformat(), json.dumps(answer, ensure_ascii=False))
            for code, step, saved_at, answer in found
        ]
    return rows


def _csv(header: list[str], rows) -> str:
    """A CSV file whose text cells a spreadsheet will not run as formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()
