"""The thesaurus (kb/thesaurus.yaml) and the words search indexes beyond the page text (macros/kb/search.py).

Bad thesaurus input fails at its file and line; a word added once reaches every entry that uses its group;
search's word cutting drops common words, single letters and a plural's s, the same in Python and in the
browser's regular expression.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.search import SEPARATOR, keywords, keywords_by_place, words


def problems_of(kb_dir: Path) -> list[str]:
    _docs, problems = validate_kb(kb_dir)
    return [str(p) for p in problems]


def write_thesaurus(kb_dir: Path, text: str) -> Path:
    path = kb_dir / "thesaurus.yaml"
    path.write_text("# yaml-language-server: $schema=schema/thesaurus.schema.json\n" + text, encoding="utf-8")
    return path


def test_a_word_in_two_groups_is_refused_where_it_is_repeated(kb_copy):
    write_thesaurus(kb_copy, "- terms: [injection, jab]\n- terms: [shot, Jabs]\n")
    assert problems_of(kb_copy) == ["kb/thesaurus.yaml:3: thesaurus: 'Jabs' is already in the group at line 2 "
                                    "(search reads them as the same words): a word belongs to one group only"]


def test_a_misspelling_that_is_also_a_term_is_refused(kb_copy):
    write_thesaurus(kb_copy, "- terms: [steroid, cortisone]\n  misspellings: [steroid]\n")
    assert problems_of(kb_copy) == ["kb/thesaurus.yaml:3: thesaurus: 'steroid' is already earlier in this group "
                                    "(search reads them as the same words): a word belongs to one group only"]


def test_an_unknown_key_is_refused_with_a_suggestion(kb_copy):
    write_thesaurus(kb_copy, "- terms: [injection, jab]\n  mispellings: [injecton]\n")
    assert problems_of(kb_copy) == ["kb/thesaurus.yaml:3: unknown key 'mispellings' (did you mean 'misspellings'?)"]


@pytest.mark.parametrize("word", ["{{ config }}", "<b>jab</b>", "[jab](https://example.org)", "jab\u200b"])
def test_markup_in_a_term_is_refused_at_its_line(kb_copy, word):
    write_thesaurus(kb_copy, f"- terms:\n    - injection\n    - {word!r}\n".replace("'", '"'))
    problems = problems_of(kb_copy)
    assert problems and all(p.startswith("kb/thesaurus.yaml:4: ") for p in problems), problems


def test_a_term_of_common_words_only_is_refused(kb_copy):
    write_thesaurus(kb_copy, "- terms: [injection, how is it]\n")
    assert problems_of(kb_copy) == ["kb/thesaurus.yaml:2: thesaurus: 'how is it' holds only words search ignores "
                                    "(such as 'the', 'how' or single letters): add a word it can find"]


def test_the_thesaurus_is_optional(kb_copy):
    (kb_copy / "thesaurus.yaml").unlink()
    assert load_kb(kb_copy).thesaurus == ()


def test_a_word_added_once_reaches_every_entry_that_uses_its_group(kb_copy):
    path = kb_copy / "thesaurus.yaml"
    text = path.read_text(encoding="utf-8")
    assert "- terms: [frozen shoulder, " in text
    path.write_text(text.replace("- terms: [frozen shoulder, ", "- terms: [frozen shoulder, shoulder seized up, "),
                    encoding="utf-8")
    kb = load_kb(kb_copy)
    reached = {place for place, fields in keywords_by_place(kb).items()
               if "seized up" in fields.get("names", "") + fields.get("keywords", "")}
    assert ("causes/incorrect-diagnosis.md", "adhesive-capsulitis-missed") in reached
    assert ("glossary.md", "frozen-shoulder") in reached
    assert ("conditions.md", "adhesive-capsulitis") in reached
    assert ("causes/delayed-effect.md", "onset-takes-time") not in reached


def test_a_group_named_by_an_entry_title_becomes_its_names(kb):
    term = next(t for t in kb.glossary if t.id == "corticosteroid")
    names, related = keywords(term, kb.thesaurus)
    assert "cortizone" in names and "Kenalog" not in names and "cortizone" not in related
    facet = next(f for f in kb.facets if f.id == "body-size-not-considered")
    names, related = keywords(facet, kb.thesaurus)
    assert "heavy" in names and "BMI" in names  # "body size" is half its title
    assert "dose by weight" in related  # its own synonym


def test_references_gain_no_thesaurus_words(kb):
    for place, fields in keywords_by_place(kb).items():
        assert place[0] != "references.md", (place, fields)


@pytest.mark.parametrize("text, expected", [
    ("How many injections a year", ("many", "injection", "year")),
    ("The patient's knee", ("patient", "knee")),
    ("X-ray changes", ("ray", "change")),
    ("NSAIDs and HbA1c", ("nsaid", "hba1c")),
    ("stress less", ("stress", "less")),
])
def test_search_cuts_words_the_same_in_python_and_in_the_browser(text, expected):
    assert words(text) == expected
    browser = [t.lower() for t in re.split(SEPARATOR, text) if t]  # Material splits with the same expression
    assert tuple(browser) == expected
