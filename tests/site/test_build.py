"""The strictly built site: every entry has its page and anchor, and the export matches the KB."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from macros.kb.export import export_kb
from macros.kb.kinds import KINDS
from macros.kb.urls import url_of
from sitecheck import broken_links, read_page, read_site
from tests.support.search import read_index

BASE_URL = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def pages(site):
    return read_site(site)


def page_of(site: Path, url: str):
    path = url.split("#")[0]
    return read_page(site / path / "index.html" if not path.endswith(".html") else site / path)


def test_every_cause_has_a_page_with_one_anchored_section_per_facet(site, kb):
    for cause in kb.causes:
        page = page_of(site, url_of(cause))
        assert cause.title in page.title
        for facet in cause.facets:
            assert facet.id in page.ids, f"{cause.id} page has no #{facet.id}"
            assert facet.title in page.text


@pytest.mark.parametrize("kind", [k for k in KINDS if k.addressed and k.anchored], ids=lambda k: k.name)
def test_every_published_entry_is_anchored_on_its_page(site, kb, kind):
    published = [e for e in getattr(kb, kind.attr) if kind.is_published(e)]
    assert published
    for entry in published:
        page_url, anchor = url_of(entry).split("#")
        assert anchor in page_of(site, page_url).ids, url_of(entry)


def test_uncited_references_are_not_published(site, kb):
    uncited = [r.id for r in kb.references if not r.cited_by]
    ids = page_of(site, "references/").ids
    assert uncited and not [i for i in uncited if i in ids]


def test_every_check_is_an_item_on_the_checklist(site, kb):
    ids = page_of(site, "checklist/").ids
    assert [c.id for f in kb.facets for c in f.checks if c.id not in ids] == []


def test_condition_and_region_indexes_link_every_facet_that_mentions_them(site, kb):
    for item in kb.conditions + kb.regions:
        page_url, anchor = url_of(item).split("#")
        html = (site / page_url / "index.html").read_text(encoding="utf-8")
        section = html.split(f'id="{anchor}"')[1].split("<h2")[0]
        for facet in item.facets:
            assert f'#{facet.id}"' in section, f"{item.id} does not link {facet.id}"


def test_home_page_explains_shows_cause_cards_and_the_disclaimer(site, kb):
    home = read_page(site / "index.html")
    assert "Educational material, not medical advice" in home.text
    for cause in kb.causes:
        assert f"{cause.order}. {cause.title}" in home.text
        assert f"causes/{cause.id}/" in " ".join(home.links)


def test_navigation_lists_every_cause_in_order(site, kb):
    html = (site / "causes" / "index.html").read_text(encoding="utf-8")
    nav = html.split('class="md-nav md-nav--primary"')[1]
    positions = [nav.find(f'href="../causes/{c.id}/"') if f'href="../causes/{c.id}/"' in nav else nav.find(f'href="{c.id}/"')
                 for c in kb.causes]
    assert all(p > 0 for p in positions), positions
    assert positions == sorted(positions)


def test_every_page_has_a_title_and_a_meta_description(pages):
    for rel, page in pages.items():
        if rel == "404.html":
            continue
        assert page.title.strip(), rel
        assert page.description and len(page.description) > 40, rel


def test_disclaimer_is_in_the_footer_of_every_page(pages):
    assert [rel for rel, page in pages.items() if "not medical advice" not in page.text] == []


def test_every_internal_link_and_anchor_resolves(site, pages):
    assert broken_links(site, pages) == []


def test_kb_json_validates_against_its_published_schema(site):
    data = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "kb.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)


def test_kb_json_matches_the_kb_exactly(site, kb):
    published = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(export_kb(kb, BASE_URL)))
    assert [c["id"] for c in published["causes"]] == [c.id for c in kb.causes]
    facet = published["causes"][0]["facets"][0]
    assert facet["url"] == BASE_URL + f"causes/{kb.causes[0].id}/#{kb.causes[0].facets[0].id}"
    assert published["version"] == kb.meta.version


def test_kb_json_urls_point_at_real_anchors(site):
    published = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    urls = [f["url"] for c in published["causes"] for f in c["facets"]] + [e["url"] for e in published["faq"]]
    for url in urls:
        page_url, anchor = url.removeprefix(BASE_URL).split("#")
        assert anchor in page_of(site, page_url).ids, url


def test_the_kb_version_is_in_every_page_footer(pages, kb):
    assert [rel for rel, page in pages.items() if f"Knowledge base version {kb.meta.version}" not in page.text] == []


def test_the_changelog_page_lists_every_release_of_meta(site, kb):
    page = page_of(site, "changelog/")
    for change in kb.meta.changelog:
        assert f"v{change.version.replace('.', '-')}" in page.ids
        assert all(" ".join(item.text.split()) in page.text for item in change.changes)


def test_the_contributor_guide_is_published_on_the_site(site):
    page = page_of(site, "contributing/")
    assert "make new-facet" in page.text and "Renaming or removing an entry" in page.text


def test_the_training_page_shows_real_deep_links(site, kb):
    page = page_of(site, "training/")
    facet = kb.causes[0].facets[0]
    assert f"causes/{kb.causes[0].id}/#{facet.id}" in page.text
    assert f"version {kb.meta.version}" in page.text


def test_each_cause_page_shows_its_review_and_numbered_references(site, kb):
    for cause in kb.causes:
        html = (site / "causes" / cause.id / "index.html").read_text(encoding="utf-8")
        text = read_page(site / "causes" / cause.id / "index.html").text
        review = cause.reviewed
        assert (f"Last reviewed {review.on} by {review.by}; next review due {review.next}" if review.done
                else f"Draft: checked {review.on} by {review.by}; clinical review due by {review.next}") in text
        for number, ref in enumerate(cause.references, start=1):
            assert f'href="#cite-{ref.id}"' in html and f'id="cite-{ref.id}"' in html
            assert f">[{number}]</a>" in html


def test_each_facet_shows_its_evidence_badge(site, kb):
    from macros.kb.render import EVIDENCE_LABELS

    for cause in kb.causes:
        html = (site / "causes" / cause.id / "index.html").read_text(encoding="utf-8")
        sections = html.split('class="kb-facet-heading"')[1:]
        assert len(sections) == len(cause.facets)
        for facet, section in zip(cause.facets, sections, strict=True):
            assert f'kb-badge--{facet.evidence}">{EVIDENCE_LABELS[facet.evidence]}<' in section, facet.id


def test_no_editors_note_on_a_reference_reaches_any_page_or_the_export(site):
    """A reference's `note` says how it was checked: for editors only, never shown to readers. A frozen release
    (v/<version>/) is published byte for byte as it was cut and may hold, as a finding, a remark that the verified
    list has since moved into a note; v/latest/ and everything this build draws are checked."""
    notes = [" ".join(r["note"].split()) for r in yaml.safe_load((ROOT / "kb" / "references.yaml").read_text(encoding="utf-8"))
             if r.get("note")]
    assert len(notes) >= 10  # the verified list does carry notes: this test looks for something real
    leaked = {}
    for path in [*site.rglob("*.html"), *site.rglob("*.json"), *site.rglob("*.xml")]:
        if re.fullmatch(r"v/\d+\.\d+\.\d+/.*", path.relative_to(site).as_posix()):
            continue
        text = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
        found = [n[:60] for n in notes if n in text or n.replace("'", "&#39;") in text]
        if found:
            leaked[str(path.relative_to(site))] = found
    assert leaked == {}


def test_every_page_is_marked_as_british_english(site):
    assert [str(p.relative_to(site)) for p in site.rglob("*.html")
            if '<html lang="en-GB"' not in p.read_text(encoding="utf-8") and "redirect" not in p.read_text(encoding="utf-8")] == []


def test_each_evidence_badge_says_which_claim_it_grades(site, kb):
    for cause in kb.causes:
        text = page_of(site, url_of(cause)).text
        for facet in cause.facets:
            assert f"Claim graded: {' '.join(facet.evidence_claim.split())}" in text, facet.id


def test_citation_markers_link_to_the_numbered_sources_and_stay_out_of_search(site, kb):
    cause = max(kb.causes, key=lambda c: len(c.references))
    html = (site / "causes" / cause.id / "index.html").read_text(encoding="utf-8")
    markers = re.findall(r'<a class="kb-cite" data-search-exclude href="#cite-([a-z0-9-]+)"[^>]*>\[(\d+)\]</a>', html)
    assert markers, "no citation markers drawn"
    page = page_of(site, url_of(cause))
    assert all(f"cite-{ref}" in page.ids for ref, _n in markers)
    index = read_index(site)
    texts = [d["text"] for d in index["docs"] if d["location"].startswith(f"causes/{cause.id}/")]
    assert texts and not any(re.search(r"\[\d+\]", text) for text in texts)


# The seed's facts, each as a word a reader finds on the KB's pages. The seed's "genetic polymorphisms" are written
# "gene variants" and its "biomarkers" a "predictor" of response; both are on the page as doubtful claims.
SEED_FACTS = [
    "referred", "carpal tunnel", "cubital tunnel", "rheumatoid", "psoriatic", "nerve conduction", "electromyograph",
    "ultrasound", "fluoroscop", "subacromial", "septic arthritis", "cellulitis", "synovial fluid", "body mass",
    "local anaesthetic", "cartilage", "osteophyte", "epidural", "ligamentum flavum", "neovascular", "gene variant",
    "diabetes", "anxiety", "catastrophi", "predictor", "meniscal tear", "trigger point", "thoracic outlet",
    "peripheral artery", "post-herpetic", "anticonvulsant", "antidepressant", "cytokine", "prostaglandin", "flare",
    "deltoid", "glenohumeral", "facet joint", "trochanteric", "gluteal", "median nerve", "physiotherap",
    "surgery", "regenerative", "disease-modifying",
]
# The pages the KB writes for readers (not the project's own pages, not the references' titles).
KB_PAGES = ("./", "causes/", "glossary/", "faq/", "approach/", "alternatives/", "red-flags/", "sites/", "conditions/",
            "regions/", "checklist/")


def test_every_fact_of_the_seed_is_on_a_page_readers_see(pages):
    """Only what a reader sees counts: search words and the thesaurus reach no page (test_search_index.py)."""
    text = " ".join(page.text for rel, page in pages.items()
                    if any(rel.startswith(prefix) for prefix in KB_PAGES if prefix != "./") or rel == "index.html").lower()
    assert [fact for fact in SEED_FACTS if fact not in text] == []
