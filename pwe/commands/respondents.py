"""`pwe prune`: remove unfinished respondents nobody can come back to."""

from __future__ import annotations

import click

from pwe.cli import _app_context, main
from pwe.settings import duration


@main.command()
@click.option(
    "--older-than",
    "older_than",
    default=None,
    metavar="AGE",
    help="Idle time after which an unfinished respondent is removed, such as 12h, 7d "
    "or 2w (default: the PWE_PRUNE_AFTER setting, 30d).",
)
def prune(older_than: str | None) -> None:
    """Remove unfinished respondents with no activity for AGE; completed responses stay."""
    from pwe.services.pruning import prune as prune_respondents

    try:
        age = duration(older_than) if older_than is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from error
    with _app_context() as app:
        age = age or app.config["PWE_PRUNE_AFTER"]
        removed = prune_respondents(age)
    click.echo(f"{removed} unfinished respondent(s) with no activity for {older_than or age} removed")
