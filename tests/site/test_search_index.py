"""What the built site's search index holds and who reads it: reader pages only, each entry's keywords (on no
page), the thesaurus in the index's config, and the site's own search worker named to the theme."""
from __future__ import annotations

import json
import re

import yaml

from conftest import ROOT
from macros.kb.search import KEYWORD_FIELD, LINK_LINES, STOP_WORDS
from sitecheck import unlocated_config_addresses
from tests.support.search import QUERY_SETS, SAFETY_FILE
from tests.support.search import read_index


def index_of(site):
    return read_index(site)


def test_project_pages_stay_out_of_search_and_the_changelog_stays_in(site):
    pages = {doc["location"].split("#")[0] for doc in index_of(site)["docs"]}
    assert not pages & {"contributing/", "benchmarks/", "lighthouse/"}
    assert "changelog/" in pages and "faq/" in pages


def test_keywords_reach_the_index_of_the_entry_they_belong_to(site, kb):
    def kb_entries_of(kind):
        return {"faq": kb.faq, "step": kb.steps, "alternative": kb.alternatives}[kind]

    docs = {doc["location"]: doc for doc in index_of(site)["docs"]}
    assert "radiculopathy" in docs["causes/alternative-pathology/#neuropathic-pain"][KEYWORD_FIELD].lower()
    assert "radiculopathy" not in docs["causes/delayed-effect/#onset-takes-time"].get(KEYWORD_FIELD, "").lower()
    # FAQ answers, approach steps and alternatives have search words of their own too.
    for location, kind in (("faq/#", "faq"), ("approach/#", "step"), ("alternatives/#", "alternative")):
        for entry in kb_entries_of(kind):
            keywords = docs[location + entry.id].get(KEYWORD_FIELD, "").lower()
            assert all(word.lower() in keywords for word in entry.synonyms), entry.id


def test_the_index_config_names_red_flags_and_facets_by_the_index_s_own_locations(site):
    assert unlocated_config_addresses(index_of(site)) == []


def test_the_index_config_carries_the_thesaurus_and_the_common_words(site, kb):
    config = index_of(site)["config"]["kb"]
    assert len(config["thesaurus"]) == len(kb.thesaurus) and config["stop"] == list(STOP_WORDS)
    assert "knee" in config["context"]


def test_glossary_references_and_index_pages_rank_below_facets_and_faq_answers(site):
    boost = {doc["location"]: doc.get("boost", 1) for doc in index_of(site)["docs"]}
    facet, faq = boost["causes/inadequate-dosage/#body-size-not-considered"], boost["faq/#how-long-to-wait"]
    for lower in ("glossary/#corticosteroid", "references/", "conditions/", "regions/",
                  "causes/inadequate-dosage/#references"):
        assert boost[lower] < min(facet, faq), lower


def test_keywords_are_on_no_page(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Also searched as" not in html, page
        assert "diabeetus" not in html and "kenolog" not in html, page  # misspellings from the thesaurus


def test_every_page_points_the_theme_at_the_site_s_own_search_worker(site):
    """The theme's worker address is replaced in overrides/main.html; a new theme version renames its worker,
    and this fails rather than search quietly falling back to lunr."""
    assert (site / "assets" / "kb-search.js").is_file()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'id="__config"' not in html:
            continue
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)[1])
        assert config["search"].endswith("assets/kb-search.js"), page
        assert "workers/search." not in html, page


def test_the_lines_of_links_that_end_an_entry_stay_out_of_its_indexed_text(site):
    """"Related: ..." on a facet would make it a match for every facet it names."""
    for doc in index_of(site)["docs"]:
        assert not re.search(r"<p>(?:Related|Sources|Red flags|Conditions and regions|Cited in): ", doc["text"]), \
            doc["location"]
    docs = {doc["location"]: doc for doc in index_of(site)["docs"]}
    assert "Body size not taken into account" not in docs["causes/improper-technique/#wrong-depth"]["text"]
    assert "tendon" in docs["causes/improper-technique/#wrong-depth"]["text"]  # the entry's own text stays


def test_every_answer_of_every_query_set_is_an_address_search_can_return(site):
    """The query sets (tuning, in queries.yaml, dev.yaml and dev-*.yaml, and held-out) name right answers
    by address; an entry renamed or moved must not leave a query pointing at nothing."""
    locations = {doc["location"] for doc in index_of(site)["docs"]}
    for path in sorted((ROOT / "tests" / "search").glob("*.yaml")):
        if path == SAFETY_FILE:
            continue  # its red flags are checked against the KB by the safety test
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            missing = [answer for answer in item["answers"] if answer not in locations]
            assert not missing, f"{path.name}: {item['query']!r} names {missing}"


def test_every_line_of_links_the_templates_write_is_one_search_leaves_out():
    """LINK_LINES repeats the labels the templates give their lines of links; a new label must join it, or its
    links would make the entry a match for every idea they name."""
    labels = set()
    for template in (ROOT / "macros" / "templates").glob("*.j2"):
        labels |= set(re.findall(r"\*\*([^*]+):\*\* (?:\{%[^%]*%\})?\{\{ m\.links\(", template.read_text(encoding="utf-8")))
    assert labels and labels <= set(LINK_LINES), sorted(labels - set(LINK_LINES))


def test_every_query_set_in_tests_search_is_measured_by_the_benchmark():
    """A new query set left out of QUERY_SETS would be written and never counted (safety.yaml is a test, not a set)."""
    listed = [file for files in QUERY_SETS.values() for file in files] + [SAFETY_FILE.name]
    assert sorted(listed) == sorted(path.name for path in (ROOT / "tests" / "search").glob("*.yaml"))
