"""What each field error and rule violation means to a respondent, in the respondent's language.

Every message says what to change. The English texts here are the gettext msgids of the surveys
domain (surveys/translations); `describe` translates them, fills in names from the consultation
(option titles, constraint labels and units) and writes numbers and lists the way the reader's
language does (Babel).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from surveys.answers import DONT_KNOW, FieldError, field_label
from surveys.definition import Consultation, Page
from surveys.feasibility import Violation
from surveys.language import LANGUAGES, format_number, joined, platform_language, translations


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract`; translated when it is shown."""
    return message


class Plural:
    """A message with plural forms, chosen by the number in the param `count`."""

    def __init__(self, singular: str, plural: str, count: str) -> None:
        self.singular, self.plural, self.count = singular, plural, count


def Nn_(singular: str, plural: str, count: str) -> Plural:
    return Plural(singular, plural, count)


# Placeholders: the item's params, plus {name} (the field or subject id), {unit} (" mln euro",
# with its leading space, or nothing), lists already joined in the reader's language, and for a
# message with plural forms %(num)s, the number that chooses the form.
MESSAGES: dict[str, str | Plural] = {
    # field errors
    "required": N_("Please answer this."),
    "several_values": N_("Give one answer here."),
    "choose_one": N_("Choose an answer from the list."),
    "too_few": N_("Choose at least %(min)s."),
    "too_many": N_("Choose at most %(max)s."),
    "not_a_number": N_("Enter a number, for example 12 or 2.5."),
    "not_integer": N_("Enter a whole number, without a decimal point."),
    "below_min": N_("Enter a number of %(min)s or more."),
    "above_max": N_("Enter a number of %(max)s or less."),
    "too_long": Nn_(
        "Your text has %(length)s characters. Make it shorter: at most %(num)s character.",
        "Your text has %(length)s characters. Make it shorter: at most %(num)s characters.",
        "max",
    ),
    "postcode": N_("Enter the 4 digits of your postcode, for example 3511."),
    "scale_range": N_("Choose a number from 0 to 10."),
    "agree_value": N_("Choose an answer: from strongly disagree to strongly agree, or don't know."),
    "unknown_field": N_("This form has no field ‘%(name)s’. Reload the page and fill it in again."),
    "unknown_fields": Nn_(
        "This form has no field ‘%(name)s’, nor %(num)s other field. Reload the page and fill it in again.",
        "This form has no field ‘%(name)s’, nor %(num)s other fields. Reload the page and fill it in again.",
        "others",
    ),
    "required_level": N_("Choose a level."),
    "pairs_choice": N_("Choose one of the possibilities shown."),
    "required_pair": N_("Please make a choice here."),
    # portfolio rules
    "unknown_option": N_("There is no option ‘%(name)s’. Reload the page and choose again."),
    "missing_option": N_("Choose a level for this option."),
    "level_not_allowed": N_("Choose one of these levels: %(allowed)s."),
    "over_max": N_("You are %(over)s%(unit)s over (%(used)s of %(max)s%(unit)s). Lower one or more options."),
    "under_min": N_(
        "You are %(short)s%(unit)s short (%(used)s, at least %(min)s%(unit)s). Raise one or more options."
    ),
    "leftover_not_allowed": N_(
        "You must use all of it; %(left)s%(unit)s is left (%(used)s of %(max)s%(unit)s). "
        "Raise one or more options."
    ),
    "group_conflict": N_("You can choose only one of these options: %(options)s. Set the others back."),
    # points rules
    "unknown_goal": N_("There is no goal ‘%(name)s’. Reload the page and share out the points again."),
    "negative_points": N_("Enter 0 or more points, not a negative number."),
    "step": N_("Give points in steps of %(step)s."),
    "over_total": Nn_(
        "You have given %(num)s point too many (%(used)s of %(total)s). Take some points away.",
        "You have given %(num)s points too many (%(used)s of %(total)s). Take some points away.",
        "over",
    ),
    "under_total": Nn_(
        "You have %(num)s point left (%(used)s of %(total)s). Give that point to a goal too.",
        "You have %(num)s points left (%(used)s of %(total)s). Give those points to a goal too.",
        "left",
    ),
}

# the answers of an agree question or statement, as the form offers them and the export labels them
AGREE_LABELS = {
    "1": N_("Strongly disagree"),
    "2": N_("Disagree"),
    "3": N_("Neither agree nor disagree"),
    "4": N_("Agree"),
    "5": N_("Strongly agree"),
    DONT_KNOW: N_("Don't know"),
}


def agree_choices(lang: str) -> list[tuple[str, str]]:
    """The answers of an agree question in `lang`, as (value, label)."""
    gettext = translations(lang).gettext
    return [(value, gettext(label)) for value, label in AGREE_LABELS.items()]


@lru_cache(maxsize=1)
def agree_labels() -> dict[str, dict[str, str]]:
    """Every answer of an agree question in every platform language, for the codebook."""
    by_lang = {lang: dict(agree_choices(lang)) for lang in LANGUAGES}
    return {value: {lang: by_lang[lang][value] for lang in LANGUAGES} for value in AGREE_LABELS}


_CONSTRAINT_CODES = frozenset({"over_max", "under_min", "leftover_not_allowed"})
# Codes whose subject has no label: an id the page does not know, a group, or the whole page.
_UNLABELLED_CODES = frozenset(
    {
        "unknown_field",
        "unknown_fields",
        "unknown_option",
        "unknown_goal",
        "group_conflict",
        "over_total",
        "under_total",
    }
)
_LONGEST_LABEL = 60
_LONGEST_NAME = 60


def describe(
    item: FieldError | Violation,
    lang: str,
    consultation: Consultation,
    page: Page,
    *,
    with_label: bool = True,
) -> str:
    """The message for an error or violation, led by the field's or constraint's label.

    Pass with_label=False for a message shown right next to its field.
    """
    lang = _message_language(lang, consultation)
    name = item.field if isinstance(item, FieldError) else item.subject
    context = {key: _formatted(value, lang) for key, value in item.params.items()}
    context.update(name=(name or "")[:_LONGEST_NAME], unit=_unit(item, name, lang, consultation))
    if "options" in item.params:
        titles = [_text_or_id(field_label(page, o), o, lang, consultation) for o in item.params["options"]]
        context["options"] = joined(titles, lang)
    if "allowed" in item.params:
        context["allowed"] = joined([format_number(v, lang) for v in item.params["allowed"]], lang, "or")
    message = _translated(MESSAGES[item.code], lang, item.params, context) % _Blank(context)
    label = _label(item.code, name, lang, consultation, page) if with_label else ""
    return f"{label.rstrip('.?!:')}: {message[0].lower()}{message[1:]}" if label else message


def _translated(message: str | Plural, lang: str, params: dict, context: dict) -> str:
    """The message in `lang`; for one with plural forms, the form for its number, which it
    also adds to `context` as num."""
    catalog = translations(lang)
    if not isinstance(message, Plural):
        return catalog.gettext(message)
    count = params.get(message.count)
    count = count if isinstance(count, (int, float)) and not isinstance(count, bool) else 0
    context["num"] = format_number(count, lang)
    # gettext chooses forms by whole numbers; a fraction (2,5 punten) reads as the plural "other"
    whole = int(count) if float(count).is_integer() else 2
    return catalog.ngettext(message.singular, message.plural, whole)


class _Blank(dict):
    """Formatting context in which an unknown placeholder stays empty: a message never fails."""

    def __missing__(self, key: str) -> str:
        return ""


def _message_language(lang: str, consultation: Consultation) -> str:
    # a consultation in, say, German and Dutch: its default language is closer than the fallback
    return platform_language(lang, consultation.default_language)


def _formatted(value: Any, lang: str) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, lang)
    return value


def _unit(item: FieldError | Violation, name: str | None, lang: str, consultation: Consultation) -> str:
    if item.code not in _CONSTRAINT_CODES:
        return ""
    constraint = _constraint(consultation, name)
    unit = consultation.text(constraint.unit, lang) if constraint else ""
    return f" {unit}" if unit else ""


def _label(code: str, name: str | None, lang: str, consultation: Consultation, page: Page) -> str:
    if code in _UNLABELLED_CODES or name is None:
        return ""
    if code in _CONSTRAINT_CODES:
        constraint = _constraint(consultation, name)
        text = constraint.label if constraint else None
    else:
        text = field_label(page, name)
    return _shortened(consultation.text(text, lang))


def _constraint(consultation: Consultation, constraint_id: str | None):
    return next((c for c in consultation.constraints if c.id == constraint_id), None)


def _text_or_id(text, fallback: str, lang: str, consultation: Consultation) -> str:
    return consultation.text(text, lang) or fallback


def _shortened(label: str) -> str:
    """A long label (a statement, say) cut at a word so the message stays readable."""
    if len(label) <= _LONGEST_LABEL:
        return label
    return label[:_LONGEST_LABEL].rsplit(" ", 1)[0] + "…"
