"""A build with a real address is publishable as it is: no local address, robots.txt, licences, the review gate,
structured data, link previews, the report and edit links, a noindex preview, and a deploy workflow that passes its linter."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from macros.kb.review import text_fingerprint

from conftest import ROOT, build_site, copy_project
from macros.kb.kinds import kind_of, source_file
from macros.kb.urls import page_url, source_of, url_of
from sitecheck import read_page
from tests.support.search import read_index

PUBLISHED = "https://kb.example.org/cortisone/"
REPOSITORY = "https://git.example.org/editors/cortisone-kb"
LOCAL_ADDRESS = re.compile(r"https?://(127\.0\.0\.1|localhost)|127\.0\.0\.1:8000")
DRAFT_BANNER = "Draft: not yet clinically reviewed"


def build_published(project: Path, out: Path) -> Path:
    """Build project strictly as the CI workflow does: with the published address and the repository."""
    with mock.patch.dict(os.environ, {"SITE_URL": PUBLISHED, "KB_REPOSITORY": REPOSITORY}):
        result = build_site(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once with a real address, as it would be published."""
    return build_published(ROOT, tmp_path_factory.mktemp("published"))


class _Head(HTMLParser):
    """The meta tags, JSON-LD blocks and report links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self.reports: list[str] = []
        self.licence_links: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        elif tag == "a" and "kb-report" in values.get("class", "").split():
            self.reports.append(values["href"])
        elif tag == "a" and "license" in values.get("rel", "").split():
            self.licence_links.append(values["href"])

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False


def head_of(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def cause_page(site: Path, cause) -> Path:
    return site / "causes" / cause.id / "index.html"


def test_a_published_build_names_no_local_address_anywhere(published):
    found = []
    for path in sorted(published.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".css", ".txt", ".js"}:
            for match in LOCAL_ADDRESS.finditer(path.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{path.relative_to(published)}: {match.group(0)}")
    assert found == []


def test_every_artefact_that_gives_an_address_gives_the_published_one(published, kb):
    assert f"<loc>{PUBLISHED}causes/{kb.causes[0].id}/</loc>" in (published / "sitemap.xml").read_text(encoding="utf-8")
    data = json.loads((published / "kb.json").read_text(encoding="utf-8"))
    assert all(c["url"] == PUBLISHED + url_of(cause) for c, cause in zip(data["causes"], kb.causes, strict=True))
    assert PUBLISHED in (published / "assets" / "print-footer.css").read_text(encoding="utf-8")
    training = (published / "training" / "index.html").read_text(encoding="utf-8")
    assert f"{PUBLISHED}causes/{kb.causes[0].id}/" in training
    assert f"version {kb.meta.version}. {PUBLISHED} (accessed YYYY-MM-DD)" in training
    assert f'<link rel="canonical" href="{PUBLISHED}training/">' in training


def test_robots_txt_names_the_sitemap_at_the_published_address(published):
    robots = (published / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PUBLISHED}sitemap.xml" in robots.splitlines()
    assert "Disallow: /" not in robots


def test_every_page_names_the_licences_in_its_footer_and_kb_json_carries_them(published, kb):
    content = kb.meta.content_licence
    assert content.name == "CC BY 4.0" and content.url == "https://creativecommons.org/licenses/by/4.0/"
    for path in sorted(published.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "md-copyright" not in text:
            continue  # a redirect page
        assert head_of(path).licence_links == [content.url], path
        assert f"{content.name}</a>; code under" in text and f">{kb.meta.code_licence.name}</a>" in text
    data = json.loads((published / "kb.json").read_text(encoding="utf-8"))
    assert data["licence"] == {"content": {"name": "CC BY 4.0", "url": content.url},
                               "code": {"name": kb.meta.code_licence.name, "url": kb.meta.code_licence.url}}


def test_the_licence_files_name_the_licences_the_site_states(kb):
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert kb.meta.content_licence.url in (ROOT / "LICENSE-content.md").read_text(encoding="utf-8")


def test_draft_causes_show_the_banner_and_are_kept_out_of_search_engines(published, kb):
    drafts = [c for c in kb.causes if not c.reviewed.done]
    assert drafts, "the test needs a draft cause"
    for cause in drafts:
        text = cause_page(published, cause).read_text(encoding="utf-8")
        assert DRAFT_BANNER in text and "admonition warning" in text
        assert head_of(cause_page(published, cause)).meta.get("robots") == "noindex"
    for name in ("index.html", "checklist/index.html", "about/index.html"):
        assert "robots" not in head_of(published / name).meta, name


def test_the_home_page_says_the_content_is_a_draft_below_the_red_flags(published, kb):
    text = (published / "index.html").read_text(encoding="utf-8")
    drafts = [c for c in kb.causes if not c.reviewed.done]
    assert drafts and DRAFT_BANNER in text and "clinical review yet" in text
    assert text.index(f'href="red-flags/#{kb.red_flags[0].id}"') < text.index(DRAFT_BANNER) < text.index('id="the-eight-causes"')


def test_cause_pages_carry_medical_web_page_data_that_claims_no_review_for_a_draft(published, kb):
    for cause in kb.causes:
        blocks = head_of(cause_page(published, cause)).jsonld
        assert len(blocks) == 1
        assert "<" not in blocks[0]
        data = json.loads(blocks[0])
        assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
        assert (data["name"], data["description"], data["url"]) == (cause.title, cause.summary, PUBLISHED + url_of(cause))
        assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Clinician"}
        assert data["license"] == kb.meta.content_licence.url
        assert [c["name"] for c in data["citation"]] == [r.title for r in cause.references]
        assert {c["url"] for c in data["citation"]} <= {r.url for r in kb.references}
        conditions = {c.name for f in cause.facets for c in f.conditions}
        assert {a["name"] for a in data["about"]} == conditions and all(a["@type"] == "MedicalCondition"
                                                                        for a in data["about"])
        if not cause.reviewed.done:
            assert "lastReviewed" not in data and "reviewedBy" not in data


def test_a_reviewed_cause_states_its_review_and_loses_the_draft_banner(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / "kb" / "causes" / "delayed-effect.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  status: draft\n", "  status: reviewed\n", 1)
    text = text.replace("by: editorial team (awaiting clinical review)", "by: consultant rheumatologist", 1)
    # The review names the text it covered (macros/kb/review.py): the fingerprint of the cause as it stands.
    due = next(line for line in text.splitlines() if line.startswith('  "next": '))
    text = text.replace(due, f"{due}\n  fingerprint: {text_fingerprint(yaml.safe_load(text))}", 1)
    path.write_text(text, encoding="utf-8")
    site = build_published(project, tmp_path / "site")
    page = site / "causes" / "delayed-effect" / "index.html"
    head = head_of(page)
    data = json.loads(head.jsonld[0])
    review = yaml.safe_load(text)["reviewed"]
    assert data["lastReviewed"] == review["on"]
    assert data["reviewedBy"] == {"@type": "Organization", "name": "consultant rheumatologist"}
    assert DRAFT_BANNER not in page.read_text(encoding="utf-8") and "robots" not in head.meta
    assert f"Last reviewed {review['on']} by consultant rheumatologist" in read_page(page).text


def test_every_page_has_open_graph_title_and_description(published):
    for path in sorted(published.rglob("*.html")):
        if "md-copyright" not in path.read_text(encoding="utf-8"):
            continue  # a redirect page
        meta = head_of(path).meta
        assert meta.get("og:title") and meta.get("og:description"), path
        assert meta.get("og:url", PUBLISHED).startswith(PUBLISHED), path


def edit_links(path: Path) -> set[str]:
    """The page's "Edit this entry" addresses."""
    return set(re.findall(r'<a class="kb-edit" href="([^"]+)" data-search-exclude>Edit this entry</a>',
                          path.read_text(encoding="utf-8")))


def report_links(path: Path) -> dict[str, list[dict[str, str]]]:
    """The page's report links by the entry id they name: each link's address and pre-filled query."""
    found: dict[str, list[dict[str, str]]] = {}
    for href in head_of(path).reports:
        url = urlsplit(href)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        query["issues_new"] = f"{url.scheme}://{url.netloc}{url.path}"
        entry_id = query["entry"]
        found.setdefault(entry_id, []).append(query)
    return found


# Checklist items are questions about their facet: the facet's own link is the way to report one.
# Thesaurus groups are never shown: they only widen search, and a wrong word is reported from its entry.
NOT_REPORTED = {"check", "synonyms"}


def test_every_entry_links_a_prefilled_report_with_its_id_version_and_address_only(published, kb):
    pages: dict[str, dict[str, list[dict[str, str]]]] = {}
    checked = set()
    for entry in kb.entries:
        if kind_of(entry).name in NOT_REPORTED:
            continue
        page = source_of(entry)[0]
        if page not in pages:
            pages[page] = report_links(published / page_url(page) / "index.html")
        reports = pages[page].get(entry.id, [])
        assert len(reports) == 1, f"{entry.id}: {len(reports)} report links on {page}"
        query = reports[0]
        assert set(query) == {"template", "title", "entry", "version", "address", "issues_new"}
        assert query["issues_new"] == f"{REPOSITORY}/issues/new" and query["template"] == "content-report.yml"
        assert f"'{entry.id}'" in query["title"] and kb.meta.version in query["title"]
        assert (query["entry"], query["version"], query["address"]) == (entry.id, kb.meta.version,
                                                                         f"{PUBLISHED}{url_of(entry)}")
        edits = edit_links(published / page_url(page) / "index.html")
        assert f"{REPOSITORY}/edit/main/{source_file(entry)}" in edits, entry.id
        assert all((ROOT / e.removeprefix(f"{REPOSITORY}/edit/main/")).is_file() for e in edits), page
        checked.add(kind_of(entry).name)
    assert checked >= {"cause", "facet", "faq", "step", "alternative", "condition", "region", "term", "reference",
                       "red-flag", "site", "timeline", "case", "case-step", "aftercare"}
    # No page links a report for an entry it does not hold.
    for page, reports in pages.items():
        held = {e.id for e in kb.entries if source_of(e)[0] == page}
        assert set(reports) <= held, page


def test_report_links_stay_out_of_the_search_index_and_off_paper(published):
    index = read_index(published)
    # The about page explains the link in words; no entry's text carries the link's own.
    assert not [d["location"] for d in index["docs"] if "Report a problem" in d["text"] and not d["location"].startswith("about/")]
    faq = (published / "faq" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="kb-report" href="[^"]+" data-search-exclude>Report a problem with this entry</a>', faq)
    css = (published / "assets" / "extra.css").read_text(encoding="utf-8")
    assert re.search(r"@media print \{ \.md-typeset \.kb-report \{ display: none; \} \}", css)
    assert re.search(r"@media print \{ \.md-typeset \.kb-edit \{ display: none; \} \}", css)
    assert not [d["location"] for d in index["docs"] if "Edit this entry" in d["text"] and not d["location"].startswith("about/")]


def test_the_about_page_states_the_purpose_the_review_process_and_safety_reports(published):
    text = (published / "about" / "index.html").read_text(encoding="utf-8")
    for phrase in ("education and as a reasoning aid", "does not diagnose", "does not score",
                   "does not advise doses", "Clinical review", "Report a problem with this entry",
                   "handled first", "CC BY 4.0"):
        assert phrase in text, phrase


def test_the_training_page_tells_how_to_credit_reused_text(published):
    text = (published / "training" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in text and "credit" in text


WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def test_the_pages_workflow_passes_the_workflow_linter():
    result = subprocess.run([str(Path(sys.executable).parent / "zizmor"), "--offline", "--no-progress",
                             "--format", "plain", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_workflow_builds_with_the_published_address_and_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("run") == "make build BUILD_ONLY=1")
    assert build["env"]["SITE_URL"].startswith("${{ steps.pages.outputs.base_url }}")
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") and s["with"]["path"] == "site"
               for s in steps)
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in workflow["jobs"]["deploy"]["steps"])
    # Every action is pinned to a full commit, not a tag that can move.
    uses = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_a_preview_build_keeps_every_page_out_of_search_engines_and_a_published_one_only_drafts(tmp_path, published, kb):
    # The pull-request workflow's artefact is built with KB_PREVIEW=1 (.github/workflows/pull-request.yml).
    with mock.patch.dict(os.environ, {"KB_PREVIEW": "1"}):
        result = build_site(ROOT, tmp_path / "preview")
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted((tmp_path / "preview").rglob("index.html"))
    assert len(pages) > 20
    assert [p for p in pages if head_of(p).meta.get("robots") != "noindex"] == []
    # Published, the home page may be indexed: only draft causes say noindex.
    assert "robots" not in head_of(published / "index.html").meta
