"""Fit a choice model on CSV files and write its results as JSON: what `pwe fit` runs.

Nothing here picks a model the analyst did not ask for: a portfolio table without its budget is
refused unless the model without one is asked for (`no_budget`), MDCEV only takes allocations,
and a latent-class fit with a degenerate class is refused with what went wrong. The model
classes are imported where they are used, so a small fit does not wait for the others' imports.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults, NotIdentified, infeasible_lines

if TYPE_CHECKING:
    from analysis.models.mdcev import MDCEVResults

MODELS = ("portfolio-logit", "latent-class", "mnl", "mdcev-gamma", "mdcev-alpha")
INFEASIBLE = ("report", "drop")
_TEXT_COLUMNS = {"respondent": str, "task": str, "option": str, "group": str, "version": str}
_PORTFOLIO_MODELS = ("portfolio-logit", "latent-class")


class FitError(ValueError):
    """The files cannot be read or the model cannot be fitted; the message says what to change."""


def fit_file(
    choices_csv: str | Path,
    model: str,
    attributes: list[str],
    *,
    weights_csv: str | Path | None = None,
    task: str | None = None,
    delta0: bool | None = None,
    json_out: str | Path | None = None,
    task_prefix: str | None = None,
    cost: str | None = None,
    classes: int | None = None,
    cov_type: str = DEFAULT_COV_TYPE,
    consultation: Any = None,
    no_budget: bool = False,
    seed: int = 0,
    starts: int = 10,
    covariates: list[str] | None = None,
    respondents_csv: str | Path | None = None,
    infeasible: str | None = None,
    memberships_csv: str | Path | None = None,
) -> ChoiceResults:
    """Fit `model` on a long choice table (weights from a `respondent,weight` CSV if given),
    with the standard errors of `cov_type`.

    "mnl" fits the rows of `task` (one task, a comma-separated list, or a pairs page whose
    sets are `<task>:<set>`), of pairs page `task_prefix`, or else of every task of the form
    `<page>:<set>` and, when there is none, every row: any task ids work. `cost` names the money
    attribute for willingness to pay. "latent-class" needs `classes`; `covariates` are columns of
    `respondents_csv` (categories become 0/1 columns) that shift class membership.
    `consultation`: the definition whose levels and rules give the feasible sets.
    `infeasible`: None refuses chosen portfolios that break the rules; "report" leaves them out
    and lists them, "drop" leaves them out and counts them. `delta0`: None fits the budget term
    where the data identify it and says so where they do not (costs the same for everyone);
    True insists on it, False leaves it out.
    """
    _check_options(
        model, task, task_prefix, cost, classes, covariates, memberships_csv, infeasible, consultation
    )
    choices = _read(choices_csv, "choice table")
    weights = read_weights(weights_csv) if weights_csv is not None else None
    notes: list[str] = []
    try:
        if model == "mnl":
            choices = pairs_rows(choices, task, task_prefix)
        elif task is not None:
            choices = _task_rows(choices, task)

        def build(with_delta0: bool):
            return _model(
                model,
                choices,
                attributes,
                weights,
                task,
                with_delta0,
                cost,
                classes,
                consultation,
                no_budget,
                seed,
                starts,
                infeasible,
                _covariates(covariates, respondents_csv, choices_csv),
            )

        try:
            fitted = build(delta0 is not False)
        except NotIdentified as error:
            if delta0 is not None or not error.only_delta0:
                raise
            fitted = build(False)
            notes.append("fitted without the budget term (delta0): " + str(error).split("\n  ", 1)[-1])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RuntimeWarning)
            with np.errstate(all="warn"):
                result = fitted.fit(cov_type=cov_type)
        notes += sorted({f"numerical warning during the fit: {w.message}" for w in caught})
    except ValueError as error:
        raise FitError(f"{choices_csv}: {error}") from error
    _describe(
        result,
        fitted,
        model,
        task or task_prefix,
        choices,
        weights,
        weights_csv,
        consultation,
        infeasible,
        notes,
    )
    if getattr(result, "degenerate", None):
        from analysis.models.latent_class import degenerate_message

        raise FitError(f"{choices_csv}: {degenerate_message(result)}")
    if memberships_csv is not None:
        _write(
            memberships_csv, "class memberships", lambda path: _memberships(result).to_csv(path, index=False)
        )
    if json_out is not None:
        _write(
            json_out,
            "results",
            lambda path: Path(path).write_text(
                json.dumps(result.to_dict(), indent=2, allow_nan=False), encoding="utf-8"
            ),
        )
    return result


def _check_options(
    model, task, task_prefix, cost, classes, covariates, memberships_csv, infeasible, consultation
) -> None:
    if model not in MODELS:
        raise FitError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if model != "mnl" and (task_prefix or cost):
        raise FitError(
            "--task-prefix and --cost apply to pairs pages (--model mnl); "
            "for the other models select a page with --task"
        )
    if model == "latent-class" and classes is None:
        raise FitError(
            "--model latent-class needs --classes K, the number of classes (fit "
            "K = 1, 2, 3, ... and compare their BIC)"
        )
    if model != "latent-class" and (classes is not None or covariates or memberships_csv):
        raise FitError("--classes, --covariates and --memberships apply to --model latent-class")
    if infeasible is not None and infeasible not in INFEASIBLE:
        raise FitError(f"--infeasible must be {' or '.join(INFEASIBLE)}, not {infeasible!r}")
    if infeasible is not None and model not in _PORTFOLIO_MODELS:
        raise FitError("--infeasible applies to portfolio pages (--model portfolio-logit or latent-class)")
    if consultation is not None and model == "mnl":
        raise FitError(
            "--consultation gives the feasible sets of portfolio pages; a pairs page needs only its table"
        )
    if consultation is not None and model in _PORTFOLIO_MODELS and task is None:
        raise FitError(
            f"with --consultation name the portfolio page with --task (pages: "
            f"{', '.join(_pages(consultation, 'portfolio'))})"
        )


def _pages(consultation: Any, kind: str) -> list[str]:
    return [page.id for page in consultation.pages if page.type == kind]


def _model(
    model,
    choices,
    attributes,
    weights,
    task,
    delta0,
    cost,
    classes,
    consultation,
    no_budget,
    seed,
    starts,
    infeasible,
    covariates,
):
    """The model object, before fitting: every check on the table happens here."""
    if model == "mnl":
        from analysis.models.mnl import MNL

        return MNL(choices, attributes, cost=cost, weights=weights)
    if model.startswith("mdcev-"):
        from analysis.models.mdcev import MDCEV

        if consultation is not None and task not in _pages(consultation, "points"):
            raise ValueError(
                f"MDCEV fits allocations: task {task!r} is not a points page of "
                f"{consultation.id} (points pages: "
                f"{', '.join(_pages(consultation, 'points')) or 'none'})"
            )
        return MDCEV(
            choices, profile=model[len("mdcev-") :], attributes=attributes, weights=weights, task=task
        )
    if not no_budget:
        require_budget(choices)
    options = dict(
        weights=weights, delta0=delta0, seed=seed, infeasible="raise" if infeasible is None else "report"
    )
    if model == "latent-class":
        from analysis.models.latent_class import LatentClassPortfolioLogit

        return LatentClassPortfolioLogit(
            choices,
            attributes,
            n_classes=classes,
            covariates=covariates,
            starts=starts,
            consultation=consultation,
            task=task,
            **options,
        )
    from analysis.models.portfolio import PortfolioLogit

    if consultation is not None:
        if task not in _pages(consultation, "portfolio"):
            raise ValueError(
                f"task {task!r} is not a portfolio page of {consultation.id} "
                f"(portfolio pages: {', '.join(_pages(consultation, 'portfolio'))})"
            )
        return PortfolioLogit.from_consultation(consultation, choices, attributes, task=task, **options)
    return PortfolioLogit(choices, attributes, task=task, **options)


def require_budget(choices: pd.DataFrame) -> None:
    """A portfolio table must say what each option cost and what the limit was; without them the
    model silently becomes a different one (no budget rule, no delta0)."""

    def filled(name: str) -> bool:
        return name in choices and bool(pd.to_numeric(choices[name], errors="coerce").notna().any())

    costs = [c for c in choices.columns if c == "cost" or c.startswith("cost_")]
    limited = [
        c
        for c in costs
        if filled(c) and any(filled(c.replace("cost", bound, 1)) for bound in ("budget", "budget_min"))
    ]
    if not limited:
        missing = "cost" if not any(filled(c) for c in costs) else "budget (or budget_min)"
        raise ValueError(
            f"the portfolio rows have no {missing} column with values, so the model "
            "would have no budget rule and no delta0. Add the column, or pass "
            "--no-budget to fit the model without a budget on purpose"
        )


def pairs_rows(choices: pd.DataFrame, task: str | None, page: str | None) -> pd.DataFrame:
    """The rows of the pairs tasks to fit: `task` (ids, comma-separated, or a page whose sets
    are `<task>:<set>`), page `page`, else the `<page>:<set>` rows, else every row."""
    if "task" not in choices:
        if task or page:
            raise ValueError("the choice table has no task column to select tasks from")
        return choices
    ids = choices["task"].fillna("").astype(str)
    if task:
        wanted = [t.strip() for t in str(task).split(",") if t.strip()]
        keep = ids.isin(wanted) | ids.str.split(":").str[0].isin(wanted)
        what = f"task(s) {', '.join(wanted)}"
    elif page:
        keep = ids.str.startswith(f"{page.rstrip(':')}:")
        what = f"pairs page {page!r}"
    else:
        keep = ids.str.contains(":", regex=False)
        if not keep.any():
            return choices
        what = ""
    if not keep.any():
        raise ValueError(
            f"the choice table has no rows of {what} (tasks: {', '.join(sorted(ids.unique())[:10])})"
        )
    return choices[keep]


def _task_rows(choices: pd.DataFrame, task: str) -> pd.DataFrame:
    if "task" not in choices:
        raise ValueError(f"the choice table has no task column to select task {task!r} from")
    rows = choices[choices["task"].astype(str) == str(task)]
    if rows.empty:
        raise ValueError(
            f"the choice table has no rows for task {task!r} (tasks: "
            f"{', '.join(sorted(choices['task'].dropna().astype(str).unique())[:10])})"
        )
    return rows


def read_weights(path: str | Path) -> pd.Series:
    """A `respondent,weight` CSV as a Series; every problem names the file and the respondent."""
    table = _read(path, "weights file")
    if len(table.columns) == 1 and ";" in str(table.columns[0]):
        table = _read(path, "weights file", sep=";", decimal=",")
    if not {"respondent", "weight"} <= set(table.columns):
        raise FitError(
            f"{path}: needs the columns respondent and weight (as `pwe weight` writes "
            f"them); it has {', '.join(map(str, table.columns))}"
        )
    ids = table["respondent"].astype(str)
    twice = ids[ids.duplicated()]
    if len(twice):
        raise FitError(
            f"{path}: respondent {twice.iloc[0]} has more than one weight "
            f"({len(twice)} duplicate row(s)); keep one row per respondent"
        )
    values = pd.to_numeric(table["weight"], errors="coerce")
    for bad, what in ((values.isna(), "is empty or not a number"), (values < 0, "is negative")):
        if bad.any():
            raise FitError(
                f"{path}: the weight of respondent {ids[bad].iloc[0]} "
                f"({table['weight'][bad].iloc[0]}) {what}"
                f"{f' (and {int(bad.sum()) - 1} more)' if bad.sum() > 1 else ''}"
            )
    if not (values > 0).any():
        raise FitError(f"{path}: every weight is 0; the file cannot weight anyone")
    return pd.Series(values.to_numpy(dtype=float), index=ids.to_numpy(), name="weight")


def _covariates(names: list[str] | None, respondents_csv, choices_csv) -> pd.DataFrame | None:
    """Membership covariates from the respondent table: numbers as they are, categories (and a
    missing answer) as 0/1 columns against the most common category."""
    if not names:
        return None
    path = respondents_csv or Path(choices_csv).with_name("respondents.csv")
    people = _read(path, "respondent table")
    missing = [n for n in names if n not in people]
    if missing:
        raise ValueError(f"{path} has no column(s) {', '.join(missing)} for --covariates")
    out = pd.DataFrame({"respondent": people["respondent"].astype(str)})
    for name in names:
        column = people[name]
        numeric = pd.to_numeric(column, errors="coerce")
        if numeric.notna().all():
            out[name] = numeric
            continue
        text = column.fillna("(missing)").astype(str)
        for category in text.value_counts().index[1:]:
            out[f"{name}={category}"] = (text == category).astype(float)
    return out


def _describe(
    result: ChoiceResults,
    fitted: Any,
    model: str,
    task: str | None,
    choices: pd.DataFrame,
    weights: pd.Series | None,
    weights_csv,
    consultation,
    infeasible: str | None,
    notes: list[str],
) -> None:
    """What the summary and JSON say besides the estimates."""
    result.task = task
    base = getattr(fitted, "base", fitted)
    result.constraints = (
        base.constraints()
        if hasattr(base, "constraints")
        else (
            ["one alternative per set"]
            if model == "mnl"
            else ["the amounts add up to each respondent's total"]
        )
    )
    if weights is not None:
        people = choices["respondent"].astype(str).unique()
        w = weights.reindex(people).to_numpy(dtype=float)
        deff = len(w) * (w**2).sum() / w.sum() ** 2
        result.weights = {"file": str(weights_csv), "n_effective": len(w) / deff, "design_effect": deff}
    if consultation is not None:
        unit = _budget_unit(consultation, task)
        result.budget_unit = unit
    if infeasible == "drop" and len(result.infeasible):
        notes.append(
            f"{len(result.infeasible)} chosen portfolio(s) broke the rules and were left "
            "out (--infeasible drop; --infeasible report lists them)"
        )
    elif len(result.infeasible):
        notes += [f"left out: {line}" for line in infeasible_lines(result.infeasible)]
    result.notes = [*result.notes, *notes]
    _predictions(result, model)


def _budget_unit(consultation: Any, task: str | None) -> str:
    """The unit of the page's one constraint in the consultation's first language."""
    try:
        page = consultation.page(task)
    except KeyError:
        return ""
    ids: tuple[str, ...] = getattr(page, "constraints", ())
    if len(ids) != 1:
        return ""
    return consultation.text(consultation.constraint(ids[0]).unit, consultation.default_language)


def _predictions(result: ChoiceResults, model: str) -> None:
    """Predicted support per option (with intervals where the model gives them)."""
    if model == "mnl" or getattr(result, "degenerate", None):
        return
    title = "Predicted support per option (mean level; observed beside it)"
    try:
        if model.startswith("mdcev"):
            table = cast("MDCEVResults", result).predicted_support(draws=50)
        elif result.support_at is not None:
            table = result.support_intervals()
            title += ", with 95% intervals"
        else:
            table = result.predicted_support()
    except ValueError as error:
        result.notes.append(f"no predicted support: {error}")
        return
    result.extra["support"] = (title, table)


def _memberships(result: Any) -> pd.DataFrame:
    posteriors = result.posteriors
    frame = posteriors.reset_index()
    frame["most_likely"] = posteriors.to_numpy().argmax(axis=1) + 1
    return frame


def _write(path, what: str, write) -> None:
    try:
        write(path)
    except (OSError, ValueError) as error:
        raise FitError(f"{path}: cannot write the {what} ({error})") from error


def _read(path: str | Path, what: str, **options: Any) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=_TEXT_COLUMNS, **options)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise FitError(f"{path}: cannot read the {what} ({error})") from error
