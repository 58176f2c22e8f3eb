"""The site's search worker (docs/assets/kb-search.js) tested on its own, in Chromium: the real worker, asked
through the theme's messages (SETUP, QUERY), with the built site's index or a small one made here.

It cuts words as macros/kb/search.py does; a word added to a thesaurus group once reaches every entry that uses
any term of the group; phrases are read longest first; slips in long words are corrected; and nothing from the
KB comes back as markup, only escaped text with <mark> added.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml

from bench.search import ENGINE
from conftest import ROOT
from macros.kb.search import STOP_WORDS, words

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "404.html")
    page.add_script_tag(url=server + "assets/kb-search.js")  # for kbSearchWords; it answers no message here
    page.evaluate(ENGINE)
    yield page
    context.close()


@pytest.fixture(scope="module")
def site_index(site):
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def ask(page, index, *queries):
    """Each query's results from a worker set up with index: one list of (location, title, text) per page."""
    return page.evaluate("""async ([index, queries]) => {
        const engine = window.engine(index);
        const out = [];
        for (const query of queries) out.push((await engine.ask(query)).items);
        engine.stop();
        return out;
    }""", [index, list(queries)])


def locations(result):
    return [item["location"] for group in result for item in group]


def small_index(docs, thesaurus=(), context=()):
    return {"config": {"kb": {"stop": list(STOP_WORDS), "thesaurus": list(thesaurus), "context": list(context)}},
            "docs": [{"location": loc, "title": title, "text": text} for loc, title, text in docs]}


@pytest.mark.parametrize("text", [
    "How many injections a year?", "The patient's knee", "X-ray changes, NSAIDs and HbA1c",
    "Café anaesthésie; œdème", "placed placing places injuries worked bleeding bursitis lupus stress",
    "C7 nerve-root, T2 and 10 mg in 2 ml", "ÉPIDURAL   Steroid—injection’s flare-ups", "a I x 4",
])
def test_search_cuts_words_the_same_in_python_and_in_the_browser(page, text):
    assert tuple(page.evaluate("([t, s]) => kbSearchWords(t, s)", [text, list(STOP_WORDS)])) == words(text)


def test_a_word_added_to_a_group_once_reaches_every_entry_that_uses_the_group(page, site_index):
    """An editor adds "shoulder seized up" to the frozen shoulder group: it finds every entry that has any of
    the group's terms, and the best answer is one of them (not an entry with only the word "shoulder")."""
    groups = yaml.safe_load((ROOT / "kb" / "thesaurus.yaml").read_text(encoding="utf-8"))
    group = next(g for g in groups if "frozen shoulder" in g["terms"])
    group["terms"].append("shoulder seized up")
    index = dict(site_index, config=dict(site_index["config"], kb=dict(site_index["config"]["kb"], thesaurus=groups)))
    terms = [words(t) for t in group["terms"]]

    def uses_group(doc):
        text = words(re.sub(r"<[^>]+>", " ", " ".join((doc["title"], doc.get("keywords", ""), doc["text"]))))
        return any(text[i:i + len(t)] == t for t in terms for i in range(len(text)))

    expected = {doc["location"] for doc in site_index["docs"] if uses_group(doc)}
    [found] = ask(page, index, "shoulder seized up")
    scores = {item["location"]: item["score"] for group in found for item in group if item["score"] > 0}
    assert {"causes/incorrect-diagnosis/#adhesive-capsulitis-missed", "glossary/#frozen-shoulder"} <= expected
    assert expected <= set(scores)
    assert max(scores, key=scores.get) in expected


def test_a_phrase_is_read_as_its_group_and_the_longest_phrase_wins(page):
    index = small_index([
        ("a/", "Referred pain", "Pain felt in the hip that comes from the lumbar spine."),
        ("b/", "Hip joint", "Osteoarthritis of the hip joint."),
        ("c/", "Pain coming from elsewhere", "Unrelated text."),
    ], thesaurus=[{"terms": ["referred pain", "pain coming from the back"], "misspellings": []},
                  {"terms": ["hip pain", "sore hip"], "misspellings": []}], context=["hip"])
    [result] = ask(page, index, "hip pain coming from the back")
    assert locations(result)[0] == "a/"


def test_a_slip_in_a_long_word_is_corrected_and_a_short_word_is_left_alone(page):
    index = small_index([("a/", "Tendinopathy", "Tendon pain."), ("b/", "Gout", "Crystals in the joint.")])
    slipped, short = ask(page, index, "tendinopaty", "gaut")
    assert locations(slipped) == ["a/"]
    assert short == []


def test_a_half_typed_last_word_finds_the_words_it_begins(page):
    index = small_index([("a/", "Trochanteric region", "Lateral hip."), ("b/", "Knee", "Joint.")])
    [result] = ask(page, index, "trochan")
    assert locations(result) == ["a/"]


def test_common_words_and_single_letters_alone_find_nothing(page, site_index):
    assert ask(page, site_index, "a", "the", "how is it", "x") == [[], [], [], []]


HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>&lt;b&gt;bold&lt;/b&gt; javascript:alert(3)'


def test_kb_text_comes_back_escaped_with_only_marks_added(page, site_index):
    index = small_index([("a/#x", "Injection " + HOSTILE, "Injection text " + HOSTILE), ("a/", "Page", "")])
    results = ask(page, index, "injection", "img onerror", "script alert", "bold")
    results += ask(page, site_index, "steroid injection knee", "cortizone", "red flags", "<script>", "\" onmouseover=")
    for result in results:
        for group in result:
            for item in group:
                for value in (item["title"], item["text"]):
                    assert re.sub(r"</?mark>", "", value).count("<") == 0, value
                    assert "<mark " not in value


def test_sections_nearly_as_good_as_a_page_s_best_are_shown_beside_it(page):
    """The theme folds a page's sections that score below its best; the worker gives up to two sections scoring
    at least 40% of the best the best's score, so they are shown; weaker ones stay folded."""
    index = small_index([
        ("p/", "Page", "Intro."),
        ("p/#one", "Gout", "Gout, gout and gout."),
        ("p/#two", "Gout in the knee", "Gout."),
        ("p/#three", "Gout of the toe", "Gout."),
        ("p/#four", "Other", "Once, gout is mentioned among many other words here and there, and a great many more."),
    ])
    [[group]] = ask(page, index, "gout")
    top = group[0]["score"]
    shown = [item["location"] for item in group if item["score"] >= top and "#" in item["location"]]
    assert shown[0] == "p/#one" and len(shown) == 3 and "p/#four" not in shown


@pytest.mark.parametrize("query", ["__proto__ constructor", "toString hasOwnProperty", "x" * 5000,
                                   " ".join(["steroid"] * 500), "\u202e\u0000\ud83d\ude00 <b>", "\\ ( [ * + ? ^ $"])
def test_a_strange_query_gets_an_answer_not_an_error(page, site_index, query):
    [result] = ask(page, site_index, query)
    assert isinstance(result, list)
    for group in result:
        for item in group:
            assert isinstance(item["terms"], dict)
