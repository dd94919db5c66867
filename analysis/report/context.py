"""Everything a report's sections share while it is built: the data, weights, fitted models,
the language, and the registry of tables and named numbers that become results.json."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.arguments import Codebook
from analysis.report.document import Column, Table
from analysis.report.inputs import ReportData
from analysis.report.labels import Labels
from analysis.report.texts import Texts
from analysis.report.weights import Weighting

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReportOptions:
    """How to make the report (`name`: the consultation's slug, the title without a
    definition): `by` background questions to split by, `classes` "auto" (K by
    BIC from 1 to `max_classes`), a number of latent classes, or None for no segments;
    `codebook` codes the motivations in the arguments section."""

    language: str = "nl"
    by: tuple[str, ...] = ()
    classes: str | int | None = None
    max_classes: int = 4
    class_starts: int = 3
    codebook: Codebook | None = None
    command: str = ""
    name: str = ""


def _quiet(label: str, done: int, total: int) -> None:
    """No progress shown."""


@dataclass
class Context:
    data: ReportData
    options: ReportOptions
    weighting: Weighting
    progress: Progress = _quiet
    results: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    fits: dict[str, Any] = field(default_factory=dict)
    segments: Any = None
    _page_rows: dict | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.texts = Texts(self.options.language)
        self.labels = Labels(self.data.consultation, self.options.language)

    @property
    def weights(self) -> pd.Series | None:
        return self.weighting.weights

    @property
    def consultation(self):
        return self.data.consultation

    def sources(self) -> pd.Series:
        """Each respondent's source (open link, invitation batch, ...), indexed by respondent."""
        people = self.data.respondents.set_index("respondent")
        if "source" not in people:
            return pd.Series("-", index=people.index, name="source")
        return people["source"].fillna("-").astype(str)

    def rows(self, page) -> pd.DataFrame:
        """The choice table's rows of one page (a pairs page's sets are tasks <page>:<set>),
        found by one pass over the task column for all pages."""
        if self._page_rows is None:
            codes, tasks = pd.factorize(self.data.choices["task"].astype(str))
            pages = np.array([task.partition(":")[0] for task in tasks], dtype=object)
            grouped = pd.Series(np.arange(len(codes))).groupby(pages[codes]).indices if len(codes) else {}
            self._page_rows = dict(grouped)
        return self.data.choices.iloc[self._page_rows.get(page.id, [])]

    def table(
        self, name: str, title: str, frame: pd.DataFrame, columns: list[Column], emphasis: str | None = None
    ) -> Table:
        """Register a table under a unique name (its CSV file's name) and return it."""
        unique, n = name, 2
        while unique in self.tables:
            unique, n = f"{name}_{n}", n + 1
        table = Table(unique, title, frame.reset_index(drop=True), columns, emphasis)
        self.tables[unique] = table
        return table
