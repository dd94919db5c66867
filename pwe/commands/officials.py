"""`pwe create-user`, and the lifecycle commands `pwe open`, `pwe close` and `pwe status`."""

from __future__ import annotations

import sys

import click

from pwe.cli import _app_context, main
from pwe.models_officials import ConsultationStatus, Role


@main.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Make an official's account (the first admin, for instance)."""
    from pwe.services.accounts import AccountError
    from pwe.services.accounts import create_user as create
    from pwe.services.audit import COMMAND_LINE

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _app_context():
        try:
            user = create(email, password, role, COMMAND_LINE)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{user.email}: account created with role {role}")


def _change(slug: str, target: ConsultationStatus) -> None:
    from pwe.services.audit import COMMAND_LINE
    from pwe.services.consultations import UnknownConsultation, require
    from pwe.services.lifecycle import LifecycleError, change_status, effective_status

    with _app_context():
        try:
            row = require(slug)
            change_status(row, target, COMMAND_LINE)
        except (UnknownConsultation, LifecycleError) as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{slug}: {effective_status(row).value}")


@main.command("open")
@click.argument("slug")
def open_(slug: str) -> None:
    """Open a consultation for respondents (as the Open button does)."""
    _change(slug, ConsultationStatus.open)


@main.command("close")
@click.argument("slug")
def close(slug: str) -> None:
    """Close a consultation: no newcomers; those who started may finish within the grace period."""
    _change(slug, ConsultationStatus.closed)


@main.command("status")
@click.argument("slug", required=False)
def status(slug: str | None) -> None:
    """The effective status, schedule and respondents of one consultation, or of all."""
    from pwe.services.consultations import UnknownConsultation, all_rows, require, respondent_count
    from pwe.services.lifecycle import schedule

    with _app_context():
        try:
            rows = [require(slug)] if slug else all_rows()
        except UnknownConsultation as error:
            raise click.ClickException(str(error)) from error
        for row in rows:
            info = schedule(row)
            times = ", ".join(
                f"{key} {value}"
                for key, value in info.items()
                if key not in ("status", "effective") and value is not None
            )
            click.echo(
                f"{row.slug}: {info['effective']} ({respondent_count(row.id)} respondents"
                f"{'; ' + times if times else ''})"
            )


@main.command("invitations")
@click.argument("slug")
@click.option("--batch", required=True, help="The batch name; it becomes the respondents' source.")
@click.option("-n", "count", required=True, type=click.IntRange(min=1), help="Number of links.")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="CSV file to write, with one `link` column."
)
def invitations_(slug: str, batch: str, count: int, out: str) -> None:
    """Make N single-use personal links (the file is the only place they are kept)."""
    from pathlib import Path

    from pwe.services.audit import COMMAND_LINE
    from pwe.services.consultations import UnknownConsultation, require
    from pwe.services.invitations import InvitationError, create_links, links_csv

    target = Path(out)
    try:
        # opened before the links exist, so a file that cannot be written loses none
        handle = target.open("x", encoding="utf-8")
    except OSError as error:
        reason = "it exists already" if isinstance(error, FileExistsError) else error.strerror
        raise click.ClickException(f"cannot write {out}: {reason}; choose another file.") from error
    with handle, _app_context() as app:
        try:
            links = create_links(require(slug), batch, count, COMMAND_LINE, app.config["PWE_BASE_URL"])
        except (UnknownConsultation, InvitationError) as error:
            handle.close()
            target.unlink()
            raise click.ClickException(str(error)) from error
        handle.write(links_csv(links))
    click.echo(f"{out}: {len(links)} links of batch '{batch.strip()}'")


@main.command("retention")
@click.option(
    "--apply", "apply_", is_flag=True, help="Delete the answers listed (audited); without it, only list."
)
def retention(apply_: bool) -> None:
    """List the consultations whose retention period after closing has ended and that still hold
    answers; with --apply delete those answers, one transaction per consultation. Safe to run
    every night: a consultation whose answers are gone is not listed again."""
    from pwe.services.audit import COMMAND_LINE
    from pwe.services.retention_period import delete_answers, due

    with _app_context():
        found = due()
        if not found:
            click.echo("retention: nothing is due")
            return
        failed = 0
        for item in found:
            line = (
                f"{item.slug}: retention ended {item.keep_until.isoformat(timespec='minutes')} UTC, "
                f"{item.respondents} respondents"
            )
            if not apply_:
                click.echo(f"{line}; due (run with --apply to delete)")
                continue
            try:
                counts = delete_answers(item.slug, COMMAND_LINE)
            except Exception as error:  # noqa: BLE001  (one failure must not stop the others)
                from pwe.extensions import db

                db.session.rollback()
                failed += 1
                click.echo(f"{line}; NOT deleted: {error}", err=True)
                continue
            if counts is None:
                click.echo(f"{line}; already deleted")
            else:
                click.echo(
                    f"{line}; deleted {counts['respondents']} respondents, "
                    f"{counts['completed_responses']} completed responses, "
                    f"{counts['invitation_links']} invitation links"
                )
        if failed:
            raise click.ClickException(f"{failed} consultation(s) could not be deleted; see above.")
