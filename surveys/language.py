"""The platform's languages: their gettext catalogs, and numbers, dates and lists written the way
each language writes them (Babel's locale data, so nl and fy write 2.000,5 and en 2,000.5).

Pure Babel, no Flask: the surveys' own messages use it with an explicit language, the platform
(Flask-Babel) and the report reach the same catalogs and formats through it.

Catalogs are `.po` files inside each package (`<package>/translations/<lang>/LC_MESSAGES/
<domain>.po`). The wheel carries them compiled (`.mo`, made by the build step in setup.py); a
source checkout or an editable install compiles a missing or stale `.mo` the first time it is
needed, and when the folder cannot be written the catalog is compiled in memory instead.
"""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

# the platform's own languages, the first the fallback for a language it does not speak
LANGUAGES = ("nl", "en", "fy")
FALLBACK = LANGUAGES[0]

CATALOGS = Path(__file__).resolve().parent / "translations"
DOMAIN = "surveys"


def platform_language(lang: str | None, default: str | None = None) -> str:
    """`lang` if the platform speaks it, else `default` if it does (a consultation in, say, German
    and Dutch is closer to its Dutch than to English), else the fallback."""
    if lang in LANGUAGES:
        return lang
    return default if default is not None and default in LANGUAGES else FALLBACK


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language named in its own words (Nederlands, English, Frysk), so a reader finds theirs
    whatever language the page is in."""
    try:
        name = Locale.parse(code).get_display_name(code)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):  # a code Babel does not know, "xx"
        return code
    return (name[:1].upper() + name[1:]) if name else code


# --- numbers, dates, lists --------------------------------------------------------------------------


def babel_locale(lang: str) -> str:
    """The CLDR locale that writes `lang`: British English for English, which writes dates day
    first and lists without a comma before "and", as Dutch and Frisian readers also expect."""
    code = platform_language(lang)
    return "en_GB" if code == "en" else code


# Babel formats slowly, and the pages write the same few numbers over and over
@lru_cache(maxsize=4096, typed=True)
def format_number(value: Any, lang: str) -> str:
    """A number as its readers write it: 2.000,5 in Dutch and Frisian, 2,000.5 in English; every
    decimal the value has is kept (a level of 0.25 is not rounded to 0.3)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # repr gives a float's shortest decimal text, so 0.1 stays 0.1 and not 0.1000000000000000055
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return format_decimal(number, locale=babel_locale(lang), decimal_quantization=False)


def format_day(value: datetime.date, lang: str) -> str:
    """A date written out: 30 juni 2027, 30 Juny 2027, 30 June 2027."""
    return _babel_date(value, format="long", locale=babel_locale(lang))


def joined(items: list[str], lang: str, style: Literal["standard", "or"] = "standard") -> str:
    """A list in running text: "a, b en c"; style "or" gives "a, b of c"."""
    return format_list(items, style=style, locale=babel_locale(lang)) if items else ""


# --- catalogs ---------------------------------------------------------------------------------------


def compile_stale(directory: Path, domain: str) -> None:
    """Compile every `.po` under `directory` whose `.mo` is missing or older, where the folder can
    be written; an installed wheel already has them and stays untouched."""
    for po in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        data = compiled(po)
        # written aside and moved in one step: workers starting together never read half a file
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        try:
            partial.write_bytes(data)
            os.replace(partial, mo)
        except OSError:
            partial.unlink(missing_ok=True)  # a read-only install: load() compiles it in memory


def compiled(po: Path) -> bytes:
    """A `.po` catalog as `.mo` bytes; fuzzy entries are left out, as msgfmt does."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@lru_cache(maxsize=64)
def load(directory: Path, domain: str, lang: str) -> NullTranslations:
    """The catalog of `domain` in `lang` from `directory`, compiled first if it is stale."""
    po = directory / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return NullTranslations()
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        compile_stale(directory, domain)
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as source:
            return Translations(source, domain=domain)
    return Translations(io.BytesIO(compiled(po)), domain=domain)


def translations(lang: str) -> NullTranslations:
    """The surveys' own catalog (messages about answers and rules) in `lang`."""
    return load(CATALOGS, DOMAIN, platform_language(lang))
