"""What the built site's search index holds: reader pages only, each entry's keywords, none of them on a page."""
from __future__ import annotations

import json

from macros.kb.search import NAME_FIELD, KEYWORD_FIELD


def index_of(site):
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_project_pages_stay_out_of_search_and_the_changelog_stays_in(site):
    pages = {doc["location"].split("#")[0] for doc in index_of(site)["docs"]}
    assert not pages & {"contributing/", "benchmarks/", "lighthouse/"}
    assert "changelog/" in pages and "faq/" in pages


def test_keywords_reach_the_index_of_the_entry_they_belong_to(site):
    docs = {doc["location"]: doc for doc in index_of(site)["docs"]}
    facet = docs["causes/inadequate-dosage/#body-size-not-considered"]
    assert "heavy" in facet[NAME_FIELD].split() and "obesity" in facet[NAME_FIELD].split()
    assert "sciatica" in docs["causes/alternative-pathology/#neuropathic-pain"][KEYWORD_FIELD]
    assert "heavy" not in docs["causes/delayed-effect/#onset-takes-time"].get(NAME_FIELD, "").split()


def test_keywords_are_on_no_page(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Also searched as" not in html, page
        assert "diabeetus" not in html and "kenolog" not in html, page  # misspellings from the thesaurus
