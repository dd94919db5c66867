"""The platform's languages: complete catalogs, every citizen page in one language only, plural
forms and numbers written the way each language writes them."""

from __future__ import annotations

import datetime
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import ngettext

from pwe import i18n
from pwe.flow import steps
from pwe.services.consultations import import_definition
from surveys.answers import FieldError
from surveys.definition import Text
from surveys.language import LANGUAGES, compiled, format_day, format_number, joined, language_name
from surveys.load import parse
from surveys.messages import describe
from tests.pwe.visitor import Visitor, respondent_consultation, valid_form

ROOT = Path(__file__).resolve().parents[2]
FRISIAN = (ROOT / "tests" / "fixtures" / "doarpshus.yaml").read_text(encoding="utf-8")
# each package's catalogs: where they are and their gettext domain
CATALOGS = {
    "pwe": ("pwe/translations", "messages"),
    "surveys": ("surveys/translations", "surveys"),
    "analysis/report": ("analysis/report/translations", "report"),
}
# the markers beyond gettext's own, as README's pybabel extract command lists them
KEYWORDS = DEFAULT_KEYWORDS | {
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "N_": None,
    "Nn_": (1, 2),
}
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def catalog(package: str, lang: str):
    folder, domain = CATALOGS[package]
    with (ROOT / folder / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as source:
        return read_po(source, locale=lang, domain=domain)


def extracted(package: str) -> set:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT / package, method_map, options_map, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[:2] for _, _, message, _, _ in found}


@pytest.mark.parametrize("package", sorted(CATALOGS))
def test_every_msgid_of_the_code_is_in_every_catalog_and_nothing_else(package):
    wanted = extracted(package)
    assert wanted
    for lang in LANGUAGES:
        ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog(package, lang) if m.id}
        assert wanted - ids == set(), f"{package} {lang}: not in the catalog"
        assert ids - wanted == set(), f"{package} {lang}: in the catalog but not in the code"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("package", sorted(CATALOGS))
def test_every_message_is_translated_with_the_same_placeholders(package, lang):
    for message in catalog(package, lang):
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert len(strings) == 2 if len(ids) == 2 else len(strings) == 1, message.id
        for string in strings:
            assert string.strip(), f"{lang}: {message.id!r} has no translation"
            # a placeholder lost or misspelt would fail only when the text is shown
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(ids[-1])), (lang, string)
        assert compiled(Path(catalog_path(package, lang)))


def catalog_path(package: str, lang: str) -> Path:
    folder, domain = CATALOGS[package]
    return ROOT / folder / lang / "LC_MESSAGES" / f"{domain}.po"


# --- every citizen page in one language ----------------------------------------------------------


def foreign_fragments(lang: str) -> set[str]:
    """Texts of the other platform languages that this language does not share: every
    translation's literal parts of at least 10 characters, and the Frisian consultation's texts."""
    own: set[str] = set()
    others: set[str] = set()
    for package in ("pwe", "surveys"):  # what a respondent can see
        for code in LANGUAGES:
            for message in catalog(package, code):
                if not message.id:
                    continue
                strings = [message.string] if isinstance(message.string, str) else list(message.string)
                (own if code == lang else others).update(strings)
    consultation = parse(FRISIAN)
    for text in _texts(consultation):
        for code, words in text.by_lang.items():
            (own if code == lang else others).add(words)
    fragments = {part.strip() for text in others for part in PLACEHOLDER.split(text)}
    return {f for f in fragments if len(f) >= 10 and not any(f in mine for mine in own)}


def _texts(value, seen=None):
    """Every Text in a definition, found by walking its dataclasses, tuples and dicts."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Text):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item, seen)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _texts(getattr(value, name), seen)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # attributes a screen reader speaks count as text too
    spoken = " ".join(re.findall(r'(?:aria-label|title|alt)="([^"]*)"', html))
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html) + " " + spoken))


@pytest.fixture
def frisian(app):
    with app.app_context():
        import_definition(FRISIAN, open_now=True)
    return app


def walk(app, client, lang: str) -> dict[str, str]:
    """Every page a respondent of the Frisian consultation sees in `lang`, with its error states."""
    visitor = Visitor(client, "doarpshus")
    pages = {"home": client.get(f"/?lang={lang}").get_data(as_text=True)}
    pages["landing"] = visitor.get(f"/c/doarpshus?lang={lang}").get_data(as_text=True)
    pages["landing, no consent"] = visitor.post("/c/doarpshus", {}).get_data(as_text=True)
    pages["declined"] = visitor.post("/c/doarpshus", {"consent": "no"}).get_data(as_text=True)
    too_young = visitor.post("/c/doarpshus", {"consent": "yes", "age_ok": "no"})
    pages["declined, age"] = too_young.get_data(as_text=True)
    for what in ("privacy", "cookies", "accessibility"):
        pages[f"about {what}"] = client.get(f"/c/doarpshus/about/{what}").get_data(as_text=True)
    # a browser that refuses the cookie: the language can only come from Accept-Language
    pages["cookies needed"] = (
        app.test_client()
        .post("/c/doarpshus", data={"consent": "yes", "age_ok": "yes"}, headers={"Accept-Language": lang})
        .get_data(as_text=True)
    )
    assert visitor.start(lang).status_code == 302
    with app.app_context():
        consultation = respondent_consultation(client, "doarpshus")
        for step in steps(consultation):
            url = visitor.step_url(step.id)
            pages[step.id] = visitor.get(url).get_data(as_text=True)
            if "session lost" not in pages:  # a form whose security token no longer matches
                token, visitor.token = visitor.token, "stale"
                pages["session lost"] = visitor.post(url, {}).get_data(as_text=True)
                visitor.token = token
            empty = visitor.post(url, {})
            if empty.status_code != 302:  # motivations are optional: nothing to correct
                pages[f"{step.id}, errors"] = empty.get_data(as_text=True)
            response = visitor.post(url, valid_form(consultation, step))
            assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    pages["thanks"] = client.get("/c/doarpshus/thanks").get_data(as_text=True)
    pages["not found"] = client.get("/c/no-such-consultation").get_data(as_text=True)
    return pages


@pytest.mark.parametrize("lang", ["nl", "fy", "en"])
def test_every_citizen_page_speaks_only_the_chosen_language(frisian, client, lang):
    pages = walk(frisian, client, lang)
    assert len(pages) >= 21
    fragments = foreign_fragments(lang)
    assert len(fragments) > 100
    for name, html in pages.items():
        assert f'<html lang="{lang}">' in html, name
        text = visible_text(html)
        leaked = sorted(f for f in fragments if f in text)
        assert leaked == [], f"{lang} {name}: {leaked}"


def test_the_frisian_pages_say_it_in_frisian_with_dutch_numbers(frisian, client):
    pages = {name: visible_text(html) for name, html in walk(frisian, client, "fy").items()}
    assert "Meidwaan duorret sawat 1 minút." in pages["landing"]
    assert "Stap 1 fan 6" in pages["goals"]
    assert "Heechstens 2.000 tekens." in pages["about_you"]
    assert "In getal fan 1 oant en mei 2.000." in pages["about_you"]
    assert "2.000 plakken" in pages["halls"]
    assert "90,5 euro" in pages["halls"]
    assert "Der is wat net goed ynfolle" in pages["goals, errors"]
    assert "Tank foar jo advys" in pages["thanks"]
    assert "Side net fûn" in pages["not found"]
    assert "Tank foar jo belangstelling" in pages["declined"]
    assert "Ik doch leaver net mei." in pages["landing"]
    assert "Ik bin jonger as 16 jier." in pages["landing"]
    assert "Kies oft jo 16 jier of âlder binne." in pages["landing, no consent"]
    assert "minsken fan 16 jier of âlder" in pages["declined, age"]
    assert "In rieplachting fan Gemeente Doarpsherne (demo)" in pages["landing"]
    assert "Tagonklikheidsferklearring" in pages["about accessibility"]
    assert "bliuwt 30 dagen nei jo lêste besite" in pages["about cookies"]
    assert "Jo sesje is ferrûn" in pages["session lost"]
    assert "Meidwaan kin allinnich mei in cookie" in pages["cookies needed"]
    assert "Wat bart der mei jo advys?" in pages["thanks"]
    assert "Immen oars wol meidwaan" in pages["thanks"]
    # the switcher names each language in its own words
    assert all(name in pages["goals"] for name in ("Nederlands", "Frysk", "English"))


@pytest.mark.parametrize(
    ("lang", "summary", "error"),
    [
        ("fy", "3 fan 10 punten ferdield, 7 oer.", "Jo hawwe noch 7 punten oer (3 fan 10)."),
        ("nl", "3 van 10 punten verdeeld, 7 over.", "U heeft nog 7 punten over (3 van 10)."),
        ("en", "3 of 10 points given, 7 left.", "You have 7 points left (3 of 10)."),
    ],
)
def test_the_points_summary_and_its_error_in_each_language(frisian, client, lang, summary, error):
    visitor = Visitor(client, "doarpshus")
    assert visitor.start(lang).status_code == 302
    answer = [("goal_meet", "3"), ("goal_culture", "0"), ("goal_sport", "0")]
    text = visible_text(visitor.answer("goals", answer).get_data(as_text=True))
    assert summary in text and error in text


def test_the_english_pages_write_english_numbers(frisian, client):
    pages = {name: visible_text(html) for name, html in walk(frisian, client, "en").items()}
    assert "Taking part takes about 1 minute." in pages["landing"]
    assert "At most 2,000 characters." in pages["about_you"]
    assert "90.5 euro" in pages["halls"]


def test_accept_language_chooses_among_the_consultations_languages(frisian, client):
    html = client.get("/c/doarpshus", headers={"Accept-Language": "fy-NL, nl;q=0.8"}).get_data(as_text=True)
    assert '<html lang="fy">' in html and "Tastimming" in html
    # German is not offered: the next preference the consultation has wins
    html = client.get("/c/doarpshus", headers={"Accept-Language": "de, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_the_chosen_language_wins_over_accept_language_and_is_remembered(frisian, client):
    client.get("/c/doarpshus?lang=fy", headers={"Accept-Language": "en"})
    html = client.get("/c/doarpshus", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fy">' in html


# --- plural forms and numbers per locale -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("nl", "1 minuut", "2 minuten"), ("fy", "1 minút", "2 minuten"), ("en", "1 minute", "2 minutes")],
)
def test_plural_forms_come_from_the_catalogs(lang, one, many):
    app = Flask(__name__)
    i18n.init_app(app)
    with app.test_request_context():
        i18n.use_language((lang,), lang)
        assert ngettext("%(minutes)s minute", "%(minutes)s minutes", 1, minutes="1") == one
        assert ngettext("%(minutes)s minute", "%(minutes)s minutes", 2, minutes="2") == many


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Uw tekst heeft 2.001 tekens. Maak hem korter: hoogstens 2.000 tekens."),
        ("fy", "Jo tekst hat 2.001 tekens. Meitsje him koarter: heechstens 2.000 tekens."),
        ("en", "Your text has 2,001 characters. Make it shorter: at most 2,000 characters."),
    ],
)
def test_errors_write_numbers_and_plurals_the_readers_way(lang, expected):
    consultation = parse(FRISIAN)
    page = consultation.pages[-1]
    error = FieldError("remarks", "too_long", {"length": 2001, "max": 2000})
    assert describe(error, lang, consultation, page, with_label=False) == expected


@pytest.mark.parametrize(
    ("lang", "one", "several"),
    [
        ("nl", "U heeft nog 1 punt over (9 van 10).", "U heeft nog 2 punten over (8 van 10)."),
        ("fy", "Jo hawwe noch 1 punt oer (9 fan 10).", "Jo hawwe noch 2 punten oer (8 fan 10)."),
        ("en", "You have 1 point left (9 of 10).", "You have 2 points left (8 of 10)."),
    ],
)
def test_points_left_choose_their_plural_form(lang, one, several):
    consultation = parse(FRISIAN)
    page = consultation.pages[0]
    left_one = FieldError(None, "under_total", {"left": 1, "used": 9, "total": 10})
    left_two = FieldError(None, "under_total", {"left": 2, "used": 8, "total": 10})
    assert describe(left_one, lang, consultation, page).startswith(one)
    assert describe(left_two, lang, consultation, page).startswith(several)


@pytest.mark.parametrize(
    ("lang", "number", "day", "listed"),
    [
        ("nl", "2.000,5", "30 juni 2027", "a, b of c"),
        ("fy", "2.000,5", "30 juny 2027", "a, b of c"),
        ("en", "2,000.5", "30 June 2027", "a, b or c"),
    ],
)
def test_numbers_dates_and_lists_by_locale(lang, number, day, listed):
    assert format_number(2000.5, lang) == number
    assert format_day(datetime.date(2027, 6, 30), lang).lower() == day.lower()
    assert joined(["a", "b", "c"], lang, "or") == listed


def test_each_language_is_named_in_its_own_words():
    assert [language_name(code) for code in ("nl", "fy", "en")] == ["Nederlands", "Frysk", "English"]
    assert language_name("xx") == "xx"  # a valid two-letter code Babel does not know is shown as is


# --- the officials' pages ------------------------------------------------------------------------


def officials_fragments(lang: str) -> set[str]:
    """Like foreign_fragments, over the platform's own catalog only (officials see no messages of
    the surveys domain) and without the consultation's texts, which they see in its languages."""
    own: set[str] = set()
    others: set[str] = set()
    for code in LANGUAGES:
        for message in catalog("pwe", code):
            if message.id:
                strings = [message.string] if isinstance(message.string, str) else list(message.string)
                (own if code == lang else others).update(strings)
    fragments = {part.strip() for text in others for part in PLACEHOLDER.split(text)}
    return {f for f in fragments if len(f) >= 10 and not any(f in mine for mine in own)}


@pytest.mark.parametrize(("lang", "heading"), [("nl", "Raadplegingen"), ("fy", "Rieplachtingen")])
def test_the_officials_pages_follow_the_chosen_language(frisian, lang, heading):
    from tests.pwe.officials import logged_in

    client = logged_in(frisian, "admin")
    pages = {
        path: client.get(f"{path}?lang={lang}").get_data(as_text=True)
        for path in (
            "/admin/",
            "/admin/c/doarpshus",
            "/admin/c/doarpshus/edit",
            "/admin/c/doarpshus/invitations",
            "/admin/c/doarpshus/versions",
            "/admin/c/doarpshus/form/general",
            "/admin/c/doarpshus/form/pages",
            "/admin/c/doarpshus/form/pages/1/options",
            "/admin/c/doarpshus/revisions/1",
            "/admin/c/doarpshus/preview",
            "/admin/new",
            "/admin/users",
            "/admin/audit",
        )
    }
    assert f'<h1 class="nl-heading nl-heading--level-1">{heading}</h1>' in pages["/admin/"]
    fragments = officials_fragments(lang)
    for path, html in pages.items():
        assert f'<html lang="{lang}">' in html, path
        # the definition's own source (the YAML editor, the revisions) is data, not the page's words
        shown = re.sub(r"<(textarea|pre)\b.*?</\1>", " ", html, flags=re.S)
        leaked = sorted(f for f in fragments if f in visible_text(shown))
        assert leaked == [], f"{lang} {path}: {leaked}"


def test_the_officials_pages_are_english_unless_asked_otherwise(frisian):
    from tests.pwe.officials import logged_in

    client = logged_in(frisian, "admin")
    assert '<html lang="en">' in client.get("/admin/").get_data(as_text=True)
    html = client.get("/admin/", headers={"Accept-Language": "nl-NL"}).get_data(as_text=True)
    assert '<html lang="nl">' in html and "Beheer" in html


@pytest.mark.parametrize(
    ("status", "title"),
    [(400, "Fersyk net begrepen"), (403, "Gjin tagong"), (404, "Side net fûn"), (429, "Efkes geduld")],
)
def test_error_pages_speak_the_visitors_language(app, status, title):
    from flask import abort

    app.add_url_rule(f"/fails-{status}", f"fails_{status}", lambda: abort(status))
    response = app.test_client().get(f"/fails-{status}?lang=fy")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="fy">' in html and f">{title}</h1>" in html
    if status == 429:
        assert int(response.headers["Retry-After"]) > 0
