"""The report's own words in Dutch and English, and numbers written the way each language writes
them. Texts of the consultation itself (titles, options, questions) come from its definition."""

from __future__ import annotations

import math

LANGUAGES = ("nl", "en")

CATALOG: dict[str, dict[str, str]] = {
    "nl": {
        "report_title": "Resultaten: {title}",
        "generated_note": "Gegenereerd uit de gegevens",
        "generated_explained": "Deze zinnen zijn automatisch uit de gegevens gemaakt; elk getal "
        "staat met zijn naam in results.json.",
        "contents": "Inhoud",
        "skip": "Naar de inhoud",
        "table": "Tabel",
        "chart_table": "De cijfers van deze grafiek",
        "no_definition": "Er was geen definitie van de raadpleging: dit rapport toont alleen wat "
        "de tabellen zelf laten zien (aandelen per onderdeel, wie meedeed), "
        "zonder teksten, modellen en segmenten.",
        # section titles
        "summary": "Samenvatting",
        "participation": "Wie deed mee",
        "advice": "Het advies",
        "values": "Hoe mensen de waarden wegen",
        "groups": "Groepen",
        "segments": "Segmenten",
        "evaluation": "De raadpleging zelf",
        "method": "Methode",
        # summary sentences
        "s_completed": "{n} mensen rondden de raadpleging af ({sources}).",
        "s_top_option": "{words} adviseert {option} ({share}, 95%-interval {low}-{high}).",
        "s_more_option": "{words} adviseert meer {option} ({share}, 95%-interval {low}-{high}).",
        "s_fewest_more": "Het minst vaak adviseert men meer {option} ({share}, 95%-interval {low}-{high}).",
        "s_statement": "De meeste instemming krijgt '{statement}' ({share} eens).",
        "s_bottom_option": "Het minst gekozen is {option} ({share}, 95%-interval {low}-{high}).",
        "s_worth": "Deelnemers waarderen {option} op {worth} {unit} (95%-interval {low} tot "
        "{high}); het kost {cost} {unit}.",
        "s_tradeoff": "Deelnemers wegen {amount} {unit_a} {attribute_a} even zwaar als 1 {unit_b} "
        "{attribute_b} (95%-interval {low} tot {high}).",
        "s_wtp": "Eén eenheid meer {attribute} ({unit}) weegt voor deelnemers even zwaar als "
        "{wtp} {cost_unit} (95%-interval {low} tot {high}).",
        "s_wtp_less": "Eén eenheid minder {attribute} ({unit}) is deelnemers {wtp} {cost_unit} waard "
        "(95%-interval {low} tot {high}).",
        "s_top_goals": "De meeste punten gaan naar {goals}.",
        "s_opt_out": "Gemiddeld koos {share} voor '{label}'.",
        "s_segments": "Er zijn {k} groepen met een eigen afweging: {classes}.",
        "s_evaluation": "{share} is positief over de raadpleging (gemiddeld cijfer {grade}).",
        "s_groups": "Na correctie voor het aantal toetsen verschillen {count} uitkomsten "
        "significant tussen groepen, de grootste bij {question}.",
        "s_no_groups": "Geen verschil tussen groepen is significant na correctie voor het aantal toetsen.",
        "share_words_0": "Bijna niemand",
        "share_words_1": "Een kleine minderheid",
        "share_words_2": "Ongeveer een derde",
        "share_words_3": "Ongeveer de helft",
        "share_words_4": "Een meerderheid",
        "share_words_5": "Ongeveer twee derde",
        "share_words_6": "Een ruime meerderheid",
        "share_words_7": "Bijna iedereen",
        # participation
        "p_intro": "{n} afgeronde antwoorden, van {first} tot {last}; de mediane duur was {median} "
        "minuten. Bronnen staan naast elkaar en worden nergens stil samengevoegd.",
        "p_by_source": "Afgeronde antwoorden per bron",
        "p_funnel": "Hoe ver deelnemers kwamen",
        "p_funnel_alt": "Staafdiagram: aantal deelnemers dat elke stap bereikte, van {first} "
        "gestart tot {last} afgerond.",
        "p_no_funnel": "Hoe ver niet-afronders kwamen staat niet in de exportbestanden; de "
        "database heeft het wel.",
        "p_weighting": "Weging",
        "p_weighting_intro": "Gewogen naar de bevolking met raking op {variables}. Design effect "
        "{deff}, effectieve n {n_eff}, gewichten van {low} tot {high}; "
        "{trimmed} gewichten afgekapt.",
        "p_weights_file": "Gewichten uit {file}. Design effect {deff}, effectieve n {n_eff}, "
        "gewichten van {low} tot {high}.",
        "p_unweighted": "Niet gewogen: elk antwoord telt even zwaar.",
        "p_margins": "Steekproef en bevolking per wegingsvariabele",
        "source": "Bron",
        "completed": "Afgerond",
        "step": "Stap",
        "reached": "Bereikt",
        "motivation": "motivatie",
        "limit": "Grens",
        "maximum": "Maximum",
        "started": "Gestart",
        "variable": "Variabele",
        "category": "Categorie",
        "population": "Bevolking",
        "sample": "Steekproef",
        "weighted": "Gewogen",
        "unweighted": "Ongewogen",
        # advice
        "a_portfolio_intro": "Aandeel dat elke maatregel adviseert, gewogen, met 95%-interval.",
        "a_levels_intro": "Verdeling over de standen en de gemiddelde stand, gewogen.",
        "a_shares_alt": "Staafdiagram van het aandeel dat elke keuze adviseert; het hoogste is "
        "{top} met {share}.",
        "a_levels_alt": "Gestapeld staafdiagram van de verdeling over de standen per onderwerp.",
        "a_by_source": "Per bron",
        "a_constraint": "Gebruik van de grens: {constraint}",
        "a_constraint_text": "Gemiddeld gebruikt: {mean} {unit} van {budget} {unit} ({share}); "
        "{full} gebruikte (bijna) alles.",
        "a_packages": "Meest gekozen pakketten",
        "a_best_package": "Pakket met de meeste steun volgens het model",
        "a_points_intro": "Gemiddeld aantal punten per doel met 95%-interval, en het aandeel "
        "dat een doel 0 punten gaf.",
        "a_points_alt": "Staafdiagram van de gemiddelde punten per doel; het hoogste is {top} "
        "met {mean} punten.",
        "a_pairs_intro": "Aandeel per alternatief in elke keuzeset, met de opt-out.",
        "a_pairs_alt": "Gestapeld staafdiagram van de keuzes per set.",
        "a_statements_intro": "Oneens (1-2), neutraal (3), eens (4-5) en weet niet, gewogen.",
        "a_statements_alt": "Divergerend staafdiagram: per uitspraak het aandeel oneens links "
        "en eens rechts.",
        "option": "Optie",
        "goal": "Doel",
        "set": "Set",
        "alternative": "Alternatief",
        "statement": "Uitspraak",
        "share": "Aandeel",
        "interval": "95%-interval",
        "mean": "Gemiddelde",
        "mean_level": "Gemiddelde stand",
        "level": "Stand",
        "zero": "0 punten",
        "median": "Mediaan",
        "quartiles": "Kwartielen",
        "n": "n",
        "package": "Pakket",
        "version": "Versie",
        "cost_total": "Totale kosten",
        "probability": "Kans",
        "agree": "Eens",
        "disagree": "Oneens",
        "neutral": "Neutraal",
        "dont_know": "Weet niet",
        "nothing": "(niets)",
        "opt_out": "Opt-out",
        "full_use": "Alles gebruikt",
        # values
        "v_explained": "Een waardegewicht zegt hoe zwaar deelnemers in hun advies een effect of "
        "een maatregel lieten wegen, afgeleid uit de keuzes die zij binnen de "
        "grenzen maakten. Het is geen stemming en geen bereidheid om zelf te "
        "betalen: het beschrijft de afwegingen van deze deelnemers, niet die van "
        "iedereen, en is alleen zo precies als het interval aangeeft.",
        "v_portfolio": "Portfolio-logit voor {page}",
        "v_worth_intro": "Wat elke maatregel deelnemers waard is, uitgedrukt in {unit} "
        "(waarde gedeeld door het gewicht van geld dat overblijft), naast wat "
        "hij kost.",
        "v_worth_alt": "Staafdiagram van de waarde per maatregel in {unit} met 95%-interval.",
        "v_worth": "Waarde",
        "v_cost": "Kosten",
        "v_net": "Waarde min kosten",
        "v_no_interval": "geen eindig interval",
        "v_tradeoffs": "Afwegingen tussen effecten",
        "v_budget_per_unit": "Budget per eenheid effect",
        "v_support": "Voorspelde steun per maatregel",
        "v_predicted": "Voorspeld",
        "v_observed": "Waargenomen",
        "v_not_identified": "Niet te schatten: {reason}",
        "v_effects_fixed": "De effecten van de maatregelen zijn voor iedereen gelijk, dus hoe "
        "zwaar elk effect weegt is niet los van de maatregel te schatten; "
        "het rapport geeft daarom de waarde per maatregel.",
        "v_no_delta0": "De kosten verschillen niet tussen deelnemers, dus de waarde in geld is "
        "niet te schatten; het rapport geeft alleen de gewichten zelf.",
        "v_mnl": "Keuzemodel (MNL) voor {page}",
        "v_wtp": "Waarde in {unit}",
        "v_wtp_intro": "Wat een eenheid van elk kenmerk deelnemers waard is in {unit}, uit de "
        "afweging tegen de kosten.",
        "v_wtp_alt": "Staafdiagram van de waarde per eenheid van elk kenmerk in {unit} met 95%-interval.",
        "v_parameters": "Parameters",
        "v_model_failed": "Het model voor deze pagina kon niet worden geschat: {reason}",
        "attribute": "Kenmerk",
        "estimate": "Schatting",
        "std_err": "Standaardfout",
        "robust_std_err": "Robuuste standaardfout",
        "parameter": "Parameter",
        # groups
        "g_intro": "Per achtergrondvraag: aandelen per groep en een toets op verschil (Wald, "
        "onafhankelijke groepen). Alleen verschillen die significant blijven na "
        "Holm-correctie voor {tests} toetsen worden benadrukt.",
        "g_none": "Geef met --by de achtergrondvragen waarop u de uitkomsten wilt splitsen.",
        "g_significant": "Significant na correctie",
        "g_by": "Naar {question}",
        "outcome": "Uitkomst",
        "p_value": "p",
        "p_holm": "p (Holm)",
        "yes": "ja",
        "no": "nee",
        # segments
        "sg_intro": "Latente klassen van het portfolio-logitmodel voor {page}: groepen "
        "deelnemers met een eigen afweging. Aantal klassen gekozen met BIC uit 1 tot "
        "{max_k}: {k}.",
        "sg_fixed": "Latente klassen van het portfolio-logitmodel voor {page} met {k} klassen.",
        "sg_bic": "Modelkeuze",
        "sg_class": "Klasse {k}: {name}",
        "sg_short": "Klasse {k}",
        "sg_size": "Omvang {share} (95%-interval {low}-{high}).",
        "sg_advises": "Wat deze groep adviseert",
        "sg_profile": "Achtergrond van deze groep",
        "sg_prefers": "vaker {option}",
        "sg_avoids": "minder vaak {option}",
        "sg_failed": "De segmenten konden niet worden geschat: {reason}",
        "classes": "Klassen",
        "loglik": "Log-likelihood",
        "parameters": "Parameters",
        "overall": "Iedereen",
        # arguments
        "arguments": "Argumenten",
        "ar_intro": "Na hun advies konden deelnemers per maatregel uitleggen waarom ze die wel of "
        "niet kozen: {people} deelnemers schreven samen {texts} motivaties.",
        "ar_weighted": "Aantallen en aandelen zijn gewogen: elke motivatie telt met het gewicht van "
        "wie haar schreef. De ongewogen aantallen staan in de tabelbestanden.",
        "ar_unweighted": "Aantallen en aandelen zijn ongewogen: elke motivatie telt één keer.",
        "ar_coded": "De motivaties zijn gecodeerd met een codeboek van {codes} codes: een motivatie "
        "kan meer codes krijgen, of geen. Het aandeel is het deel van de motivaties voor of tegen "
        "een maatregel dat de code draagt.",
        "ar_no_codebook": "De motivaties zijn nog niet gecodeerd. Laat codes voorstellen met "
        "pwe arguments {slug} --suggest --out codebook.yaml, geef de codes een naam en pas de "
        "patronen aan, en maak het rapport opnieuw met --codebook codebook.yaml.",
        "ar_quotes_note": "Citaten zijn ingekort en persoonlijke gegevens (e-mailadressen, "
        "telefoonnummers, postcodes en webadressen) zijn vervangen door [e-mail], [phone], "
        "[postcode] en [url].",
        "ar_levels": "Bij een maatregel met niveaus telt een niveau boven het beginniveau als voor.",
        "ar_none": "Op deze pagina schreef niemand een motivatie.",
        "ar_for": "Voor",
        "ar_against": "Tegen",
        "ar_direction": "Richting",
        "ar_code": "Argument",
        "ar_uncoded": "Geen code",
        "ar_motivations": "Motivaties",
        "ar_motivations_weighted": "Motivaties (gewogen)",
        "ar_weighted_count": "Gewogen",
        "ar_share": "Aandeel",
        "ar_quotes": "Citaten",
        "ar_counts_title": "Motivaties voor en tegen per maatregel",
        "ar_table_title": "{option}: argumenten voor en tegen",
        "ar_quotes_title": "{option}: motivaties en citaten",
        "ar_alt": "Staafdiagram van het aantal motivaties voor en tegen per maatregel; de "
        "meeste ({count}) zijn {direction} {option}.",
        # evaluation
        "e_intro": "Hoe deelnemers de raadpleging beoordeelden.",
        "e_grade": "Rapportcijfer: gemiddeld {mean} (95%-interval {low}-{high}), {n} antwoorden.",
        "e_none": "Deze raadpleging had geen evaluatievragen.",
        # method
        "m_design": "Opzet",
        "m_design_text": "{pages} pagina's; {versions}.",
        "m_versions": "{count} ontwerpversies waarin {what} verschillen",
        "m_no_versions": "één versie voor iedereen",
        "m_fieldwork": "Veldwerk: {first} tot {last}, {n} afgeronde antwoorden.",
        "m_models": "Modellen",
        "m_portfolio_formula": "Portfolio-logit: elke deelnemer kiest één pakket uit alle "
        "pakketten die de regels toestonden; het nut van een pakket is de "
        "som van de waarden van de gekozen maatregelen plus het gewicht "
        "van geld dat overblijft maal wat er overblijft.",
        "m_mnl_formula": "Multinomiale logit: per set kiest een deelnemer het alternatief met het "
        "hoogste nut, een gewogen som van de kenmerken; de opt-out heeft een "
        "eigen constante. Fouten geclusterd per deelnemer.",
        "m_latent_formula": "Latente klassen: dezelfde portfolio-logit met eigen gewichten per "
        "klasse; een deelnemer hoort bij één klasse.",
        "m_model_line": "{model} voor {page}: N = {n}, log-likelihood {loglik}, {converged}.",
        "m_converged": "geconvergeerd",
        "m_not_converged": "NIET geconvergeerd",
        "m_limits": "Wat de getallen wel en niet zeggen",
        "m_limits_text": "Wie meedeed koos daar zelf voor: een open raadpleging is geen "
        "steekproef, en weging corrigeert alleen voor de wegingsvariabelen. "
        "Intervallen geven de onzekerheid door toeval, niet door zelfselectie, "
        "de formulering van opties of de gekozen stappen.",
        "m_reproduce": "Herhaalbaarheid",
        "m_sha": "SHA-256 van de definitie: {sha}",
        "m_command": "Gemaakt met:",
        "m_no_sha": "Geen definitie beschikbaar.",
    },
    "en": {
        "report_title": "Results: {title}",
        "generated_note": "Generated from the data",
        "generated_explained": "These sentences were generated from the data; every number is "
        "named in results.json.",
        "contents": "Contents",
        "skip": "Skip to content",
        "table": "Table",
        "chart_table": "The numbers of this chart",
        "no_definition": "No definition of the consultation was available: this report shows only "
        "what the tables themselves allow (shares per item, who took part), "
        "without texts, models or segments.",
        "summary": "Summary",
        "participation": "Who took part",
        "advice": "The advice",
        "values": "How people weigh the values",
        "groups": "Groups",
        "segments": "Segments",
        "evaluation": "The consultation itself",
        "method": "Method",
        "s_completed": "{n} people completed the consultation ({sources}).",
        "s_top_option": "{words} advise {option} ({share}, 95% interval {low}-{high}).",
        "s_more_option": "{words} advise more {option} ({share}, 95% interval {low}-{high}).",
        "s_fewest_more": "The fewest advise more {option} ({share}, 95% interval {low}-{high}).",
        "s_statement": "Most agree with '{statement}' ({share}).",
        "s_bottom_option": "The least chosen is {option} ({share}, 95% interval {low}-{high}).",
        "s_worth": "Respondents value {option} at {worth} {unit} (95% interval {low} to {high}); "
        "it costs {cost} {unit}.",
        "s_tradeoff": "Respondents weigh {amount} {unit_a} of {attribute_a} as much as 1 {unit_b} "
        "of {attribute_b} (95% interval {low} to {high}).",
        "s_wtp": "One unit more of {attribute} ({unit}) weighs as much as {wtp} {cost_unit} "
        "for respondents (95% interval {low} to {high}).",
        "s_wtp_less": "One unit less of {attribute} ({unit}) is worth {wtp} {cost_unit} to respondents "
        "(95% interval {low} to {high}).",
        "s_top_goals": "Most points go to {goals}.",
        "s_opt_out": "On average {share} chose '{label}'.",
        "s_segments": "There are {k} groups that weigh things their own way: {classes}.",
        "s_evaluation": "{share} are positive about the consultation (mean grade {grade}).",
        "s_groups": "After correcting for the number of tests, {count} outcomes differ "
        "significantly between groups, most of all by {question}.",
        "s_no_groups": "No difference between groups is significant after correcting for the "
        "number of tests.",
        "share_words_0": "Almost nobody",
        "share_words_1": "A small minority",
        "share_words_2": "About a third",
        "share_words_3": "About half",
        "share_words_4": "A majority",
        "share_words_5": "About two thirds",
        "share_words_6": "A large majority",
        "share_words_7": "Almost everyone",
        "p_intro": "{n} completed responses, from {first} to {last}; the median duration was "
        "{median} minutes. Sources are shown side by side and never pooled silently.",
        "p_by_source": "Completed responses by source",
        "p_funnel": "How far respondents got",
        "p_funnel_alt": "Bar chart: the number of respondents who reached each step, from "
        "{first} started to {last} completed.",
        "p_no_funnel": "How far non-completers got is not in the export files; the database has it.",
        "p_weighting": "Weighting",
        "p_weighting_intro": "Weighted to the population by raking on {variables}. Design effect "
        "{deff}, effective n {n_eff}, weights from {low} to {high}; "
        "{trimmed} weights trimmed.",
        "p_weights_file": "Weights from {file}. Design effect {deff}, effective n {n_eff}, "
        "weights from {low} to {high}.",
        "p_unweighted": "Not weighted: every response counts equally.",
        "p_margins": "Sample and population per weighting variable",
        "source": "Source",
        "completed": "Completed",
        "step": "Step",
        "reached": "Reached",
        "motivation": "motivation",
        "limit": "Limit",
        "maximum": "Maximum",
        "started": "Started",
        "variable": "Variable",
        "category": "Category",
        "population": "Population",
        "sample": "Sample",
        "weighted": "Weighted",
        "unweighted": "Unweighted",
        "a_portfolio_intro": "Share advising each measure, weighted, with 95% interval.",
        "a_levels_intro": "Distribution over the levels and the mean level, weighted.",
        "a_shares_alt": "Bar chart of the share advising each choice; the highest is {top} with {share}.",
        "a_levels_alt": "Stacked bar chart of the distribution over the levels per topic.",
        "a_by_source": "By source",
        "a_constraint": "Use of the limit: {constraint}",
        "a_constraint_text": "Mean use: {mean} {unit} of {budget} {unit} ({share}); {full} used "
        "(almost) everything.",
        "a_packages": "Most chosen packages",
        "a_best_package": "The package with the most support according to the model",
        "a_points_intro": "Mean points per goal with 95% interval, and the share giving a goal 0 points.",
        "a_points_alt": "Bar chart of the mean points per goal; the highest is {top} with {mean} points.",
        "a_pairs_intro": "Share per alternative in each choice set, with the opt-out.",
        "a_pairs_alt": "Stacked bar chart of the choices per set.",
        "a_statements_intro": "Disagree (1-2), neutral (3), agree (4-5) and don't know, weighted.",
        "a_statements_alt": "Diverging bar chart: per statement the share disagreeing on the left "
        "and agreeing on the right.",
        "option": "Option",
        "goal": "Goal",
        "set": "Set",
        "alternative": "Alternative",
        "statement": "Statement",
        "share": "Share",
        "interval": "95% interval",
        "mean": "Mean",
        "mean_level": "Mean level",
        "level": "Level",
        "zero": "0 points",
        "median": "Median",
        "quartiles": "Quartiles",
        "n": "n",
        "package": "Package",
        "version": "Version",
        "cost_total": "Total cost",
        "probability": "Probability",
        "agree": "Agree",
        "disagree": "Disagree",
        "neutral": "Neutral",
        "dont_know": "Don't know",
        "nothing": "(nothing)",
        "opt_out": "Opt-out",
        "full_use": "Used everything",
        "v_explained": "A value weight says how heavily respondents let an effect or a measure "
        "count in their advice, derived from the choices they made within the "
        "limits. It is not a vote and not a willingness to pay out of one's own "
        "pocket: it describes the trade-offs of these respondents, not of everyone, "
        "and is only as precise as its interval says.",
        "v_portfolio": "Portfolio logit for {page}",
        "v_worth_intro": "What each measure is worth to respondents in {unit} (its value divided "
        "by the weight of money left unspent), beside what it costs.",
        "v_worth_alt": "Bar chart of the worth of each measure in {unit} with 95% interval.",
        "v_worth": "Worth",
        "v_cost": "Cost",
        "v_net": "Worth minus cost",
        "v_no_interval": "no finite interval",
        "v_tradeoffs": "Trade-offs between effects",
        "v_budget_per_unit": "Budget per unit of effect",
        "v_support": "Predicted support per measure",
        "v_predicted": "Predicted",
        "v_observed": "Observed",
        "v_not_identified": "Cannot be estimated: {reason}",
        "v_effects_fixed": "The measures' effects are the same for everyone, so how much each "
        "effect weighs cannot be told apart from the measure itself; the report "
        "therefore gives the worth of each measure.",
        "v_no_delta0": "Costs do not differ between respondents, so a worth in money cannot be "
        "estimated; the report gives the weights themselves.",
        "v_mnl": "Choice model (MNL) for {page}",
        "v_wtp": "Worth in {unit}",
        "v_wtp_intro": "What one unit of each attribute is worth to respondents in {unit}, from "
        "the trade-off against the cost.",
        "v_wtp_alt": "Bar chart of the worth of one unit of each attribute in {unit} with 95% interval.",
        "v_parameters": "Parameters",
        "v_model_failed": "The model for this page could not be estimated: {reason}",
        "attribute": "Attribute",
        "estimate": "Estimate",
        "std_err": "Standard error",
        "robust_std_err": "Robust standard error",
        "parameter": "Parameter",
        "g_intro": "Per background question: shares per group and a test of difference (Wald, "
        "independent groups). Only differences that stay significant after a Holm "
        "correction for {tests} tests are emphasised.",
        "g_none": "Name the background questions to split the results by with --by.",
        "g_significant": "Significant after correction",
        "g_by": "By {question}",
        "outcome": "Outcome",
        "p_value": "p",
        "p_holm": "p (Holm)",
        "yes": "yes",
        "no": "no",
        "sg_intro": "Latent classes of the portfolio logit for {page}: groups of respondents who "
        "weigh things their own way. Number of classes chosen by BIC from 1 to "
        "{max_k}: {k}.",
        "sg_fixed": "Latent classes of the portfolio logit for {page} with {k} classes.",
        "sg_bic": "Model choice",
        "sg_class": "Class {k}: {name}",
        "sg_short": "Class {k}",
        "sg_size": "Size {share} (95% interval {low}-{high}).",
        "sg_advises": "What this group advises",
        "sg_profile": "Background of this group",
        "sg_prefers": "more often {option}",
        "sg_avoids": "less often {option}",
        "sg_failed": "The segments could not be estimated: {reason}",
        "classes": "Classes",
        "loglik": "Log-likelihood",
        "parameters": "Parameters",
        "overall": "Everyone",
        # arguments
        "arguments": "Arguments",
        "ar_intro": "After their advice respondents could explain, per measure, why they did or "
        "did not choose it: {people} respondents wrote {texts} motivations in all.",
        "ar_weighted": "Counts and shares are weighted: each motivation counts with the weight of "
        "the respondent who wrote it. The unweighted counts are in the table files.",
        "ar_unweighted": "Counts and shares are unweighted: each motivation counts once.",
        "ar_coded": "The motivations are coded with a codebook of {codes} codes: a motivation can "
        "get several codes, or none. The share is the part of the motivations for or against a "
        "measure that carries the code.",
        "ar_no_codebook": "The motivations are not coded yet. Have codes suggested with "
        "pwe arguments {slug} --suggest --out codebook.yaml, name the codes and adjust their "
        "patterns, and make the report again with --codebook codebook.yaml.",
        "ar_quotes_note": "Quotes are shortened, and personal data (e-mail addresses, phone "
        "numbers, postcodes and web addresses) is replaced by [e-mail], [phone], [postcode] and "
        "[url].",
        "ar_levels": "For a measure with levels, a level above the starting level counts as for.",
        "ar_none": "No one wrote a motivation on this page.",
        "ar_for": "For",
        "ar_against": "Against",
        "ar_direction": "Direction",
        "ar_code": "Argument",
        "ar_uncoded": "No code",
        "ar_motivations": "Motivations",
        "ar_motivations_weighted": "Motivations (weighted)",
        "ar_weighted_count": "Weighted",
        "ar_share": "Share",
        "ar_quotes": "Quotes",
        "ar_counts_title": "Motivations for and against per measure",
        "ar_table_title": "{option}: arguments for and against",
        "ar_quotes_title": "{option}: motivations and quotes",
        "ar_alt": "Bar chart of the number of motivations for and against per measure; most "
        "({count}) are {direction} {option}.",
        "e_intro": "How respondents judged the consultation.",
        "e_grade": "Grade: mean {mean} (95% interval {low}-{high}), {n} answers.",
        "e_none": "This consultation had no evaluation questions.",
        "m_design": "Design",
        "m_design_text": "{pages} pages; {versions}.",
        "m_versions": "{count} design versions in which {what} differ",
        "m_no_versions": "one version for everyone",
        "m_fieldwork": "Fieldwork: {first} to {last}, {n} completed responses.",
        "m_models": "Models",
        "m_portfolio_formula": "Portfolio logit: each respondent chooses one package out of all "
        "packages the rules allowed; a package's utility is the sum of the "
        "values of the measures chosen plus the weight of money left "
        "unspent times what is left.",
        "m_mnl_formula": "Multinomial logit: in each set a respondent chooses the alternative with "
        "the highest utility, a weighted sum of its attributes; the opt-out has "
        "a constant of its own. Errors clustered by respondent.",
        "m_latent_formula": "Latent classes: the same portfolio logit with its own weights per "
        "class; a respondent belongs to one class.",
        "m_model_line": "{model} for {page}: N = {n}, log-likelihood {loglik}, {converged}.",
        "m_converged": "converged",
        "m_not_converged": "NOT converged",
        "m_limits": "What the numbers can and cannot say",
        "m_limits_text": "Respondents chose to take part: an open consultation is not a sample, "
        "and weighting corrects only for the weighting variables. Intervals give "
        "the uncertainty from chance, not from self-selection, the wording of "
        "options or the steps chosen.",
        "m_reproduce": "Reproducibility",
        "m_sha": "SHA-256 of the definition: {sha}",
        "m_command": "Made with:",
        "m_no_sha": "No definition available.",
    },
}


class Texts:
    """The catalog in one language, with numbers formatted as that language writes them."""

    def __init__(self, language: str):
        if language not in CATALOG:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        return CATALOG[self.language][key].format(**values)

    def number(self, value: float, digits: int = 0) -> str:
        """1234.5 -> "1,234.5" (en) or "1.234,5" (nl); infinities and NaN as a dash."""
        if value is None or not math.isfinite(value):
            return "–"
        text = f"{abs(value):,.{digits}f}"
        if self.language == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
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
