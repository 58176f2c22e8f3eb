"""The site's search worker (docs/assets/kb-search.js) tested on its own, in Chromium: the real worker, asked
through the theme's messages (SETUP, QUERY), with the built site's index or a small one made here.

It cuts words as macros/kb/search.py does; a word added to a thesaurus group once reaches every entry that uses
any term of the group; phrases are read longest first; slips in long words are corrected; and nothing from the
KB comes back as markup, only escaped text with <mark> added.
"""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from macros.kb.search import APOSTROPHE_DROPPED, STOP_WORDS, filler_terms, vague_terms, words
from tests.support.search import ENGINE, read_index

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
    return read_index(site)


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


def small_index(docs, thesaurus=(), context=(), urgent=(), keywords=None, anywhere=(), flag_facets=None,
                region_of=None):
    """An index of docs (location, title, text), read with the site's common and everyday words."""
    keywords = keywords or {}
    return {"config": {"kb": {"stop": list(STOP_WORDS), "apostrophe_dropped": APOSTROPHE_DROPPED,
                              "vague": vague_terms(), "filler": filler_terms(),
                              "urgent": list(urgent), "anywhere": list(anywhere),
                              "flag_facets": dict(flag_facets or {}), "region_of": dict(region_of or {}),
                              "thesaurus": list(thesaurus), "context": list(context)}},
            "docs": [{"location": loc, "title": title, "text": text, "keywords": keywords.get(loc, "")}
                     for loc, title, text in docs]}


# Entries on other topics, so that how rare a word is means something in a small index.
# Like the site's, most mention an injection.
OTHER_TOPICS = [(f"other/#topic-{i}", f"Topic {i}", f"Text number {i} about exercise and posture after an injection.")
                for i in range(30)]


@pytest.mark.parametrize("text", [
    "How many injections a year?", "The patient's knee", "X-ray changes, NSAIDs and HbA1c",
    "Café anaesthésie; œdème", "placed placing places injuries worked bleeding bursitis lupus stress",
    "C7 nerve-root, T2 and 10 mg in 2 ml", "ÉPIDURAL   Steroid—injection’s flare-ups", "a I x 4",
    "didnt help, cant lift, it doesn't work, WONT",
])
def test_search_cuts_words_the_same_in_python_and_in_the_browser(page, text):
    found = page.evaluate("([t, s, d]) => kbSearchWords(t, s, d)", [text, list(STOP_WORDS), APOSTROPHE_DROPPED])
    assert tuple(found) == words(text)


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


def test_a_body_region_may_stand_inside_a_phrase(page):
    """ "how many hip injections" holds the phrase "how many injections", so the group's "repeat injection"
    is found (and marked); "hip" still counts on its own."""
    index = small_index([
        ("faq/#repeat", "Should the injection be repeated?", "Repeat injections: how often, and when to stop."),
        ("sites/#hip", "Hip joint", "The hip joint lies deep."),
        *OTHER_TOPICS,
    ], thesaurus=[{"terms": ["repeat injection", "how many injections"], "misspellings": []}], context=["hip"])
    [result] = ask(page, index, "how many hip injections")
    found = {item["location"]: item for group in result for item in group}
    assert "<mark>Repeat</mark> <mark>injections</mark>" in found["faq/#repeat"]["text"]
    assert "sites/#hip" in found


def test_a_word_for_the_treatment_may_stand_inside_a_phrase_and_is_read_with_it(page):
    """ "another cortisone jab" is "another jab" (a repeat injection), not a question about cortisone."""
    index = small_index([
        ("faq/#repeat", "Should the injection be repeated?", "A repeat injection helps some people."),
        ("glossary/#corticosteroid", "Corticosteroid", "Cortisone and its relatives, given as a jab."),
        *OTHER_TOPICS,
    ], thesaurus=[{"terms": ["repeat injection", "another jab"], "misspellings": []},
                  {"terms": ["corticosteroid", "cortisone", "cortisone jab"], "misspellings": []}])
    [result] = ask(page, index, "another cortisone jab")
    assert locations(result)[0] == "faq/#repeat"


def test_an_everyday_word_weighs_less_than_what_is_wrong(page):
    """ "actually" is rarer than "sciatica" in this index, yet the query is about sciatica."""
    index = small_index([
        ("a/#sciatica", "Nerve root pain", "Leg pain from a nerve root, which often eases."),
        ("b/#getting-better", "Actually getting better", "Recovery takes time."),
        ("c/#leg", "Leg pain", "Sciatica is one cause of leg pain, among many."),
        *OTHER_TOPICS,
    ], keywords={"a/#sciatica": "sciatica radiculopathy"})
    [result] = ask(page, index, "sciatica actually")
    assert locations(result)[0] == "a/#sciatica"


def test_a_word_no_entry_has_leaves_the_order_as_it_was(page, site_index):
    plain, with_unknown = ask(page, site_index, "gout knee", "qqqq gout knee")
    assert [(i["location"], i["score"]) for g in with_unknown for i in g] == \
        [(i["location"], i["score"]) for g in plain for i in g]


FACET_AND_FLAG = [
    ("causes/location/#shoulder-missed", "Shoulder bursa missed",
     "A shoulder injection may miss the bursa; heart disease is a rare cause of shoulder pain."),
    ("red-flags/#heart", "Visceral pain felt in the shoulder",
     "Left shoulder pain on exertion, with breathlessness, suggests the heart."),
    *OTHER_TOPICS,
]


def test_a_red_flag_that_has_what_is_wrong_comes_first(page):
    """The facet scores higher ("shoulder injection" is its title), but the flag has "heart" in its own words."""
    plain, urgent = ask(page, small_index(FACET_AND_FLAG), "shoulder injection heart"), \
        ask(page, small_index(FACET_AND_FLAG, urgent=["red-flags/#heart"]), "shoulder injection heart")
    assert locations(plain[0])[0] == "causes/location/#shoulder-missed"
    assert locations(urgent[0])[0] == "red-flags/#heart"


def test_a_red_flag_that_shares_only_the_place_stays_where_it_ranks(page):
    """A flag's keywords are the places it concerns: naming a place ("plantar fasciitis") does not lift it."""
    docs = [("sites/#plantar-fascia", "Plantar fascia", "Plantar fasciitis injection at the heel."),
            ("red-flags/#rupture", "Tendon rupture", "A sudden pop after an injection for plantar fasciitis."),
            *OTHER_TOPICS]
    index = small_index(docs, urgent=["red-flags/#rupture"], keywords={"red-flags/#rupture": "plantar fasciitis"})
    [result] = ask(page, index, "plantar fasciitis injection")
    assert locations(result)[0] == "sites/#plantar-fascia"


FEVER = {"terms": ["fever", "high temperature"], "misspellings": [], "red_flag": True}
INFECTION_PAGES = [
    ("causes/technique/#sterile", "Sterile technique breach", "Bacteria carried in by the needle cause infection."),
    ("causes/delay/#flare", "Post-injection flare", "A flare settles in two days, without fever, after an injection."),
    ("red-flags/#joint", "Infection of a joint", "A hot joint, with fever or shivering, after an injection."),
    ("red-flags/#replacement", "Infection of a joint replacement",
     "A knee or hip replacement that is hot, with fever, after an injection or an operation."),
    *OTHER_TOPICS,
]
INFECTION_FLAGS = {"urgent": ["red-flags/#joint", "red-flags/#replacement"],
                   "flag_facets": {"red-flags/#joint": ["causes/technique/#sterile", "causes/delay/#flare"],
                                   "red-flags/#replacement": []},
                   "keywords": {"red-flags/#replacement": "knee hip"}}


def test_a_symptom_that_can_mean_a_red_flag_opens_on_the_flag_that_names_it(page):
    """ "fever" is marked red_flag in the thesaurus: the facets score higher, but the flag comes first, and of
    the two flags that name fever, the one the matching facets point to (infection of a joint)."""
    plain = ask(page, small_index(INFECTION_PAGES, thesaurus=[{**FEVER, "red_flag": False}], **INFECTION_FLAGS),
                "fever after injection")
    marked = ask(page, small_index(INFECTION_PAGES, thesaurus=[FEVER], **INFECTION_FLAGS), "fever after injection")
    assert locations(plain[0])[0].startswith("causes/")
    assert locations(marked[0])[0] == "red-flags/#joint"


def test_a_red_flag_for_any_region_fits_the_region_typed(page):
    """ "knee" is in the keywords of the flag for joint replacements only; the flag for infection of any joint
    (no regions) fits it too, so it is not pushed below the other for naming no place."""
    docs = [entry for entry in INFECTION_PAGES if entry[0].startswith("red-flags/")] + OTHER_TOPICS
    [alone] = ask(page, small_index(docs, thesaurus=[FEVER], context=["knee"], **INFECTION_FLAGS), "fever knee")
    [anywhere] = ask(page, small_index(docs, thesaurus=[FEVER], context=["knee"], anywhere=["red-flags/#joint"],
                                       **INFECTION_FLAGS), "fever knee")
    score = {i["location"]: i["score"] for g in alone for i in g}
    score_anywhere = {i["location"]: i["score"] for g in anywhere for i in g}
    assert score_anywhere["red-flags/#joint"] > score["red-flags/#joint"]


def test_two_body_regions_in_a_query_also_ask_about_referred_pain(page):
    """ "knee jab did nothing, it's the hip": pain is commonly referred between the two (a two_regions pair), so
    the query also asks about referred pain; "lateral hip" is one region (both words name the buttock region),
    and the shoulder and the hip are not a pair."""
    index = small_index([
        ("causes/progression/#oa", "Osteoarthritis advancing", "Knee and hip osteoarthritis worsen over years."),
        ("causes/diagnosis/#referred", "Referred pain missed", "Pain felt in one place that comes from another."),
        *OTHER_TOPICS,
    ], thesaurus=[{"terms": ["referred pain", "pain felt elsewhere"], "misspellings": [],
                   "two_regions": [["hip-groin", "knee"]]}],
        context=["knee", "hip", "lateral", "shoulder"],
        region_of={"knee": ["knee"], "hip": ["hip-groin", "buttock"], "lateral": ["buttock"], "shoulder": ["shoulder"]})
    two, one, unpaired = ask(page, index, "knee jab did nothing, it's the hip", "lateral hip jab did nothing",
                             "shoulder and hip jab did nothing")
    assert locations(two)[0] == "causes/diagnosis/#referred"
    assert "causes/diagnosis/#referred" not in locations(one) + locations(unpaired)


def test_a_number_alone_weighs_as_little_as_an_everyday_word(page):
    """ "40" is in one entry only, as is "weeks", but "40 weeks" is about the weeks."""
    index = small_index([
        ("faq/#wait", "How long to wait", "Most injections work within weeks; wait before judging."),
        ("causes/#other", "Another cause", "Stage 40 disease of the joint."),
        *OTHER_TOPICS,
    ])
    [result] = ask(page, index, "40 weeks")
    assert locations(result)[0] == "faq/#wait"


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


PALPATION = [("causes/technique/#landmark", "Landmark-guided injection", "Palpation finds the joint line by feel."),
             ("faq/#steroid", "Corticosteroid", "What the cortisone injection does."), *OTHER_TOPICS]


def test_a_spelling_correction_never_turns_one_clinical_word_into_another(page):
    """A word search knows (here from the thesaurus, which keeps clinical words no entry uses) is never corrected;
    nor is a word two letters longer or shorter than the nearest indexed word ("palpitations", "palpation"):
    that is another word, not a slip. A true slip ("cortizone") is still read as the word meant."""
    heart = {"terms": ["palpitations", "racing heart"], "misspellings": []}
    known, unknown, slip = ask(page, small_index(PALPATION, thesaurus=[heart]), "palpitations", "palpitation", "cortizone")
    assert "causes/technique/#landmark" not in locations(known)
    assert "causes/technique/#landmark" not in locations(unknown)
    assert locations(slip)[0] == "faq/#steroid"


def test_the_worker_tells_the_page_what_it_read_and_what_the_first_result_lacks(page, site_index):
    """On its "kb-search" channel, after each answer: the words it corrected, as a reader writes them, and the
    typed words the first result does not have ("calf" in a KB with no calf entry)."""
    said = page.evaluate("""async ([index, queries]) => {
        const heard = [];
        const channel = new BroadcastChannel("kb-search");
        channel.onmessage = (event) => heard.push(event.data);
        const engine = window.engine(index);
        for (const query of queries) await engine.ask(query);
        await new Promise((resolve) => setTimeout(resolve, 200));
        engine.stop();
        channel.close();
        return heard;
    }""", [small_index(PALPATION), ["cortizone", "cortisone zebra"]])
    assert said[0] == {"query": "cortizone", "read": [{"typed": "cortizone", "as": "cortisone"}], "lacking": []}
    assert said[1]["read"] == [] and said[1]["lacking"] == ["zebra"]


BRUISE_PAGES = [
    ("red-flags/#fracture", "Insufficiency fracture", "Trauma and a bruise make a fracture after an injection likelier."),
    ("faq/#repeat", "Should the injection be repeated?", "A second injection can help."), *OTHER_TOPICS]


def test_a_red_flag_that_only_mentions_an_everyday_word_does_not_open_the_results(page):
    """A red flag opens the results for a sign of the query that it names, or a word of its title; its passing
    mention of a bruise does not make it the answer to "bruising after injection"."""
    bruise, fracture = ask(page, small_index(BRUISE_PAGES, urgent=["red-flags/#fracture"]),
                           "bruising after injection", "fracture after injection")
    assert locations(bruise)[0] != "red-flags/#fracture" and "red-flags/#fracture" in locations(bruise)
    assert locations(fracture)[0] == "red-flags/#fracture"


def type_in_search(ctx, server, query):
    """A new page of the site with query typed into the real search box, once search says what it read."""
    page = ctx.new_page()
    page.goto(server)
    page.evaluate("() => { const toggle = document.getElementById('__search');"
                  " toggle.checked = true; toggle.dispatchEvent(new Event('change')); }")
    box = page.locator("input.md-search__input")
    box.focus()
    box.press_sequentially(query, delay=10)
    page.locator(".kb-search-read").filter(has_text="Showing results for").wait_for(timeout=10_000)
    return page


def test_the_reader_sees_what_search_read_written_as_text(browser, server):
    """Typed in the real box: "Showing results for" the corrected query, with what was typed shown as text, never
    as markup."""
    ctx = browser.new_context()
    notice = type_in_search(ctx, server, "<b>cortizone</b> menicsus").locator(".kb-search-read")
    assert "Showing results for <b>corticosteroid</b> meniscus" in notice.inner_text()
    assert notice.locator("b").count() == 0
    ctx.close()


def test_a_search_in_another_tab_never_changes_what_this_tab_says_it_read(browser, server):
    """The worker's reading reaches every open tab of the site: each tab shows only the reading of its own query."""
    ctx = browser.new_context()
    first = type_in_search(ctx, server, "cortizone menicsus")
    second = type_in_search(ctx, server, "tendon ruptre")
    second.locator(".kb-search-read").filter(has_text="rupture").wait_for(timeout=10_000)
    first.wait_for_timeout(300)
    assert "Showing results for corticosteroid meniscus" in first.locator(".kb-search-read").inner_text()
    assert "rupture" not in first.locator(".kb-search-read").inner_text()
    ctx.close()
