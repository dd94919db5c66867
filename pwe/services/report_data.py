"""What the report reads from the database: the completed responses as tables, the definition
as stored, and the funnel (how many started, reached each step, completed)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import distinct, func, select

from analysis.report.inputs import ReportData, from_records
from analysis.report.participation import FUNNEL_COMPLETED, FUNNEL_STARTED
from pwe.extensions import db
from pwe.flow import steps
from pwe.models import PageAnswer, Respondent
from pwe.services.consultations import require, respondent_count
from pwe.services.export import completed_records


def report_data(slug: str) -> ReportData:
    """The report's input for an imported consultation (ExportError when it is unknown)."""
    consultation, _, stream = completed_records(slug)
    records = list(stream)
    row = require(slug)
    started = respondent_count(row.id)
    reached = dict(
        db.session.execute(
            select(PageAnswer.step_id, func.count(distinct(PageAnswer.respondent_id)))
            .join(Respondent, Respondent.id == PageAnswer.respondent_id)
            .where(Respondent.consultation_id == row.id)
            .group_by(PageAnswer.step_id)
        ).all()
    )
    funnel = pd.DataFrame(
        [(FUNNEL_STARTED, started)]
        + [(step.id, reached.get(step.id, 0)) for step in steps(consultation)]
        + [(FUNNEL_COMPLETED, len(records))],
        columns=["step", "reached"],
    )
    return from_records(consultation, row.definition_text, records, funnel, started)
