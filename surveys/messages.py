"""What each field error and rule violation means to a respondent, in Dutch and English.

Every message says what to change. `describe` fills in names from the consultation (option
titles, constraint labels and units) and writes numbers the way the reader's language does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from surveys.answers import DONT_KNOW, FieldError, field_label
from surveys.definition import Consultation, Page
from surveys.feasibility import Violation

# Placeholders: the item's params, plus {name} (the field or subject id), {unit} (" mln euro",
# with its leading space, or nothing) and lists already joined in the reader's language.
MESSAGES: dict[str, dict[str, str]] = {
    # field errors
    "required": {"nl": "Geef hier een antwoord.", "en": "Please answer this."},
    "several_values": {"nl": "Geef hier één antwoord.", "en": "Give one answer here."},
    "choose_one": {"nl": "Kies een antwoord uit de lijst.", "en": "Choose an answer from the list."},
    "too_few": {"nl": "Kies er minstens {min}.", "en": "Choose at least {min}."},
    "too_many": {"nl": "Kies er hoogstens {max}.", "en": "Choose at most {max}."},
    "not_a_number": {
        "nl": "Vul een getal in, bijvoorbeeld 12 of 2,5.",
        "en": "Enter a number, for example 12 or 2.5.",
    },
    "not_integer": {
        "nl": "Vul een heel getal in, zonder komma of punt.",
        "en": "Enter a whole number, without a decimal point.",
    },
    "below_min": {"nl": "Vul een getal in van {min} of meer.", "en": "Enter a number of {min} or more."},
    "above_max": {"nl": "Vul een getal in van {max} of minder.", "en": "Enter a number of {max} or less."},
    "too_long": {
        "nl": "Uw tekst heeft {length} tekens. Maak hem korter: hoogstens {max} tekens.",
        "en": "Your text has {length} characters. Make it shorter: at most {max} characters.",
    },
    "postcode": {
        "nl": "Vul de 4 cijfers van uw postcode in, bijvoorbeeld 3511.",
        "en": "Enter the 4 digits of your postcode, for example 3511.",
    },
    "scale_range": {"nl": "Kies een cijfer van 0 tot en met 10.", "en": "Choose a number from 0 to 10."},
    "agree_value": {
        "nl": "Kies een antwoord: van helemaal oneens tot helemaal eens, of weet niet.",
        "en": "Choose an answer: from strongly disagree to strongly agree, or don't know.",
    },
    "unknown_field": {
        "nl": "Dit formulier heeft geen veld ‘{name}’. Laad de pagina opnieuw en vul het nog een keer in.",
        "en": "This form has no field ‘{name}’. Reload the page and fill it in again.",
    },
    "unknown_fields": {
        "nl": "Dit formulier heeft geen veld ‘{name}’, en {others} andere velden "
        "evenmin. Laad de pagina opnieuw en vul het nog een keer in.",
        "en": "This form has no field ‘{name}’, nor {others} other fields. Reload "
        "the page and fill it in again.",
    },
    "required_level": {"nl": "Kies een stand.", "en": "Choose a level."},
    "pairs_choice": {
        "nl": "Kies een van de getoonde mogelijkheden.",
        "en": "Choose one of the possibilities shown.",
    },
    "required_pair": {"nl": "Maak hier een keuze.", "en": "Please make a choice here."},
    # portfolio rules
    "unknown_option": {
        "nl": "Er is geen optie ‘{name}’. Laad de pagina opnieuw en kies nog een keer.",
        "en": "There is no option ‘{name}’. Reload the page and choose again.",
    },
    "missing_option": {"nl": "Kies een stand voor deze optie.", "en": "Choose a level for this option."},
    "level_not_allowed": {
        "nl": "Kies een van deze standen: {allowed}.",
        "en": "Choose one of these levels: {allowed}.",
    },
    "over_max": {
        "nl": "U zit {over}{unit} te hoog ({used} van {max}{unit}). Zet een of meer opties lager.",
        "en": "You are {over}{unit} over ({used} of {max}{unit}). Lower one or more options.",
    },
    "under_min": {
        "nl": "U zit {short}{unit} te laag ({used}, minstens {min}{unit}). Zet een of meer opties hoger.",
        "en": "You are {short}{unit} short ({used}, at least {min}{unit}). Raise one or more options.",
    },
    "leftover_not_allowed": {
        "nl": "U moet alles gebruiken, er is nog {left}{unit} over "
        "({used} van {max}{unit}). Zet een of meer opties hoger.",
        "en": "You must use all of it; {left}{unit} is left "
        "({used} of {max}{unit}). Raise one or more options.",
    },
    "group_conflict": {
        "nl": "U kunt maar één van deze opties kiezen: {options}. Zet de andere terug.",
        "en": "You can choose only one of these options: {options}. Set the others back.",
    },
    # points rules
    "unknown_goal": {
        "nl": "Er is geen doel ‘{name}’. Laad de pagina opnieuw en verdeel de punten nog een keer.",
        "en": "There is no goal ‘{name}’. Reload the page and share out the points again.",
    },
    "negative_points": {
        "nl": "Vul 0 of meer punten in, geen getal onder nul.",
        "en": "Enter 0 or more points, not a negative number.",
    },
    "step": {"nl": "Geef punten in stappen van {step}.", "en": "Give points in steps of {step}."},
    "over_total": {
        "nl": "U heeft {over} punten te veel gegeven ({used} van {total}). Haal ergens punten weg.",
        "en": "You have given {over} points too many ({used} of {total}). Take some points away.",
    },
    "under_total": {
        "nl": "U heeft nog {left} punten over ({used} van {total}). Geef ook die punten aan een doel.",
        "en": "You have {left} points left ({used} of {total}). Give those points to a goal too.",
    },
}

# the languages every message (and the platform's own texts) exists in, the first the fallback
LANGUAGES = ("nl", "en")

# the answers of an agree question or statement, as the form offers them and the export labels them
AGREE_LABELS = {
    "1": {"nl": "Helemaal oneens", "en": "Strongly disagree"},
    "2": {"nl": "Oneens", "en": "Disagree"},
    "3": {"nl": "Neutraal", "en": "Neither agree nor disagree"},
    "4": {"nl": "Eens", "en": "Agree"},
    "5": {"nl": "Helemaal eens", "en": "Strongly agree"},
    DONT_KNOW: {"nl": "Weet ik niet", "en": "Don't know"},
}
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
_WORDS = {"or": {"nl": "of", "en": "or"}, "and": {"nl": "en", "en": "and"}}
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
        context["options"] = _joined(titles, "and", lang)
    if "allowed" in item.params:
        context["allowed"] = _joined([format_number(v, lang) for v in item.params["allowed"]], "or", lang)
    message = MESSAGES[item.code][lang].format_map(_Blank(context))
    label = _label(item.code, name, lang, consultation, page) if with_label else ""
    return f"{label.rstrip('.?!:')}: {message[0].lower()}{message[1:]}" if label else message


def format_number(value: Any, lang: str) -> str:
    """A number as its readers write it: 1.234,5 in Dutch, 1,234.5 in English."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # repr gives a float's shortest decimal text; Decimal writes it without an exponent.
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ",f")
    return text.translate(str.maketrans(",.", ".,")) if lang == "nl" else text


class _Blank(dict):
    """Formatting context in which an unknown placeholder stays empty: a message never fails."""

    def __missing__(self, key: str) -> str:
        return ""


def _message_language(lang: str, consultation: Consultation) -> str:
    if lang in LANGUAGES:
        return lang
    # A consultation in, say, Frisian and Dutch: its default language is closer than English.
    default = consultation.default_language
    return default if default in LANGUAGES else LANGUAGES[0]


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


def _joined(items: list[str], word: str, lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    last = f" {_WORDS[word][lang]} {items[-1]}"
    return ", ".join(items[:-1]) + last
