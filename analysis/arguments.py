"""Arguments: coding the motivations respondents wrote, counting codes, choosing quotes, and
suggesting codes from uncoded texts.

Works on the motivations table (analysis.tables.motivations_table: respondent, page, option,
level, direction, text). A codebook is YAML:

    codes:
      - id: cost
        label: {nl: Te duur, en: Too expensive}
        patterns: {nl: [duur*, te veel geld], en: [expensive, cost*]}

A pattern is a word or phrase matched case-insensitively on word boundaries; a trailing `*`
matches any ending ("duur*": duur, duurder, duurste). Quotes are shortened and have personal
data masked here; escaping them for HTML is the page template's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

CODED_COLUMNS = ["respondent", "page", "option", "direction", "code"]
GROUP = ["page", "option", "direction"]
ELLIPSIS = "…"

# --- personal data --------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{2}[\s-]?(?:\(0\)[\s-]?)?\d(?:[\s-]?\d){7,9}"  # +31 6 1234 5678
    r"|\(0\d{1,3}\)[\s-]?\d(?:[\s-]?\d){5,7}"  # (020) 123 4567
    r"|0\d(?:[\s-]?\d){8})(?![\w])"
)  # 06-12345678
# Dutch postcode with its letters: "1234 AB", "1234AB", "1234ab" (lower case only without a space,
# so "in 2023 ga ik" stays)
_POSTCODE = re.compile(r"\b[1-9]\d{3}(?: ?[A-Z]{2}|[a-z]{2})\b")
_MASKS = ((_URL, "[url]"), (_EMAIL, "[e-mail]"), (_PHONE, "[phone]"), (_POSTCODE, "[postcode]"))


def mask_personal(text: str) -> str:
    """The text with e-mail addresses, phone numbers, Dutch postcodes with letters and URLs masked."""
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def shorten(text: str, limit: int = 240) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis; whitespace collapsed."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut[: limit - len(ELLIPSIS)].rstrip(" ,;:.-") + ELLIPSIS


# --- the codebook ---------------------------------------------------------------------------------


class CodebookError(ValueError):
    """The codebook file cannot be used; the message names the file, the place and the fix."""


@dataclass(frozen=True)
class Code:
    """A code: its id, a label per language, patterns per language, and example quotes."""

    id: str
    label: Mapping[str, str]
    patterns: Mapping[str, tuple[str, ...]]
    examples: tuple[str, ...] = ()

    def matcher(self, language: str | None = None) -> re.Pattern | None:
        """One regular expression for the patterns (of one language, or of all)."""
        chosen = [
            pattern
            for lang, patterns in self.patterns.items()
            if language is None or lang == language
            for pattern in patterns
        ]
        if not chosen:
            return None
        return re.compile("|".join(_pattern_regex(p) for p in chosen), re.IGNORECASE)


@dataclass(frozen=True)
class Codebook:
    codes: tuple[Code, ...] = field(default_factory=tuple)

    def label(self, code_id: str, language: str) -> str:
        code = next(code for code in self.codes if code.id == code_id)
        return code.label.get(language) or next(iter(code.label.values()), code_id)


def _pattern_regex(pattern: str) -> str:
    words = pattern.strip().split()
    wildcard = words[-1].endswith("*")
    words[-1] = words[-1].rstrip("*")
    body = r"\s+".join(re.escape(word) for word in words)
    return rf"(?<!\w){body}" + (r"\w*" if wildcard else r"(?!\w)")


_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def read_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook YAML file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CodebookError(f"{path}: cannot read the codebook ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CodebookError(f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})") from error
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list) or not data["codes"]:
        raise CodebookError(
            f"{path}: expected a mapping with a non-empty list `codes:`; each "
            "code has an id, a label per language and patterns per language"
        )
    codes: list[Code] = []
    seen: set[str] = set()
    for number, entry in enumerate(data["codes"]):
        codes.append(_code(path, f"codes[{number}]", entry, seen))
    return Codebook(tuple(codes))


def _code(path, place: str, entry, seen: set[str]) -> Code:
    if not isinstance(entry, dict):
        raise CodebookError(f"{path}, {place}: a code is a mapping with id, label and patterns")
    code_id = entry.get("id")
    if not isinstance(code_id, str) or not _ID.match(code_id):
        raise CodebookError(
            f"{path}, {place}.id: {code_id!r} is not an id; use lower-case "
            "letters, digits, - and _ (e.g. too_expensive)"
        )
    place = f"{place} ({code_id})"
    if code_id in seen:
        raise CodebookError(f"{path}, {place}: the id {code_id} is used twice; give each code its own id")
    seen.add(code_id)
    unknown = sorted(set(entry) - {"id", "label", "patterns", "examples"})
    if unknown:
        raise CodebookError(
            f"{path}, {place}: unknown key {', '.join(unknown)}; a code has id, "
            "label, patterns and optionally examples"
        )
    label = _per_language(path, f"{place}.label", entry.get("label"), text=True)
    patterns = _per_language(path, f"{place}.patterns", entry.get("patterns"), text=False)
    examples = entry.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise CodebookError(f"{path}, {place}.examples: a list of quotes")
    return Code(code_id, label, patterns, tuple(examples))


def _per_language(path, place: str, value, text: bool) -> dict:
    what = "a text" if text else "a list of words or phrases"
    if isinstance(value, str) and text:
        return {"": value}
    if not isinstance(value, dict) or not value:
        raise CodebookError(f"{path}, {place}: give {what} per language, e.g. {{nl: ..., en: ...}}")
    checked: dict[str, str | tuple[str, ...]] = {}
    for lang, item in value.items():
        if text and isinstance(item, str) and item.strip():
            checked[str(lang)] = item
            continue
        if (
            not text
            and isinstance(item, list)
            and item
            and all(isinstance(p, str) and p.strip().rstrip("*") for p in item)
        ):
            checked[str(lang)] = tuple(item)
            continue
        raise CodebookError(f"{path}, {place}.{lang}: expected {what}, got {item!r}")
    return checked


def write_codebook(codes: Codebook | Iterable[Code], path: str | Path) -> None:
    """Write codes as a codebook YAML file (read back by `read_codebook`)."""
    codes = codes.codes if isinstance(codes, Codebook) else tuple(codes)
    data = {
        "codes": [
            {
                "id": code.id,
                "label": dict(code.label),
                "patterns": {lang: list(p) for lang, p in code.patterns.items()},
                **({"examples": list(code.examples)} if code.examples else {}),
            }
            for code in codes
        ]
    }
    Path(path).write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )


# --- coding, counting, quoting ------------------------------------------------------------------


def code_motivations(
    motivations: pd.DataFrame, codebook: Codebook, language: str | None = None
) -> pd.DataFrame:
    """One row per motivation x code it matches (a text may have several codes, or none)."""
    matchers = [(code.id, code.matcher(language)) for code in codebook.codes]
    found: dict[str, list[str]] = {}  # each distinct text is matched once: many texts repeat
    for text in motivations["text"]:
        if isinstance(text, str) and text not in found:
            found[text] = [code_id for code_id, matcher in matchers if matcher and matcher.search(text)]
    codes = motivations["text"].map(lambda text: found.get(text, []) if isinstance(text, str) else [])
    rows = motivations[CODED_COLUMNS[:-1]].assign(code=codes).explode("code")
    return rows[rows["code"].notna()].reset_index(drop=True)[CODED_COLUMNS]


def text_counts(motivations: pd.DataFrame, weights: pd.Series | None = None) -> pd.DataFrame:
    """Per page, option and direction: the motivations written there (`texts`) and, with
    `weights` (indexed by respondent), the sum of their writers' weights (`weighted_texts`)."""
    grouped = motivations.assign(weight=_weights_of(motivations, weights)).groupby(GROUP, sort=True)
    counts = grouped.size().rename("texts").to_frame()
    if weights is not None:
        counts["weighted_texts"] = grouped["weight"].sum()
    return counts.reset_index()


def code_counts(
    motivations: pd.DataFrame, coded: pd.DataFrame, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Per page, option, direction and code: respondents giving it, the motivations written
    there, and the share of those that carry the code. With `weights` (indexed by respondent)
    also `weighted_count`, `weighted_texts` and `weighted_share`, each writer counted by their
    weight."""
    texts = text_counts(motivations, weights).set_index(GROUP)
    distinct = coded.drop_duplicates(["respondent", *GROUP, "code"])
    grouped = distinct.assign(weight=_weights_of(distinct, weights)).groupby([*GROUP, "code"])
    counts = grouped.size().rename("count").to_frame()
    if weights is not None:
        counts["weighted_count"] = grouped["weight"].sum()
    counts = counts.reset_index().join(texts, on=GROUP)
    counts["share"] = counts["count"] / counts["texts"]
    if weights is not None:
        counts["weighted_share"] = counts["weighted_count"] / counts["weighted_texts"]
    return counts.sort_values([*GROUP, "count"], ascending=[True, True, True, False], ignore_index=True)


def _weights_of(frame: pd.DataFrame, weights: pd.Series | None) -> pd.Series:
    """Each row's respondent's weight (1 without weights; 0 for a respondent without one)."""
    if weights is None:
        return pd.Series(1.0, index=frame.index)
    return frame["respondent"].map(weights).astype(float).fillna(0.0)


def representative_quotes(
    motivations: pd.DataFrame, coded: pd.DataFrame, per_code: int = 3, limit: int = 240
) -> pd.DataFrame:
    """A few quotes per page, option, direction and code: masked, shortened, no repeats.

    Preferred are texts that carry only this code and whose length is nearest the group's median,
    so a quote is typical rather than the longest.
    """
    codes_per_text = coded.groupby(["respondent", *GROUP]).size().rename("codes")
    merged = coded.join(codes_per_text, on=["respondent", *GROUP]).merge(
        motivations[["respondent", *GROUP, "text"]], on=["respondent", *GROUP]
    )
    rows = []
    for key, group in merged.groupby([*GROUP, "code"], sort=True):
        group = group.assign(length=group["text"].str.len())
        group = group.assign(distance=(group["length"] - group["length"].median()).abs())
        group = group.sort_values(["codes", "distance", "respondent"])
        quotes = []
        for text in group["text"]:
            quote = shorten(mask_personal(text), limit)
            if quote not in quotes:
                quotes.append(quote)
            if len(quotes) == per_code:
                break
        rows += [[*key, quote] for quote in quotes]
    return pd.DataFrame(rows, columns=[*GROUP, "code", "quote"])


# --- suggesting codes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestedCode:
    """A theme found in the texts: its top terms, how many texts it covers, example quotes."""

    id: str
    terms: tuple[str, ...]
    size: int
    quotes: tuple[str, ...]

    def as_code(self, language: str, patterns: int = 5) -> Code:
        return Code(
            self.id, {language: ", ".join(self.terms[:3])}, {language: self.terms[:patterns]}, self.quotes
        )


def stop_words(language: str) -> list[str]:
    """The stop-word list shipped for a language (analysis/stopwords/<language>.txt)."""
    source = resources.files("analysis") / "stopwords" / f"{language}.txt"
    if not source.is_file():
        shipped = sorted(
            p.name[:-4]
            for p in (resources.files("analysis") / "stopwords").iterdir()
            if p.name.endswith(".txt")
        )
        raise ValueError(f"no stop-word list for language {language!r}; shipped: {', '.join(shipped)}")
    return [
        line.strip()
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def in_language(motivations: pd.DataFrame, respondents: pd.DataFrame, language: str) -> pd.DataFrame:
    """The motivations of the respondents (respondents table) who answered in `language`."""
    speakers = set(respondents.loc[respondents["language"] == language, "respondent"])
    return motivations[motivations["respondent"].isin(speakers)]


def suggest_codes(
    motivations: pd.DataFrame,
    language: str,
    n_codes: int = 8,
    *,
    terms: int = 8,
    quotes: int = 3,
    seed: int = 0,
) -> list[SuggestedCode]:
    """Themes in the texts by TF-IDF and non-negative matrix factorisation, largest first.

    Each text belongs to the theme it loads on most; a theme's quotes are the texts loading on
    it most (masked and shortened). Fewer themes come back when the texts support fewer.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [t for t in motivations["text"] if isinstance(t, str) and t.strip()]
    if len(texts) < 2 * n_codes:
        raise ValueError(
            f"{len(texts)} motivations are too few to suggest {n_codes} codes; "
            f"ask for at most {max(1, len(texts) // 2)} (--codes)"
        )
    vectorizer = TfidfVectorizer(
        stop_words=stop_words(language),
        min_df=2,
        max_df=0.5,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError as error:  # nothing left after the stop words
        raise ValueError(f"the motivations hold too few distinct words to suggest codes ({error})") from error
    n_codes = min(n_codes, matrix.shape[1])
    model = NMF(n_components=n_codes, init="nndsvda", random_state=seed, max_iter=500)
    loadings = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    owner = loadings.argmax(axis=1)
    found = []
    for component in range(n_codes):
        members = (owner == component) & (loadings[:, component] > 0)
        if not members.any():
            continue
        top = tuple(vocabulary[k] for k in model.components_[component].argsort()[::-1][:terms])
        order = loadings[:, component].argsort()[::-1]
        examples = []
        for k in order:
            quote = shorten(mask_personal(texts[k]))
            if members[k] and quote not in examples:
                examples.append(quote)
            if len(examples) == quotes:
                break
        found.append((int(members.sum()), top, tuple(examples)))
    found.sort(key=lambda item: -item[0])
    suggested: list[SuggestedCode] = []
    for size, top, example_quotes in found:
        suggested.append(SuggestedCode(_code_id(top, [c.id for c in suggested]), top, size, example_quotes))
    return suggested


def _code_id(terms: tuple[str, ...], taken: list[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", terms[0].lower()).strip("_") or "code"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate
