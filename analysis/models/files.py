"""Fit a choice model on CSV files and write its results as JSON: what `pwe fit` runs."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.models.latent_class import LatentClassPortfolioLogit
from analysis.models.mdcev import MDCEV
from analysis.models.mnl import MNL
from analysis.models.portfolio import PortfolioLogit
from analysis.models.results import DEFAULT_COV_TYPE, ChoiceResults

MODELS = ("portfolio-logit", "latent-class", "mnl", "mdcev-gamma", "mdcev-alpha")
_TEXT_COLUMNS = {"respondent": str, "task": str, "option": str, "group": str, "version": str}


class FitError(ValueError):
    """The files cannot be read or the model cannot be fitted; the message says what to change."""


def fit_file(choices_csv: str | Path, model: str, attributes: list[str], *,
             weights_csv: str | Path | None = None, task: str | None = None,
             delta0: bool = True, json_out: str | Path | None = None,
             task_prefix: str | None = None, cost: str | None = None,
             classes: int | None = None, cov_type: str = DEFAULT_COV_TYPE) -> ChoiceResults:
    """Fit `model` on a long choice table (weights from a `respondent,weight` CSV if given),
    with the standard errors of `cov_type`.

    For "mnl" the rows of pairs pages (task "<page>:<set>") are fitted, only those of page
    `task_prefix` when given; `cost` names the money attribute for willingness to pay.
    "latent-class" needs `classes`, the number of classes.
    """
    if model not in MODELS:
        raise FitError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if model != "mnl" and (task_prefix or cost):
        raise FitError("--task-prefix and --cost apply to pairs pages (--model mnl); "
                       "for the other models select a page with --task")
    if model == "mnl" and task is not None:
        raise FitError("select pairs pages with --task-prefix PAGE (tasks are PAGE:SET)")
    if model == "latent-class" and classes is None:
        raise FitError("--model latent-class needs --classes K, the number of classes (fit "
                       "K = 1, 2, 3, ... and compare their BIC)")
    if model != "latent-class" and classes is not None:
        raise FitError("--classes applies to --model latent-class only")
    choices = _read(choices_csv, "choice table")
    weights = None
    if weights_csv is not None:
        table = _read(weights_csv, "weights file")
        if not {"respondent", "weight"} <= set(table.columns):
            raise FitError(f"{weights_csv}: needs the columns respondent and weight "
                           "(as `pwe weight` writes them)")
        weights = pd.Series(pd.to_numeric(table["weight"], errors="coerce").to_numpy(),
                            index=table["respondent"])
    try:
        if model == "mnl":
            fitted = MNL(_pairs_rows(choices, task_prefix), attributes, cost=cost, weights=weights)
        elif model == "latent-class":
            fitted = LatentClassPortfolioLogit(choices, attributes, n_classes=classes,
                                               weights=weights, task=task, delta0=delta0)
        elif model.startswith("mdcev-"):
            fitted = MDCEV(choices, profile=model[len("mdcev-"):], attributes=attributes,
                           weights=weights, task=task)
        else:
            fitted = PortfolioLogit(choices, attributes, weights=weights, task=task, delta0=delta0)
        result = fitted.fit(cov_type=cov_type)
    except ValueError as error:
        raise FitError(f"{choices_csv}: {error}") from error
    if json_out is not None:
        try:
            Path(json_out).write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
        except OSError as error:
            raise FitError(f"{json_out}: cannot write the results ({error})") from error
    return result


def _read(path: str | Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=_TEXT_COLUMNS)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise FitError(f"{path}: cannot read the {what} ({error})") from error


def _pairs_rows(choices: pd.DataFrame, page: str | None) -> pd.DataFrame:
    """The rows of pairs pages (task "<page>:<set>"), of one page when `page` is given."""
    if "task" not in choices:
        raise ValueError("the choice table has no task column to find the pairs sets in")
    task = choices["task"].fillna("")
    keep = (task.str.startswith(f"{page.rstrip(':')}:") if page
            else task.str.contains(":", regex=False))
    if not keep.any():
        where = f"of pairs page {page!r}" if page else "of a pairs page (task <page>:<set>)"
        raise ValueError(f"the choice table has no rows {where}")
    return choices[keep]
