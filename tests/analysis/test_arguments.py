"""Arguments: masking personal data, shortening quotes, the codebook, coding, counts, quotes and
suggested codes that find planted themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.arguments import (
    Code,
    Codebook,
    CodebookError,
    code_counts,
    code_motivations,
    mask_personal,
    read_codebook,
    representative_quotes,
    shorten,
    stop_words,
    suggest_codes,
    write_codebook,
)
from analysis.tables import MOTIVATION_COLUMNS


@pytest.mark.parametrize(
    "text,masked",
    [
        ("Mail jan.de.vries@example.nl maar", "Mail [e-mail] maar"),
        ("Bel 06-12345678 of 06 1234 5678", "Bel [phone] of [phone]"),
        ("of +31 6 12345678, of 0031 20 1234567", "of [phone], of [phone]"),
        ("kantoor (020) 123 4567", "kantoor [phone]"),
        ("Ik woon op 1234 AB of 3511ab", "Ik woon op [postcode] of [postcode]"),
        ("zie https://voorbeeld.nl/pad?x=1 en www.test.nl.", "zie [url] en [url]"),
    ],
)
def test_personal_data_is_masked(text, masked):
    assert mask_personal(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "In 2023 ga ik vaker met de trein",
        "Het kost 3000 miljoen euro",
        "1234 mensen wonen er",
        "Postcode 3511 alleen is geen adres",
    ],
)
def test_ordinary_numbers_are_kept(text):
    assert mask_personal(text) == text


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    text = "De lijn is veel te duur voor wat hij oplevert aan reistijd en banen in het Noorden"
    short = shorten(text, 30)
    assert short == "De lijn is veel te duur voor…"
    assert len(short) <= 30
    assert shorten("  kort   genoeg ") == "kort genoeg"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"


CODEBOOK = """
codes:
  - id: cost
    label: {nl: Te duur, en: Too expensive}
    patterns: {nl: [duur*, te veel geld], en: [expensive, cost*]}
  - id: nature
    label: {nl: Natuur, en: Nature}
    patterns: {nl: [natuur*, landschap], en: [nature]}
"""


def motivations(*texts: str) -> pd.DataFrame:
    return pd.DataFrame(
        [[f"r{k}", "advice", "rail", 1, "chosen", text] for k, text in enumerate(texts)],
        columns=MOTIVATION_COLUMNS,
    )


def test_codebook_codes_counts_and_quotes(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    codebook = read_codebook(path)
    texts = motivations(
        "Veel te duur, bel 06-12345678",
        "Duurder dan nodig",
        "Slecht voor de natuur en te veel geld",
        "Mooi landschap",
        "Geen mening",
        "The cost is too high",
    )
    coded = code_motivations(texts, codebook)
    assert coded.groupby("code")["respondent"].apply(list).to_dict() == {
        "cost": ["r0", "r1", "r2", "r5"],
        "nature": ["r2", "r3"],
    }
    assert code_motivations(texts, codebook, language="en")["respondent"].tolist() == ["r5"]
    counts = code_counts(texts, coded)
    assert counts[["code", "count", "texts"]].values.tolist() == [["cost", 4, 6], ["nature", 2, 6]]
    quotes = representative_quotes(texts, coded, per_code=2)
    cost = quotes[quotes.code == "cost"]["quote"].tolist()
    assert len(cost) == 2 and "Slecht voor de natuur en te veel geld" not in cost  # has two codes
    assert not quotes["quote"].str.contains("12345678").any()
    write_codebook(codebook, tmp_path / "again.yaml")
    assert read_codebook(tmp_path / "again.yaml") == codebook


@pytest.mark.parametrize(
    "content,message",
    [
        ("codes: []", "non-empty list `codes:`"),
        ("codes:\n  - {id: Te Duur, label: x, patterns: {nl: [a]}}", r"codes\[0\].id: 'Te Duur'"),
        (
            "codes:\n  - {id: a, label: x, patterns: {nl: [a]}}\n  - {id: a, label: y, patterns: {nl: [b]}}",
            r"codes\[1\] \(a\): the id a is used twice",
        ),
        ("codes:\n  - {id: a, label: x, patterns: {nl: duur}}", r"codes\[0\] \(a\).patterns.nl"),
        ("codes:\n  - {id: a, label: x, patterns: {nl: [a]}, kleur: rood}", "unknown key kleur"),
        ("codes:\n  - {id: a, label: x\n", "line 3: not valid YAML"),
    ],
)
def test_codebook_errors_name_file_and_place(tmp_path, content, message):
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError, match=f"{path}.*{message}"):
        read_codebook(path)


THEMES = {
    "kosten": ["kosten", "duur", "belastinggeld", "betalen", "miljarden", "begroting"],
    "natuur": ["natuur", "landschap", "weilanden", "vogels", "groen", "dieren"],
    "reistijd": ["reistijd", "sneller", "verbinding", "trein", "forenzen", "overstappen"],
}
FILLER = [
    "dit",
    "is",
    "voor",
    "mij",
    "de",
    "het",
    "een",
    "belangrijk",
    "echt",
    "omdat",
    "en",
    "vind",
    "ik",
    "wel",
    "niet",
    "zeker",
    "punt",
    "want",
]


def planted_motivations(n: int = 300, seed: int = 3) -> tuple[pd.DataFrame, list[str]]:
    """Dutch motivations, each about one of three themes: theme words among filler words."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for k in range(n):
        theme = list(THEMES)[k % 3]
        words = list(rng.choice(THEMES[theme], size=3, replace=False))
        words += list(rng.choice(FILLER, size=6))
        rng.shuffle(words)
        rows.append([f"r{k}", "advice", "rail", 1, "chosen", " ".join(words).capitalize() + "."])
        truth.append(theme)
    return pd.DataFrame(rows, columns=MOTIVATION_COLUMNS), truth


def test_suggested_codes_find_the_planted_themes(tmp_path):
    texts, truth = planted_motivations()
    suggested = suggest_codes(texts, "nl", n_codes=3)
    assert len(suggested) == 3
    found = set()
    for code in suggested:
        themes = {theme for theme, words in THEMES.items() if set(code.terms[:4]) & set(words)}
        assert len(themes) == 1, code.terms  # each code is about one theme
        found |= themes
        assert len(code.quotes) == 3 and 80 <= code.size <= 120
    assert found == set(THEMES)
    write_codebook([code.as_code("nl") for code in suggested], tmp_path / "suggested.yaml")
    coded = code_motivations(texts, read_codebook(tmp_path / "suggested.yaml"))
    assert coded["respondent"].nunique() > 0.9 * len(texts)


def test_stop_words_are_shipped_for_dutch_and_english():
    assert {"de", "het", "een"} <= set(stop_words("nl"))
    assert {"the", "and"} <= set(stop_words("en"))
    with pytest.raises(ValueError, match="shipped: en, nl"):
        stop_words("fy")


def test_too_few_texts_to_suggest_codes_is_said():
    with pytest.raises(ValueError, match="2 motivations are too few to suggest 3 codes"):
        suggest_codes(motivations("een", "twee"), "nl", n_codes=3)


def test_code_label_falls_back_to_another_language():
    codebook = Codebook((Code("cost", {"nl": "Te duur"}, {"nl": ("duur",)}),))
    assert codebook.label("cost", "en") == "Te duur"
