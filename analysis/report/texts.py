"""The report's own words, and numbers written the way each language writes them. Texts of the
consultation itself (titles, options, questions) come from its definition.

Each text is an English gettext msgid of the `report` domain, translated in the catalogs under
analysis/report/translations (nl, en, fy; docs/languages.md) and read with Babel alone, since
analysis does not import Flask. The keys name a text where the report's modules use it.
"""

from __future__ import annotations

import math
from pathlib import Path

from babel.numbers import format_decimal

from surveys.language import LANGUAGES, babel_locale, load

CATALOGS = Path(__file__).resolve().parent / "translations"
DOMAIN = "report"


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract`; translated when the report is written."""
    return message


MESSAGES: dict[str, str] = {
    "report_title": N_("Results: %(title)s"),
    "generated_note": N_("Generated from the data"),
    "generated_explained": N_(
        "These sentences were generated from the data; every number is named in results.json."
    ),
    "contents": N_("Contents"),
    "skip": N_("Skip to content"),
    "table": N_("Table"),
    "chart_table": N_("The numbers of this chart"),
    "no_definition": N_(
        "No definition of the consultation was available: this report shows only what the tables "
        "themselves allow (shares per item, who took part), without texts, models or segments."
    ),
    "summary": N_("Summary"),
    "participation": N_("Who took part"),
    "advice": N_("The advice"),
    "values": N_("How people weigh the values"),
    "groups": N_("Groups"),
    "segments": N_("Segments"),
    "evaluation": N_("The consultation itself"),
    "method": N_("Method"),
    "s_completed": N_("%(n)s people completed the consultation (%(sources)s)."),
    "s_top_option": N_("%(words)s advise %(option)s (%(share)s, 95%% interval %(low)s-%(high)s)."),
    "s_more_option": N_("%(words)s advise more %(option)s (%(share)s, 95%% interval %(low)s-%(high)s)."),
    "s_fewest_more": N_("The fewest advise more %(option)s (%(share)s, 95%% interval %(low)s-%(high)s)."),
    "s_statement": N_("Most agree with '%(statement)s' (%(share)s)."),
    "s_bottom_option": N_("The least chosen is %(option)s (%(share)s, 95%% interval %(low)s-%(high)s)."),
    "s_worth": N_(
        "Respondents value %(option)s at %(worth)s %(unit)s (95%% interval %(low)s to %(high)s); it"
        " costs %(cost)s %(unit)s."
    ),
    "s_tradeoff": N_(
        "Respondents weigh %(amount)s %(unit_a)s of %(attribute_a)s as much as 1 %(unit_b)s of "
        "%(attribute_b)s (95%% interval %(low)s to %(high)s)."
    ),
    "s_wtp": N_(
        "One unit more of %(attribute)s (%(unit)s) weighs as much as %(wtp)s %(cost_unit)s for "
        "respondents (95%% interval %(low)s to %(high)s)."
    ),
    "s_wtp_less": N_(
        "One unit less of %(attribute)s (%(unit)s) is worth %(wtp)s %(cost_unit)s to respondents "
        "(95%% interval %(low)s to %(high)s)."
    ),
    "s_top_goals": N_("Most points go to %(goals)s."),
    "s_opt_out": N_("On average %(share)s chose '%(label)s'."),
    "s_segments": N_("There are %(k)s groups that weigh things their own way: %(classes)s."),
    "s_evaluation": N_("%(share)s are positive about the consultation (mean grade %(grade)s)."),
    "s_groups": N_(
        "After correcting for the number of tests, %(count)s outcomes differ significantly between "
        "groups, most of all by %(question)s."
    ),
    "s_no_groups": N_(
        "No difference between groups is significant after correcting for the number of tests."
    ),
    "share_words_0": N_("Almost nobody"),
    "share_words_1": N_("A small minority"),
    "share_words_2": N_("About a third"),
    "share_words_3": N_("About half"),
    "share_words_4": N_("A majority"),
    "share_words_5": N_("About two thirds"),
    "share_words_6": N_("A large majority"),
    "share_words_7": N_("Almost everyone"),
    "p_intro": N_(
        "%(n)s completed responses, from %(first)s to %(last)s; the median duration was %(median)s "
        "minutes. Sources are shown side by side and never pooled silently."
    ),
    "p_by_source": N_("Completed responses by source"),
    "p_funnel": N_("How far respondents got"),
    "p_funnel_alt": N_(
        "Bar chart: the number of respondents who reached each step, from %(first)s started to "
        "%(last)s completed."
    ),
    "p_no_funnel": N_("How far non-completers got is not in the export files; the database has it."),
    "p_weighting": N_("Weighting"),
    "p_weighting_intro": N_(
        "Weighted to the population by raking on %(variables)s. Design effect %(deff)s, effective n"
        " %(n_eff)s, weights from %(low)s to %(high)s; %(trimmed)s weights trimmed."
    ),
    "p_weights_file": N_(
        "Weights from %(file)s. Design effect %(deff)s, effective n %(n_eff)s, weights from %(low)s"
        " to %(high)s."
    ),
    "p_unweighted": N_("Not weighted: every response counts equally."),
    "p_margins": N_("Sample and population per weighting variable"),
    "source": N_("Source"),
    "completed": N_("Completed"),
    "step": N_("Step"),
    "reached": N_("Reached"),
    "motivation": N_("motivation"),
    "limit": N_("Limit"),
    "maximum": N_("Maximum"),
    "started": N_("Started"),
    "variable": N_("Variable"),
    "category": N_("Category"),
    "population": N_("Population"),
    "sample": N_("Sample"),
    "weighted": N_("Weighted"),
    "unweighted": N_("Unweighted"),
    "a_portfolio_intro": N_("Share advising each measure, weighted, with 95% interval."),
    "a_levels_intro": N_("Distribution over the levels and the mean level, weighted."),
    "a_shares_alt": N_("Bar chart of the share advising each choice; the highest is %(top)s with %(share)s."),
    "a_levels_alt": N_("Stacked bar chart of the distribution over the levels per topic."),
    "a_by_source": N_("By source"),
    "a_constraint": N_("Use of the limit: %(constraint)s"),
    "a_constraint_text": N_(
        "Mean use: %(mean)s %(unit)s of %(budget)s %(unit)s (%(share)s); %(full)s used (almost) everything."
    ),
    "a_packages": N_("Most chosen packages"),
    "a_best_package": N_("The package with the most support according to the model"),
    "a_points_intro": N_("Mean points per goal with 95% interval, and the share giving a goal 0 points."),
    "a_points_alt": N_("Bar chart of the mean points per goal; the highest is %(top)s with %(mean)s points."),
    "a_pairs_intro": N_("Share per alternative in each choice set, with the opt-out."),
    "a_pairs_alt": N_("Stacked bar chart of the choices per set."),
    "a_statements_intro": N_("Disagree (1-2), neutral (3), agree (4-5) and don't know, weighted."),
    "a_statements_alt": N_(
        "Diverging bar chart: per statement the share disagreeing on the left and agreeing on the right."
    ),
    "option": N_("Option"),
    "goal": N_("Goal"),
    "set": N_("Set"),
    "alternative": N_("Alternative"),
    "statement": N_("Statement"),
    "share": N_("Share"),
    "interval": N_("95% interval"),
    "mean": N_("Mean"),
    "mean_level": N_("Mean level"),
    "level": N_("Level"),
    "zero": N_("0 points"),
    "median": N_("Median"),
    "quartiles": N_("Quartiles"),
    "n": N_("n"),
    "package": N_("Package"),
    "version": N_("Version"),
    "cost_total": N_("Total cost"),
    "probability": N_("Probability"),
    "agree": N_("Agree"),
    "disagree": N_("Disagree"),
    "neutral": N_("Neutral"),
    "dont_know": N_("Don't know"),
    "nothing": N_("(nothing)"),
    "opt_out": N_("Opt-out"),
    "full_use": N_("Used everything"),
    "v_explained": N_(
        "A value weight says how heavily respondents let an effect or a measure count in their "
        "advice, derived from the choices they made within the limits. It is not a vote and not a "
        "willingness to pay out of one's own pocket: it describes the trade-offs of these "
        "respondents, not of everyone, and is only as precise as its interval says."
    ),
    "v_portfolio": N_("Portfolio logit for %(page)s"),
    "v_worth_intro": N_(
        "What each measure is worth to respondents in %(unit)s (its value divided by the weight of "
        "money left unspent), beside what it costs."
    ),
    "v_worth_alt": N_("Bar chart of the worth of each measure in %(unit)s with 95%% interval."),
    "v_worth": N_("Worth"),
    "v_cost": N_("Cost"),
    "v_net": N_("Worth minus cost"),
    "v_no_interval": N_("no finite interval"),
    "v_tradeoffs": N_("Trade-offs between effects"),
    "v_budget_per_unit": N_("Budget per unit of effect"),
    "v_support": N_("Predicted support per measure"),
    "v_predicted": N_("Predicted"),
    "v_observed": N_("Observed"),
    "v_not_identified": N_("Cannot be estimated: %(reason)s"),
    "v_effects_fixed": N_(
        "The measures' effects are the same for everyone, so how much each effect weighs cannot be "
        "told apart from the measure itself; the report therefore gives the worth of each measure."
    ),
    "v_no_delta0": N_(
        "Costs do not differ between respondents, so a worth in money cannot be estimated; the "
        "report gives the weights themselves."
    ),
    "v_mnl": N_("Choice model (MNL) for %(page)s"),
    "v_wtp": N_("Worth in %(unit)s"),
    "v_wtp_intro": N_(
        "What one unit of each attribute is worth to respondents in %(unit)s, from the trade-off "
        "against the cost."
    ),
    "v_wtp_alt": N_("Bar chart of the worth of one unit of each attribute in %(unit)s with 95%% interval."),
    "v_parameters": N_("Parameters"),
    "v_model_failed": N_("The model for this page could not be estimated: %(reason)s"),
    "attribute": N_("Attribute"),
    "estimate": N_("Estimate"),
    "std_err": N_("Standard error"),
    "robust_std_err": N_("Robust standard error"),
    "parameter": N_("Parameter"),
    "g_intro": N_(
        "Per background question: shares per group and a test of difference (Wald, independent "
        "groups). Only differences that stay significant after a Holm correction for %(tests)s "
        "tests are emphasised."
    ),
    "g_none": N_("Name the background questions to split the results by with --by."),
    "g_significant": N_("Significant after correction"),
    "g_by": N_("By %(question)s"),
    "outcome": N_("Outcome"),
    "p_value": N_("p"),
    "p_holm": N_("p (Holm)"),
    "yes": N_("yes"),
    "no": N_("no"),
    "sg_intro": N_(
        "Latent classes of the portfolio logit for %(page)s: groups of respondents who weigh things"
        " their own way. Number of classes chosen by BIC from 1 to %(max_k)s: %(k)s."
    ),
    "sg_fixed": N_("Latent classes of the portfolio logit for %(page)s with %(k)s classes."),
    "sg_bic": N_("Model choice"),
    "sg_class": N_("Class %(k)s: %(name)s"),
    "sg_short": N_("Class %(k)s"),
    "sg_size": N_("Size %(share)s (95%% interval %(low)s-%(high)s)."),
    "sg_advises": N_("What this group advises"),
    "sg_profile": N_("Background of this group"),
    "sg_prefers": N_("more often %(option)s"),
    "sg_avoids": N_("less often %(option)s"),
    "sg_failed": N_("The segments could not be estimated: %(reason)s"),
    "classes": N_("Classes"),
    "loglik": N_("Log-likelihood"),
    "parameters": N_("Parameters"),
    "overall": N_("Everyone"),
    "arguments": N_("Arguments"),
    "ar_intro": N_(
        "After their advice respondents could explain, per measure, why they did or did not choose "
        "it: %(people)s respondents wrote %(texts)s motivations in all."
    ),
    "ar_weighted": N_(
        "Counts and shares are weighted: each motivation counts with the weight of the respondent "
        "who wrote it. The unweighted counts are in the table files."
    ),
    "ar_unweighted": N_("Counts and shares are unweighted: each motivation counts once."),
    "ar_coded": N_(
        "The motivations are coded with a codebook of %(codes)s codes: a motivation can get several"
        " codes, or none. The share is the part of the motivations for or against a measure that "
        "carries the code."
    ),
    "ar_no_codebook": N_(
        "The motivations are not coded yet. Have codes suggested with pwe arguments %(slug)s "
        "--suggest --out codebook.yaml, name the codes and adjust their patterns, and make the "
        "report again with --codebook codebook.yaml."
    ),
    "ar_quotes_note": N_(
        "Quotes are shortened, and personal data (e-mail addresses, phone numbers, postcodes and "
        "web addresses) is replaced by [e-mail], [phone], [postcode] and [url]."
    ),
    "ar_levels": N_("For a measure with levels, a level above the starting level counts as for."),
    "ar_none": N_("No one wrote a motivation on this page."),
    "ar_for": N_("For"),
    "ar_against": N_("Against"),
    "ar_direction": N_("Direction"),
    "ar_code": N_("Argument"),
    "ar_uncoded": N_("No code"),
    "ar_motivations": N_("Motivations"),
    "ar_motivations_weighted": N_("Motivations (weighted)"),
    "ar_weighted_count": N_("Weighted"),
    "ar_share": N_("Share"),
    "ar_quotes": N_("Quotes"),
    "ar_counts_title": N_("Motivations for and against per measure"),
    "ar_table_title": N_("%(option)s: arguments for and against"),
    "ar_quotes_title": N_("%(option)s: motivations and quotes"),
    "ar_alt": N_(
        "Bar chart of the number of motivations for and against per measure; most (%(count)s) are "
        "%(direction)s %(option)s."
    ),
    "e_intro": N_("How respondents judged the consultation."),
    "e_grade": N_("Grade: mean %(mean)s (95%% interval %(low)s-%(high)s), %(n)s answers."),
    "e_none": N_("This consultation had no evaluation questions."),
    "m_design": N_("Design"),
    "m_design_text": N_("%(pages)s pages; %(versions)s."),
    "m_versions": N_("%(count)s design versions in which %(what)s differ"),
    "m_no_versions": N_("one version for everyone"),
    "m_fieldwork": N_("Fieldwork: %(first)s to %(last)s, %(n)s completed responses."),
    "m_models": N_("Models"),
    "m_portfolio_formula": N_(
        "Portfolio logit: each respondent chooses one package out of all packages the rules "
        "allowed; a package's utility is the sum of the values of the measures chosen plus the "
        "weight of money left unspent times what is left."
    ),
    "m_mnl_formula": N_(
        "Multinomial logit: in each set a respondent chooses the alternative with the highest "
        "utility, a weighted sum of its attributes; the opt-out has a constant of its own. Errors "
        "clustered by respondent."
    ),
    "m_latent_formula": N_(
        "Latent classes: the same portfolio logit with its own weights per class; a respondent "
        "belongs to one class."
    ),
    "m_model_line": N_("%(model)s for %(page)s: N = %(n)s, log-likelihood %(loglik)s, %(converged)s."),
    "m_converged": N_("converged"),
    "m_not_converged": N_("NOT converged"),
    "m_limits": N_("What the numbers can and cannot say"),
    "m_limits_text": N_(
        "Respondents chose to take part: an open consultation is not a sample, and weighting "
        "corrects only for the weighting variables. Intervals give the uncertainty from chance, not"
        " from self-selection, the wording of options or the steps chosen."
    ),
    "m_reproduce": N_("Reproducibility"),
    "m_sha": N_("SHA-256 of the definition: %(sha)s"),
    "m_command": N_("Made with:"),
    "m_no_sha": N_("No definition available."),
}


class Texts:
    """The report's texts in one language, with numbers formatted as that language writes them."""

    def __init__(self, language: str):
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        self.language = language
        self.catalog = load(CATALOGS, DOMAIN, language)

    def __call__(self, key: str, **values: object) -> str:
        message = MESSAGES[key]
        text = self.catalog.gettext(message)
        # only a text with placeholders is a format: "95% interval" alone stays as it is
        return text % values if "%(" in message else text

    def number(self, value: float, digits: int = 0) -> str:
        """1234.5 -> "1,234.5" (en) or "1.234,5" (nl, fy), by Babel; infinities and NaN as a dash."""
        if value is None or not math.isfinite(value):
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        text = format_decimal(abs(value), format=pattern, locale=babel_locale(self.language))
        return "−" + text if value < 0 and text.strip("0.,") else text

    def percent(self, share: float, digits: int = 0) -> str:
        return "–" if share is None or not math.isfinite(share) else f"{self.number(100 * share, digits)}%"

    def significant(self, value: float) -> str:
        """A number with three significant digits, for value weights of any size."""
        if value is None or not math.isfinite(value) or value == 0:
            return self.number(value or 0.0)
        digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
        return self.number(value, digits)

    def share_words(self, share: float) -> str:
        """Words for a share: "About two thirds", "A majority", ..."""
        bounds = [0.05, 0.25, 0.4, 0.55, 0.6, 0.72, 0.95]
        return self(f"share_words_{sum(share >= bound for bound in bounds)}")
