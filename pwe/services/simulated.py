"""Simulated respondents stored as if they had taken part: for the demo and for load tests.

Each record from `analysis.simulation.simulate_responses` becomes a Respondent (source
"simulated", a fresh pseudonym, the option order the platform would have shown), a PageAnswer per
step and the frozen Response, one transaction per batch.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Iterator, Mapping

from sqlalchemy import func, insert, select

from analysis.simulation import simulate_responses
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import Consultation as ConsultationRow
from pwe.models import PageAnswer, Respondent, Response
from pwe.services.consultations import UnknownConsultation, definition_of, require
from pwe.services.responses import count_starts, option_orders, version_starts
from surveys.definition import Consultation

BATCH = 500


class SimulationError(Exception):
    """The simulated responses cannot be stored; the message says why and what to do."""


def store_simulated(slug: str, value_weights: Mapping, n: int, seed: int = 0) -> int:
    """Add `n` completed simulated respondents to an imported consultation; returns n.

    Versions continue the balance of the starts already counted, and count as starts themselves,
    as the platform's own respondents do.
    """
    row, consultation = imported(slug)
    records = simulate_responses(consultation, value_weights, n, seed=seed, counts=version_starts(row.id))
    for version, starts in Counter(record["version"] for record in records).items():
        count_starts(row.id, version, starts)
    orders = random.Random(seed)
    step_ids = [step.id for step in steps(consultation)]
    for batch in _batches(records):
        respondents = [
            Respondent(
                pseudonym=secrets.token_hex(16),
                consultation_id=row.id,
                definition_hash=row.definition_hash,
                version=record["version"],
                language=record["language"],
                source=record["source"],
                option_order=option_orders(consultation, orders),
                started_at=_naive(record["started_at"]),
            )
            for record in batch
        ]
        db.session.add_all(respondents)
        db.session.flush()
        answers = [
            (respondent.id, {step: record["answers"].get(step) for step in step_ids}, record)
            for respondent, record in zip(respondents, batch)
        ]
        db.session.execute(
            insert(PageAnswer),
            [
                {
                    "respondent_id": rid,
                    "step_id": step,
                    "answer": answer,
                    "saved_at": _naive(record["completed_at"]),
                }
                for rid, frozen, record in answers
                for step, answer in frozen.items()
            ],
        )
        db.session.execute(
            insert(Response),
            [
                {
                    "respondent_id": rid,
                    "consultation_id": row.id,
                    "answers": frozen,
                    "completed_at": _naive(record["completed_at"]),
                }
                for rid, frozen, record in answers
            ],
        )
        db.session.commit()
    return len(records)


def top_up(slug: str, value_weights: Mapping, target: int) -> int:
    """Simulate as many completed responses as the consultation lacks to have `target`; returns
    how many were added (0 when it has enough: running it again adds nothing)."""
    row, _ = imported(slug)
    completed = completed_count(row.id)
    if completed >= target:
        return 0
    return store_simulated(slug, value_weights, target - completed, seed=completed)


def completed_count(consultation_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(Response).where(Response.consultation_id == consultation_id)
    ).scalar_one()


def imported(slug: str) -> tuple[ConsultationRow, Consultation]:
    """The stored row and the typed definition of an imported consultation."""
    try:
        row = require(slug)
    except UnknownConsultation as error:
        raise SimulationError(str(error)) from error
    return row, definition_of(row)


def _batches(records: list[dict]) -> Iterator[list[dict]]:
    for start in range(0, len(records), BATCH):
        yield records[start : start + BATCH]


def _naive(moment):
    """The database stores UTC without a zone."""
    return moment.replace(tzinfo=None)
