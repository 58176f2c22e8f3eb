"""Search finds what clinicians type: the query sets (tests/search/) asked of the site's own search worker, online
and in the offline copy, read as a reader sees the results (tests/support/search.py; the parity test holds that
reading to the real box). A query passes when a right answer is among the first three result links.

These are a benchmark held by a floor, not one test per query: one query does not decide CI. The tuning set
(queries.yaml, dev.yaml, dev-*.yaml) is what search is tuned against; the held-out set (heldout.yaml) was written
with queries.yaml, before any tuning, and is never tuned against. Both must reach the 90% target (`make bench`
reports the figures). The held-out failures are not listed on purpose: fixing them one by one would make the
held-out set a tuning set.
"""
from __future__ import annotations

import pytest

from sitecheck import unlocated_config_addresses
from tests.support.search import TARGET, TRACK_SEARCH, open_search, read_index, score, site_address

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("copy", ["online", "offline"])
def test_the_tuning_queries_find_their_entry_among_the_first_three_links(worker_of, copy):
    result = score(worker_of(copy), "tuning", copy)
    failures = "\n".join(f"  {query!r}: {links}" for query, links in result.failures)
    assert result.ratio >= TARGET, f"{result}, target {TARGET:.0%}; failing:\n{failures}"


# The held-out set, measured a few times and never read: 36/48 (75%) when the search worker landed, 41/48
# (85%) once page headings over matching entries stopped being links, 45/48 (94%) with red flags for symptoms,
# search words for FAQ answers, the larger thesaurus and referred pain between two regions. It is now held to
# the same 90% target as the tuning set.
@pytest.mark.parametrize("copy", ["online", "offline"])
def test_the_held_out_queries_find_their_entry_among_the_first_three_links(worker_of, copy):
    result = score(worker_of(copy), "held-out", copy)
    ratio, summary = result.ratio, str(result)  # plain values: pytest would print the failures of the object
    assert ratio >= TARGET, f"{summary}, target {TARGET:.0%} (failures not listed: never tune against them)"


@pytest.mark.parametrize("query", ["a", "the", "how", "is it"])
def test_common_words_and_single_letters_match_nothing(online_worker, query):
    assert online_worker.links([query]) == [[]]


def test_a_search_that_matches_nothing_says_so_in_the_box(browser, server):
    ctx = browser.new_context()
    ctx.add_init_script(TRACK_SEARCH)
    box = open_search(ctx, server)
    assert box.search("the") == []
    assert box.page.locator(".md-search-result__meta").inner_text() == "No matching documents"
    ctx.close()


def test_a_misspelling_from_the_thesaurus_finds_the_entry(online_worker):
    assert "glossary/#corticosteroid" in online_worker.first_links("cortizone")


def test_snippets_are_short_enough_for_a_phone(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    ctx.add_init_script(TRACK_SEARCH)
    box = open_search(ctx, server)
    box.search("steroid injection knee")
    heights = box.page.locator(".md-search-result__article").evaluate_all(
        "articles => articles.filter(a => a.offsetParent !== null).slice(0, 6).map(a => a.getBoundingClientRect().height)")
    ctx.close()
    assert heights and max(heights) <= 160, f"result heights in px on a phone: {heights}"


def test_keywords_and_the_thesaurus_reach_the_offline_index_too(offline_copy):
    index = read_index(offline_copy)
    docs = {doc["location"]: doc for doc in index["docs"]}
    assert "radiculopathy" in docs["causes/alternative-pathology.html#neuropathic-pain"]["keywords"]
    assert any("cortizone" in group["misspellings"] for group in index["config"]["kb"]["thesaurus"])
    # The red flags' addresses are written as the offline index writes locations ("red-flags.html#..."), or
    # no red flag would ever come first offline.
    assert unlocated_config_addresses(index) == []


@pytest.mark.parametrize("href, root, address", [
    ("http://127.0.0.1:8000/causes/x/?h=knee#facet", "http://127.0.0.1:8000/", "causes/x/#facet"),
    ("http://127.0.0.1:8000/?h=a", "http://127.0.0.1:8000/", ""),
    ("file:///tmp/site/causes/x.html?h=knee#facet", "file:///tmp/site/", "causes/x/#facet"),
    ("file:///tmp/site/index.html", "file:///tmp/site/", ""),
    ("file:///tmp/site/faq.html#how-long-to-wait", "file:///tmp/site/", "faq/#how-long-to-wait"),
])
def test_result_links_are_read_as_the_online_site_addresses(href, root, address):
    assert site_address(href, root) == address
