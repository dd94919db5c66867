"""Section 6, the arguments: per portfolio page with a motivation step, the motivations written
for and against each option; with a codebook (--codebook) coded, counted and shown with a few
representative quotes per code, without one counted with a few quotes and how to get codes.

Coding, counting, masking personal data and choosing quotes are analysis.arguments'; this module
only decides what is for and what against, and lays the numbers out as the report's tables."""

from __future__ import annotations

import pandas as pd

from analysis.arguments import (
    CODED_COLUMNS,
    GROUP,
    Codebook,
    code_counts,
    code_motivations,
    representative_quotes,
    text_counts,
)
from analysis.report import charts
from analysis.report.context import Context
from analysis.report.document import Column, Figure, Heading, Paragraph, Section, TableBlock
from analysis.tables import CHOSEN, NOT_CHOSEN, motivations_from_respondents
from surveys.definition import PortfolioPage

FOR, AGAINST = "for", "against"
DIRECTIONS = (FOR, AGAINST)
UNCODED = "(uncoded)"  # not a valid code id, so it never clashes with the codebook's
QUOTES_PER_CODE = 2
QUOTES_UNCODED = 3
QUOTE_LENGTH = 200
QUOTE_SEPARATOR = "\n"  # between the quotes of one row, in the tables' `quotes` column


def stances(motivations: pd.DataFrame, page: PortfolioPage) -> pd.DataFrame:
    """The page's motivations with `direction` for or against: a chosen on/off option, or a
    level above the option's starting level, is explained as for; anything else as against."""
    defaults = {option.id: option.default for option in page.options}
    rows = motivations[motivations["page"] == page.id]
    level = pd.to_numeric(rows["level"], errors="coerce")
    above = level > rows["option"].map(defaults).astype(float)
    direction = rows["direction"].map({CHOSEN: FOR, NOT_CHOSEN: AGAINST})
    direction = direction.fillna(above.map({True: FOR, False: AGAINST}))
    return rows.assign(direction=direction)


def coded(motivations: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """One row per motivation and code it carries; texts that carry none get UNCODED. Without a
    codebook every text is UNCODED, so counts and quotes come out per option and direction."""
    if codebook is None:
        return motivations.assign(code=UNCODED)[CODED_COLUMNS]
    found = code_motivations(motivations, codebook)
    keys = ["respondent", *GROUP]
    carried = (
        pd.MultiIndex.from_frame(found[keys]) if len(found) else pd.MultiIndex.from_tuples([], names=keys)
    )
    rest = motivations[~pd.MultiIndex.from_frame(motivations[keys]).isin(carried)]
    return pd.concat([found, rest.assign(code=UNCODED)[CODED_COLUMNS]], ignore_index=True)


def arguments_table(
    motivations: pd.DataFrame, codes: pd.DataFrame, page: PortfolioPage, weights: pd.Series | None
) -> pd.DataFrame:
    """Per option, direction and code (the page's order, for before against, the most given code
    first, weighted when the report is, the uncoded last): motivations, their share, the weighted
    ones, and a few quotes."""
    counts = code_counts(motivations, codes, weights)
    per = QUOTES_PER_CODE if (codes["code"] != UNCODED).any() else QUOTES_UNCODED
    quotes = representative_quotes(motivations, codes, per_code=per, limit=QUOTE_LENGTH)
    joined = quotes.groupby([*GROUP, "code"], sort=False)["quote"].agg(QUOTE_SEPARATOR.join)
    counts = counts.join(joined.rename("quotes"), on=[*GROUP, "code"])
    order = {option.id: k for k, option in enumerate(page.options)}
    counts = counts.assign(
        _option=counts["option"].map(order),
        _direction=counts["direction"].map({FOR: 0, AGAINST: 1}),
        _uncoded=counts["code"] == UNCODED,
    )
    most = "weighted_count" if weights is not None else "count"  # the order the shown shares take
    counts = counts.sort_values(
        ["_option", "_direction", "_uncoded", most, "code"],
        ascending=[True, True, True, False, True],
        kind="stable",
    )
    return counts.drop(columns=["_option", "_direction", "_uncoded"]).reset_index(drop=True)


def per_option(motivations: pd.DataFrame, page: PortfolioPage, weights: pd.Series | None) -> pd.DataFrame:
    """Per option of the page: the motivations for and against (and weighted, with weights)."""
    counts = text_counts(motivations, weights)
    wide = pd.DataFrame({"option": [option.id for option in page.options]})
    for direction in DIRECTIONS:
        part = counts[counts["direction"] == direction].set_index("option")
        wide[f"texts_{direction}"] = wide["option"].map(part["texts"]).fillna(0).astype(int)
        if weights is not None:
            wide[f"weighted_texts_{direction}"] = wide["option"].map(part["weighted_texts"]).fillna(0.0)
    return wide


def section(ctx: Context) -> Section | None:
    consultation = ctx.consultation
    if consultation is None:
        return None
    pages = [p for p in consultation.pages if isinstance(p, PortfolioPage) and p.motivation]
    if not pages:
        return None
    t = ctx.texts
    codebook: Codebook | None = ctx.options.codebook
    weights = ctx.weights
    weighted = weights is not None
    everything = motivations_from_respondents(consultation, ctx.data.respondents)
    result = Section(
        "arguments",
        t("arguments"),
        [
            Paragraph(
                t(
                    "ar_intro",
                    texts=t.number(len(everything)),
                    people=t.number(everything["respondent"].nunique()),
                )
            ),
            Paragraph(t("ar_weighted" if weighted else "ar_unweighted")),
        ],
    )
    if codebook is None:
        result.blocks.append(Paragraph(t("ar_no_codebook", slug=ctx.options.name or consultation.id)))
    else:
        result.blocks.append(Paragraph(t("ar_coded", codes=len(codebook.codes))))
    result.blocks.append(Paragraph(t("ar_quotes_note")))
    numbers = ctx.results.setdefault(
        "arguments", {"coded": codebook is not None, "weighted": weighted, "pages": {}}
    )
    for page in pages:
        motivations = stances(everything, page)
        result.blocks.append(Heading(ctx.labels("page", page.id)))
        if any(not option.is_toggle for option in page.options):
            result.blocks.append(Paragraph(t("ar_levels")))
        if motivations.empty:
            result.blocks.append(Paragraph(t("ar_none")))
            numbers["pages"][page.id] = {"texts": 0, "options": [], "arguments": []}
            continue
        overview = per_option(motivations, page, weights)
        table = arguments_table(motivations, coded(motivations, codebook), page, weights)
        numbers["pages"][page.id] = {
            "texts": len(motivations),
            "options": overview.to_dict("records"),
            "arguments": [
                {
                    **row,
                    "quotes": row["quotes"].split(QUOTE_SEPARATOR) if isinstance(row["quotes"], str) else [],
                }
                for row in table.to_dict("records")
            ],
        }
        result.blocks.append(_overview_figure(ctx, page, overview, weighted))
        result.blocks += _arguments_tables(ctx, page, table, codebook, weighted)
    return result


def _overview_figure(ctx: Context, page: PortfolioPage, overview: pd.DataFrame, weighted: bool) -> Figure:
    t = ctx.texts
    prefix = "weighted_texts" if weighted else "texts"
    frame = overview.assign(label=[ctx.labels("option", option) for option in overview["option"]])
    columns = [Column("label", t("option"))] + [
        Column(f"{prefix}_{direction}", t(f"ar_{direction}"), "count" if not weighted else "number")
        for direction in DIRECTIONS
    ]
    table = ctx.table(f"{page.id}_motivations", t("ar_counts_title"), frame, columns)
    figure = charts.bars(
        list(frame["label"]),
        [(t(f"ar_{direction}"), frame[f"{prefix}_{direction}"], None, None) for direction in DIRECTIONS],
        t("ar_motivations_weighted" if weighted else "ar_motivations"),
        t.number,
        percent=False,
    )
    long = frame.melt("label", [f"{prefix}_{d}" for d in DIRECTIONS], "direction", "count")
    top = long.iloc[int(long["count"].to_numpy().argmax())]
    alt = t(
        "ar_alt",
        count=t.number(top["count"]),
        direction=t(f"ar_{top['direction'].rsplit('_', 1)[1]}").lower(),
        option=top["label"],
    )
    return Figure(figure, alt, table)


def _arguments_tables(
    ctx: Context, page: PortfolioPage, table: pd.DataFrame, codebook: Codebook | None, weighted: bool
) -> list[TableBlock]:
    """One table per option (narrow enough to read its quotes), named <page>_arguments_<option>."""
    t = ctx.texts
    frame = table.assign(
        label=[ctx.labels("option", option) for option in table["option"]],
        direction_label=[t(f"ar_{direction}") for direction in table["direction"]],
        code_label=[
            t("ar_uncoded")
            if code == UNCODED or codebook is None
            else codebook.label(code, ctx.options.language)
            for code in table["code"]
        ],
    )
    columns = [Column("direction_label", t("ar_direction"))]
    if codebook is not None:
        columns += [Column("code_label", t("ar_code")), Column("count", t("ar_motivations"), "count")]
        if weighted:
            columns.append(Column("weighted_count", t("ar_weighted_count"), "number"))
        columns.append(Column("weighted_share" if weighted else "share", t("ar_share"), "percent"))
    else:
        columns.append(Column("texts", t("ar_motivations"), "count"))
        frame = frame.drop(
            columns=["code", "code_label", "count", "share", "weighted_count", "weighted_share"],
            errors="ignore",
        )
    columns.append(Column("quotes", t("ar_quotes"), "quotes"))
    title = "ar_table_title" if codebook is not None else "ar_quotes_title"
    return [
        TableBlock(
            ctx.table(
                f"{page.id}_arguments_{option.id}",
                t(title, option=ctx.labels("option", option.id)),
                frame[frame["option"] == option.id],
                columns,
            )
        )
        for option in page.options
        if (frame["option"] == option.id).any()
    ]
