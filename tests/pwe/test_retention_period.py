"""Retention by the clock: once a consultation's retention period after closing has ended,
`pwe retention --apply` deletes its answers in one transaction (audited, idempotent); the
definition, revisions, batch names and audit log stay; the page says when."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from pwe.extensions import db
from pwe.models import PageAnswer, Respondent, Response, utcnow
from pwe.models_officials import AuditEntry, Invitation, InvitationBatch, Revision, VoidedResponse
from pwe.models_officials import ConsultationStatus as Status
from pwe.services import lifecycle, retention_period, voiding
from pwe.services.consultations import find, import_definition
from tests.pwe.officials import logged_in
from tests.pwe.test_cli import cli_env, run  # noqa: F401  (the CLI on the test database)
from tests.pwe.test_invitations import complete_through, links, opened


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def closed_days_ago(app, days: float, retention_days: int | None = 30, slug: str = "lelylijn") -> None:
    with app.app_context():
        row = find(slug)
        if row.status == Status.open:
            lifecycle.change_status(row, Status.closed, "test")
        row.closed_at = utcnow() - timedelta(days=days)
        row.retention_days = retention_days
        db.session.commit()


def answered(app, client, example_texts) -> None:
    opened(app, example_texts)
    complete_through(app, client, links(app, n=2)[0])
    with app.app_context():
        code = db.session.scalar(select(Respondent.pseudonym))
        voiding.void(find("lelylijn"), code, "a duplicate", "test")


def test_nothing_is_due_before_the_period_ends_or_without_a_period(app, client, example_texts):
    answered(app, client, example_texts)
    closed_days_ago(app, 29.9)
    with app.app_context():
        assert retention_period.due() == []
        assert retention_period.delete_answers("lelylijn", "test") is None
        assert retention_period.due(utcnow() + timedelta(days=0.2))[0].slug == "lelylijn"
    closed_days_ago(app, 400, retention_days=None)
    with app.app_context():
        assert retention_period.due() == []


def test_an_open_consultation_is_never_due(app, client, example_texts):
    answered(app, client, example_texts)
    with app.app_context():
        row = find("lelylijn")
        row.retention_days = 0
        db.session.commit()
        assert retention_period.due(utcnow() + timedelta(days=3650)) == []


def test_the_answers_go_and_the_record_of_the_consultation_stays(app, client, example_texts):
    answered(app, client, example_texts)
    closed_days_ago(app, 31)
    with app.app_context():
        revisions_before = count(Revision)
        counts = retention_period.delete_answers("lelylijn", "test")
        assert counts == {
            "respondents": 1,
            "completed_responses": 1,
            "voided_responses": 1,
            "invitation_links": 2,
        }
        assert count(Respondent) == count(Response) == count(PageAnswer) == 0
        assert count(VoidedResponse) == count(Invitation) == 0
        assert count(InvitationBatch) == 1 and count(Revision) == revisions_before
        assert find("lelylijn").definition_text == example_texts["lelylijn"]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == retention_period.ACTION))
        assert entry.after["respondents"] == 1 and entry.actor == "test"
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "response.void")) == 1
        # idempotent: nothing left, nothing due, a second run changes nothing
        assert retention_period.due() == []
        assert retention_period.delete_answers("lelylijn", "test") is None
        assert (
            db.session.scalar(select(func.count()).where(AuditEntry.action == retention_period.ACTION)) == 1
        )


def test_an_archived_consultation_keeps_its_clock(app, client, example_texts):
    answered(app, client, example_texts)
    closed_days_ago(app, 31)
    with app.app_context():
        lifecycle.change_status(find("lelylijn"), Status.archived, "test")
        assert [d.slug for d in retention_period.due()] == ["lelylijn"]


def test_a_failed_deletion_leaves_everything_as_it_was(cli_env, client, example_texts, monkeypatch):
    app = cli_env
    answered(app, client, example_texts)
    closed_days_ago(app, 31)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(retention_period.audit, "record", broken)
    result = run("retention", "--apply")
    assert result.exit_code == 1 and "NOT deleted: the database went away" in result.output
    with app.app_context():
        assert count(Respondent) == count(Response) == 1 and count(Invitation) == 2


def test_the_command_lists_then_deletes_once(cli_env, client, example_texts):
    app = cli_env
    assert run("retention").output == "retention: nothing is due\n"
    answered(app, client, example_texts)
    with app.app_context():
        import_definition(example_texts["ruimte-2050"], open_now=True)
    closed_days_ago(app, 31)
    listed = run("retention")
    assert listed.exit_code == 0 and "lelylijn: retention ended" in listed.output
    assert "1 respondents; due (run with --apply to delete)" in listed.output
    assert "ruimte-2050" not in listed.output
    with app.app_context():
        assert count(Respondent) == 1
    applied = run("retention", "--apply")
    assert applied.exit_code == 0
    assert "deleted 1 respondents, 1 completed responses, 2 invitation links" in applied.output
    assert run("retention", "--apply").output == "retention: nothing is due\n"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == retention_period.ACTION))
        assert entry.actor == "command line"


def test_the_page_shows_the_due_date_and_afterwards_the_deletion(app, client, example_texts):
    answered(app, client, example_texts)
    closed_days_ago(app, 10)
    editor = logged_in(app, "editor")
    with app.app_context():
        until = lifecycle.keep_until(find("lelylijn")).strftime("%Y-%m-%d")
    assert f"Until {until}; then the answers are deleted" in editor.get("/admin/c/lelylijn").get_data(
        as_text=True
    )
    closed_days_ago(app, 31)
    assert "the answers are deleted at the next run of" in editor.get("/admin/c/lelylijn").get_data(
        as_text=True
    )
    with app.app_context():
        retention_period.delete_answers("lelylijn", "test")
    page = editor.get("/admin/c/lelylijn").get_data(as_text=True)
    assert "when the retention period ended: 1 respondents, 1 completed responses" in page
    assert "Deleted on " in page


def test_a_period_of_0_days_waits_for_the_grace_period(app, client, example_texts):
    answered(app, client, example_texts)
    closed_days_ago(app, 0.01, retention_days=0)  # closed 15 minutes ago, grace 120 minutes
    with app.app_context():
        assert retention_period.due() == []
        assert retention_period.delete_answers("lelylijn", "test") is None
        assert [d.slug for d in retention_period.due(utcnow() + timedelta(hours=2))] == ["lelylijn"]
