"""The platform's language: which one a request is served in, and Flask-Babel set up for it.

The platform's own words (buttons, steps, error pages, hints) are gettext messages with English
msgids, translated in the catalogs under pwe/translations (docs/languages.md); a consultation's
own texts come from its definition. The language is decided here and nowhere else: the
respondent's choice (?lang=, then remembered in the session), else the browser's Accept-Language,
among the languages the consultation declares (or the platform's, outside a consultation).
"""

from __future__ import annotations

from pathlib import Path

from babel.core import negotiate_locale
from flask import Flask, g, request, session
from flask_babel import Babel, get_translations, refresh
from jinja2 import pass_eval_context
from markupsafe import Markup

from surveys.language import FALLBACK, LANGUAGES, compile_stale, platform_language

CATALOGS = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def current_language() -> str:
    """The request's language; the platform's texts are in it, or in the nearest it speaks."""
    return getattr(g, "lang", FALLBACK)


def choose_language(available: tuple[str, ...], default: str) -> str:
    """The request's language: ?lang=, else the one chosen earlier in this session, else the
    browser's preferred one (Accept-Language) among `available`, else `default`."""
    asked = request.args.get("lang")
    if asked in available:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in available:
        return remembered
    # Babel's negotiation lets a regional preference ("fy-NL") find its language ("fy")
    preferred = [value for value, _quality in request.accept_languages]
    return negotiate_locale(preferred, available, sep="-") or default


def use_language(available: tuple[str, ...], default: str) -> str:
    """Decide the request's language among `available` (a consultation's) and make it current."""
    return set_language(choose_language(available, default), default)


def set_language(lang: str, default: str) -> str:
    """Serve the rest of the request in `lang` (decided elsewhere: the preview's address)."""
    g.lang, g.lang_default = lang, default
    refresh()  # Flask-Babel keeps the locale it found first in this request
    g.pop("translations", None)
    return lang


def _translations():
    """The request's catalog, looked up once: a page asks for dozens of messages, and Flask-Babel
    finds the catalog anew for each."""
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


def gettext(text: str) -> str:
    return _translations().ugettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ungettext(singular, plural, n)


def pgettext(context: str, text: str) -> str:
    return _translations().upgettext(context, text)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations().unpgettext(context, singular, plural, n)


@pass_eval_context
def _template_gettext(eval_ctx, string: str, /, **variables):
    return _formatted(eval_ctx, gettext(string), variables)


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables):
    variables.setdefault("num", num)
    return _formatted(eval_ctx, ngettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_ctx, context: str, string: str, /, **variables):
    variables.setdefault("context", context)
    return _formatted(eval_ctx, pgettext(context, string), variables)


@pass_eval_context
def _template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, /, **variables):
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _formatted(eval_ctx, npgettext(context, singular, plural, num), variables)


def _formatted(eval_ctx, message: str, variables: dict):
    # as Jinja's new-style gettext: always a format string, so "%%" reads the same with or
    # without values; in an escaped template the message is trusted and the values are not
    return (Markup(message) if eval_ctx.autoescape else message) % variables


def platform_locale() -> str:
    """The locale of the platform's words and numbers: the request's language, or for a
    consultation in a language the platform does not speak, its default language if the platform
    speaks that, else the fallback."""
    return platform_language(current_language(), g.get("lang_default"))


def init_app(app: Flask) -> None:
    compile_stale(CATALOGS, DOMAIN)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(CATALOGS))
    app.config.setdefault("BABEL_DOMAIN", DOMAIN)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", FALLBACK)
    Babel(app, locale_selector=platform_locale)
    # the i18n extension Flask-Babel added attaches this method at run time (Environment.extend);
    # it also makes {% trans %} blocks pass their variables the new-style way
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext, newstyle=True
    )
    # The extension's new-style wrappers reach the catalog through three template calls per
    # message; a step page asks for dozens. These do the same (the message trusted, the values
    # escaped, always formatted) in one call.
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )

    @app.before_request
    def set_platform_language() -> None:
        use_language(LANGUAGES, FALLBACK)

    app.jinja_env.globals["current_language"] = current_language
