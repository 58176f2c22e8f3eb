"""The thesaurus (kb/thesaurus.yaml) and the words search indexes beyond the page text (macros/kb/search.py).

Bad thesaurus input fails at its file and line; each entry's keywords are its synonyms and its conditions' and
regions' names; search's word cutting drops common words and single letters and reduces endings. (That the
browser's search cuts words the same way, and that a word added to a group reaches every entry using the group,
is tested on the search worker itself: tests/browser/test_search_engine.py.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.search import keywords, keywords_by_place, search_config, words


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


def test_red_flag_marks_a_group_only_as_true_or_false(kb_copy):
    write_thesaurus(kb_copy, "- terms: [fever, high temperature]\n  red_flag: yes please\n")
    problems = problems_of(kb_copy)
    assert problems and all(p.startswith("kb/thesaurus.yaml:3: ") for p in problems), problems


def test_a_region_pair_naming_an_unknown_region_is_refused_at_its_line(kb_copy):
    write_thesaurus(kb_copy, "- terms: [referred pain, pain felt elsewhere]\n  two_regions: [[hip-groin, kneee]]\n")
    assert problems_of(kb_copy) == ["kb/thesaurus.yaml:3: thesaurus: two_regions names 'kneee', which is not a "
                                    "region in kb/regions.yaml"]


def test_the_thesaurus_is_optional(kb_copy):
    (kb_copy / "thesaurus.yaml").unlink()
    assert load_kb(kb_copy).thesaurus == ()


def test_an_entry_s_keywords_are_its_synonyms_then_its_conditions_and_regions(kb):
    facet = next(f for f in kb.facets if f.id == "body-size-not-considered")
    found = keywords(facet)
    assert found[: len(facet.synonyms)] == list(facet.synonyms)
    for topic in [*facet.conditions, *facet.regions]:
        assert topic.name in found
    assert len({w.lower() for w in found}) == len(found)  # each once, case ignored


def test_every_entry_s_keywords_reach_its_own_place_only(kb):
    places = keywords_by_place(kb)
    neuropathic = places[("causes/alternative-pathology.md", "neuropathic-pain")]
    assert "radiculopathy" in neuropathic["keywords"].lower()
    assert "radiculopathy" not in places.get(("causes/delayed-effect.md", "onset-takes-time"), {}).get("keywords", "")
    for cause in kb.causes:  # a cause's list of sources ranks below every entry
        assert places[(f"causes/{cause.id}.md", "references")] == {"boost": 0.1}


def test_the_search_worker_gets_the_thesaurus_the_common_words_and_the_region_words(kb):
    config = search_config(kb)
    assert len(config["thesaurus"]) == len(kb.thesaurus)
    assert {"a", "the", "how", "still"} <= set(config["stop"])
    assert {"knee", "hip", "shoulder", "back"} <= set(config["context"])
    # Everyday words weigh little, as search reads them ("getting" is "gett"); no clinical word is among them.
    assert {"gett", "much", "actually", "noth", "post", "pt"} <= set(config["vague"])
    # Words for the treatment itself may stand inside a phrase ("another cortisone jab").
    assert {"steroid", "cortison", "injection", "jab"} <= set(config["filler"])
    assert not {"pain", "worse", "sudden", "fever", "week", "knee"} & set(config["vague"])
    # Every published red flag, by its address, and nothing else.
    assert config["urgent"] == sorted(f"red-flags/#{flag.id}" for flag in kb.red_flags)
    assert "cortizone" in next(g["misspellings"] for g in config["thesaurus"] if "cortisone" in g["terms"])
    # Symptoms and signs that can mean a red flag are marked; places and treatments are not.
    signs = {g["terms"][0] for g in config["thesaurus"] if g["red_flag"]}
    assert {"fever", "hot swollen joint", "loss of vision", "jaw claudication", "cauda equina syndrome"} <= signs
    assert not {"knee", "injection", "headache", "physiotherapy", "numbness"} & signs
    # Weight loss the patient did not intend is a sign; losing weight on purpose is treatment.
    assert {"unexplained weight loss", "sudden worsening", "known gout"} <= signs and "weight management" not in signs
    group_of = {term: g for g in config["thesaurus"] for term in g["terms"]}
    assert group_of["losing weight without trying"]["red_flag"] and not group_of["losing weight"]["red_flag"]
    # Two regions in a query imply referred pain; each region word leads to the regions whose names hold it.
    assert [g["terms"][0] for g in config["thesaurus"] if g["two_regions"]] == ["referred pain"]
    pairs = next(g["two_regions"] for g in config["thesaurus"] if g["two_regions"])
    assert ["hip-groin", "knee"] in pairs and not any(set(p) == {"shoulder", "hip-groin"} for p in pairs)
    assert config["region_of"]["knee"] == ["knee"] and "buttock" in config["region_of"]["hip"]
    # A red flag with no regions concerns any region; each red flag brings the facets it points to.
    assert config["anywhere"] == sorted(f"red-flags/#{flag.id}" for flag in kb.red_flags if not flag.regions)
    assert "causes/improper-technique/#sterile-technique-breach" in config["flag_facets"]["red-flags/#joint-infection"]


@pytest.mark.parametrize("text, expected", [
    ("How many injections a year", ("many", "injection", "year")),
    ("The patient's knee", ("patient", "knee")),
    ("X-ray changes", ("ray", "chang")),
    ("NSAIDs and HbA1c", ("nsaid", "hba1c")),
    ("stress less", ("stress", "less")),
    ("Injuries placed, placing, places", ("injury", "plac", "plac", "plac")),
    ("worked working works", ("work", "work", "work")),
    ("bleeding bursitis lupus", ("bleed", "bursitis", "lupus")),
    ("Café anaesthésie", ("cafe", "anaesthesi")),
    # Typed without the apostrophe, as on a phone: read as with it.
    ("didnt help, didn't help", ("didn", "help", "didn", "help")),
    ("cant lift, can't lift, wont heal", ("lift", "lift", "won", "heal")),
])
def test_search_cuts_words_into_common_words_dropped_and_endings_reduced(text, expected):
    assert words(text) == expected
