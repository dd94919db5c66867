"""The `pwe` command line: database, definitions, the server, the demo and exports."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from pwe import create_app
from surveys import examples


@contextmanager
def _app_context(migrate: bool = True):
    """An app with its context for one command, released afterwards (a pushed-and-forgotten
    context would keep a database transaction open)."""
    from pwe.extensions import db
    from pwe.settings import SettingError

    try:
        app = create_app()
    except SettingError as error:
        raise click.ClickException(str(error)) from error
    with app.app_context():
        try:
            if migrate:
                from pwe.database import upgrade

                upgrade()
            else:
                # a command that only reads must not build a schema, nor trip over a missing one
                from pwe.health import not_ready_reason

                reason = not_ready_reason()
                if reason is not None:
                    raise click.ClickException(
                        f"the database {_shown_url(app)} cannot be read: {reason} "
                        "(and `pwe import FILE` to load a consultation)"
                    )
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _shown_url(app) -> str:
    """The database URL as a terminal may show it: without its password."""
    from sqlalchemy.engine import make_url

    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


@click.group()
def main() -> None:
    """Participatory Value Evaluation platform."""


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema."""
    with _app_context() as app:
        click.echo(f"Database ready: {_shown_url(app)}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check consultation definitions; list every problem with its place and the fix."""
    from surveys.load import DefinitionError, load

    failed = False
    for path in files:
        try:
            load(path)
        except DefinitionError as error:
            failed = True
            click.echo(str(error), err=True)
        else:
            click.echo(f"{path}: valid")
    sys.exit(1 if failed else 0)


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--open", "open_now", is_flag=True, help="Open new consultations at once (default: draft).")
def import_(files: tuple[str, ...], open_now: bool) -> None:
    """Load definitions into the database as drafts (idempotent; never changes one with respondents)."""
    with _app_context():
        ok = _import_all(files, open_now)
    sys.exit(0 if ok else 1)


def _import_all(files, open_now: bool = False) -> bool:
    from pwe.services.consultations import ImportRefused, import_definition
    from surveys.load import DefinitionError

    ok = True
    for path in files:
        try:
            text = Path(path).read_text(encoding="utf-8")
            result = import_definition(text, source=str(path), open_now=open_now)
        except (OSError, UnicodeDecodeError) as error:
            ok = False
            click.echo(f"{path}: cannot read the file ({error})", err=True)
        except (DefinitionError, ImportRefused) as error:
            ok = False
            click.echo(str(error), err=True)
        else:
            click.echo(f"{path}: {result.slug} {result.action}")
    return ok


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the platform (for production use gunicorn with wsgi:app)."""
    with _app_context() as app:
        pass
    _run(app, host, port)


def _run(app, host: str, port: int) -> None:
    from werkzeug.serving import WSGIRequestHandler

    class PrivateRequestHandler(WSGIRequestHandler):
        """The access log leaves out who asked: the platform keeps no IP addresses, logs included."""

        def address_string(self) -> str:
            return "-"

    app.run(host=host, port=port, threaded=True, request_handler=PrivateRequestHandler)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and stop.")
@click.option(
    "--responses",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="Simulate completed responses until each example has N "
    "(from surveys/examples/value-weights/<slug>.yaml).",
)
def demo(host: str, port: int, no_serve: bool, responses: int) -> None:
    """Database, example consultations imported and opened, server started, URLs printed."""
    from pwe.services.consultations import listed

    with _app_context() as app:
        definitions = examples.definitions()
        if not _import_all(definitions, open_now=True):
            sys.exit(1)
        if responses and not _simulate_examples(definitions, responses):
            sys.exit(1)
        click.echo("\nDemo consultations:")
        for row in listed():
            click.echo(f"  http://{host}:{port}/c/{row.slug}")
    click.echo(f"Home page: http://{host}:{port}/\n")
    if not no_serve:
        _run(app, host, port)


def _simulate_examples(files, target: int) -> bool:
    """Top each example consultation up to `target` completed responses, simulated from its
    value weights; prints how many were added."""
    from analysis.simulation import ValueWeightsError, load_value_weights
    from pwe.services.simulated import SimulationError, imported, top_up
    from surveys.load import load

    ok = True
    for path in files:
        slug = load(path).id
        weights_file = examples.value_weights(slug)
        try:
            weights = load_value_weights(weights_file, imported(slug)[1])
            added = top_up(slug, weights, target)
        except (ValueWeightsError, SimulationError) as error:
            ok = False
            click.echo(f"Error: {error}", err=True)
        else:
            click.echo(f"{slug}: {added} simulated responses added (at least {target} completed)")
    return ok


@main.command()
@click.argument("consultation")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False))
@click.option(
    "--format",
    "file_format",
    default="csv",
    show_default=True,
    type=click.Choice(["csv", "xlsx", "parquet"]),
    help="CSV files, one XLSX workbook, or Parquet files.",
)
@click.option(
    "--weights",
    "weights_csv",
    default=None,
    type=click.Path(dir_okay=False),
    help="CSV with respondent,weight (e.g. from `pwe weight`): adds a weight column.",
)
def export(consultation: str, out_dir: str, file_format: str, weights_csv: str | None) -> None:
    """Write the completed responses: respondents, choices, motivations, codebook, definition."""
    from analysis.exports.weights import WeightsFileError, read_weights
    from pwe.services.export import ExportError, write_export

    try:
        weights = read_weights(weights_csv) if weights_csv else None
        with _app_context(migrate=False):
            written = write_export(consultation, Path(out_dir), format=file_format, weights=weights)
    except (ExportError, WeightsFileError) as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for path, rows in written:
        click.echo(f"{path}: {rows} rows" if rows is not None else f"{path}")


@main.command()
@click.argument("respondents", type=click.Path(dir_okay=False))
@click.option(
    "--margins",
    required=True,
    type=click.Path(dir_okay=False),
    help="YAML {variable: {category: population share}}.",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="CSV to write: respondent,weight (mean 1)."
)
@click.option(
    "--trim",
    default=None,
    metavar="LOW,HIGH",
    help="Keep weights within LOW..HIGH times the mean weight, e.g. 0.3,3.",
)
@click.option(
    "--keep-missing",
    is_flag=True,
    help="Respondents without a background answer keep their sample share of it.",
)
@click.option(
    "--share-tolerance",
    default=0.005,
    show_default=True,
    type=click.FloatRange(min=0),
    help="How far a margin's shares may sum from 1 (rounding) before it is refused.",
)
def weight(
    respondents: str, margins: str, out: str, trim: str | None, keep_missing: bool, share_tolerance: float
) -> None:
    """Rake respondents to population margins and print the diagnostics."""
    from analysis.weighting import WeightingError, parse_trim, weight_file

    try:
        result = weight_file(
            respondents,
            margins,
            out,
            trim=parse_trim(trim),
            keep_missing=keep_missing,
            share_tolerance=share_tolerance,
        )
    except WeightingError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(result.summary())
    click.echo(f"\n{out}: {len(result.weights)} weights")


@main.command()
@click.argument("choices", type=click.Path(dir_okay=False))
@click.option(
    "--model",
    required=True,
    type=click.Choice(["portfolio-logit", "latent-class", "mdcev-gamma", "mdcev-alpha", "mnl"]),
    help="The choice model to fit (mnl: pairs or any discrete choice tasks).",
)
@click.option(
    "--attributes",
    default="",
    metavar="A,B",
    help="Attribute columns whose weights (beta) to estimate, comma-separated.",
)
@click.option(
    "--weights",
    "weights_csv",
    default=None,
    type=click.Path(dir_okay=False),
    help="CSV with respondent,weight (e.g. from `pwe weight`).",
)
@click.option(
    "--task",
    default=None,
    help="Fit only this task's rows (a page id; mnl: task ids, comma-separated, or a pairs page).",
)
@click.option(
    "--task-prefix",
    default=None,
    metavar="PAGE",
    help="mnl: fit only this pairs page's sets (tasks PAGE:1, PAGE:2, ...).",
)
@click.option(
    "--consultation",
    default=None,
    metavar="FILE|SLUG",
    help="The definition whose levels and rules give the feasible portfolios.",
)
@click.option(
    "--cost",
    default=None,
    metavar="ATTRIBUTE",
    help="mnl: the money attribute; adds willingness to pay to the summary.",
)
@click.option(
    "--classes",
    default=None,
    type=click.IntRange(min=1),
    metavar="K",
    help="latent-class: the number of classes.",
)
@click.option(
    "--starts",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="latent-class: EM runs from random starts; the best is kept.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=int,
    help="Seed of the random starts (and of sampled alternatives).",
)
@click.option(
    "--covariates",
    default="",
    metavar="COLUMN,COLUMN",
    help="latent-class: respondent columns that shift class membership (from "
    "--respondents; categories become 0/1 columns).",
)
@click.option(
    "--respondents",
    "respondents_csv",
    default=None,
    type=click.Path(dir_okay=False),
    help="The respondent table for --covariates (default: respondents.csv beside CHOICES).",
)
@click.option(
    "--memberships",
    "memberships_csv",
    default=None,
    type=click.Path(dir_okay=False),
    help="latent-class: write each respondent's class probabilities to this CSV.",
)
@click.option(
    "--infeasible",
    default=None,
    type=click.Choice(["report", "drop"]),
    help="Chosen portfolios that break the rules: leave them out and list them "
    "(report) or count them (drop); by default the fit refuses.",
)
@click.option(
    "--no-budget", is_flag=True, help="Fit a portfolio table without cost or budget columns (no budget rule)."
)
@click.option(
    "--delta0/--no-delta0",
    default=None,
    help="Fit or leave out the budget term (delta0). Default: fit it where the data "
    "identify it, else fit without it and say so (costs the same for everyone).",
)
@click.option(
    "--cov-type",
    default="robust",
    show_default=True,
    type=click.Choice(["robust", "classical"]),
    help="The standard errors that z, p and the intervals use.",
)
@click.option(
    "--json",
    "json_out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the results as JSON to this file.",
)
def fit(
    choices: str,
    model: str,
    attributes: str,
    weights_csv: str | None,
    task: str | None,
    task_prefix: str | None,
    consultation: str | None,
    cost: str | None,
    classes: int | None,
    starts: int,
    seed: int,
    covariates: str,
    respondents_csv: str | None,
    memberships_csv: str | None,
    infeasible: str | None,
    no_budget: bool,
    delta0: bool | None,
    cov_type: str,
    json_out: str | None,
) -> None:
    """Fit a choice model on a long choice table and print its summary."""
    from analysis.models.files import FitError, fit_file

    try:
        definition = _definition(consultation) if consultation else None
        result = fit_file(
            choices,
            model,
            _names(attributes),
            weights_csv=weights_csv,
            task=task,
            delta0=delta0,
            json_out=json_out,
            task_prefix=task_prefix,
            cost=cost,
            classes=classes,
            cov_type=cov_type,
            consultation=definition,
            no_budget=no_budget,
            seed=seed,
            starts=starts,
            covariates=_names(covariates),
            respondents_csv=respondents_csv,
            infeasible=infeasible,
            memberships_csv=memberships_csv,
        )
    except (FitError, click.ClickException) as error:
        click.echo(f"Error: {getattr(error, 'message', error)}", err=True)
        sys.exit(1)
    click.echo(result.summary())
    for path, what in ((memberships_csv, "class memberships"), (json_out, "results")):
        if path:
            click.echo(f"\n{path}: {what} written")


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _definition(consultation: str):
    """A consultation given as a file, an example's slug, or the slug of an imported one."""
    from pwe.services.simulated import SimulationError, imported
    from surveys.load import DefinitionError, load

    path = Path(consultation)
    try:
        if path.is_file() or path.suffix in (".yaml", ".yml"):
            return load(path)
        for example in examples.definitions():
            if example.stem == consultation:
                return load(example)
        with _app_context(migrate=False):
            return imported(consultation)[1]
    except (DefinitionError, SimulationError) as error:
        raise click.ClickException(str(error)) from error


@main.command()
@click.argument("consultation")
@click.option(
    "--weights",
    "weights_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="YAML with the value weights per page (surveys/examples/value-weights/).",
)
@click.option(
    "-n", "count", required=True, type=click.IntRange(min=1), help="Number of respondents to simulate."
)
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same responses.")
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Write respondents.csv and choices.csv here, as `pwe export` does.",
)
@click.option(
    "--to-database", is_flag=True, help="Store them as completed responses of the imported consultation."
)
def simulate(
    consultation: str, weights_file: str, count: int, seed: int, out_dir: str | None, to_database: bool
) -> None:
    """Synthetic responses of a consultation (a file, or the slug of an imported one)."""
    from analysis.simulation import ValueWeightsError, load_value_weights, simulate_responses
    from pwe.services.export import ExportError, write_tables
    from pwe.services.simulated import SimulationError, imported, store_simulated
    from surveys.load import DefinitionError, load

    try:
        if (out_dir is None) == (not to_database):
            raise SimulationError("give either --out DIR or --to-database")
        path = Path(consultation)
        definition = load(path) if path.is_file() or path.suffix in (".yaml", ".yml") else None
        if out_dir is None:  # so --to-database
            slug = definition.id if definition else consultation
            with _app_context():
                weights = load_value_weights(weights_file, imported(slug)[1])
                stored = store_simulated(slug, weights, count, seed=seed)
            click.echo(f"{slug}: {stored} simulated responses stored")
            return
        if definition is None:
            with _app_context(migrate=False):
                definition = imported(consultation)[1]
        records = simulate_responses(
            definition, load_value_weights(weights_file, definition), count, seed=seed
        )
        written = write_tables(definition, records, Path(out_dir))
    except (DefinitionError, ValueWeightsError, SimulationError, ExportError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    for path, rows in written:
        click.echo(f"{path}: {rows} rows")


@main.command()
@click.argument("consultation_file", type=click.Path(dir_okay=False))
@click.option(
    "--weights",
    "weights_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="YAML with the value weights per page (surveys/examples/value-weights/).",
)
@click.option("--page", required=True, help="The portfolio or pairs page whose value weights to assess.")
@click.option(
    "--sizes",
    default="500,1000,2000,5000",
    show_default=True,
    metavar="N,N,...",
    help="Numbers of respondents (all versions together) to try.",
)
@click.option(
    "--replications",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Simulated samples per size.",
)
@click.option(
    "--target-se",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Also say the smallest size whose standard error reaches this.",
)
@click.option("--seed", default=0, show_default=True, type=int)
def power(
    consultation_file: str,
    weights_file: str,
    page: str,
    sizes: str,
    replications: int,
    target_se: float | None,
    seed: int,
) -> None:
    """How precisely each sample size would estimate a portfolio or pairs page's value weights."""
    from analysis.simulation import (
        ValueWeightsError,
        load_value_weights,
        parse_sizes,
        power_analysis,
        power_summary,
    )
    from surveys.load import DefinitionError, load

    try:
        definition = load(consultation_file)
        weights = load_value_weights(weights_file, definition)
        table = power_analysis(
            definition,
            weights,
            page,
            sizes=parse_sizes(sizes),
            replications=replications,
            seed=seed,
            target_se=target_se,
        )
    except (DefinitionError, ValueWeightsError, ValueError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(power_summary(table, target_se))


# each module registers its commands on `main`
import pwe.commands.exports  # noqa: E402,F401
import pwe.commands.officials  # noqa: E402,F401
import pwe.commands.report  # noqa: E402,F401
import pwe.commands.respondents  # noqa: E402,F401
