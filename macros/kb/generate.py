"""Files the site generates from the KB: a page per cause, kb.json, robots.txt and the printed-page footer.

Plain Python, no mkdocs: any renderer can take these files as they are. A generated page carries
its whole content; nothing in it is run as a template (`render_macros: false`), and its front
matter is written by a YAML serialiser, so no KB text can end it early or add keys to it.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

import yaml

from .aftercare import sheet_pages
from .export import export_files
from .model import KnowledgeBase
from .publish import DRAFT_ROBOTS, address_problem, cause_structured_data, robots_txt, script_json
from .render import Renderer
from .review import changed_since_review, review_rows
from .urls import page_url, source_of

PRINT_FOOTER_CSS = "assets/print-footer.css"
ROBOTS_TXT = "robots.txt"
GENERATED_MARK = "generated_from_kb"  # front matter of a generated page: not a hand-written one (pages.py)


def front_matter(meta: dict) -> str:
    """A page's YAML front matter block, written by the serialiser (never by string concatenation)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when PyYAML has it: ten times faster
    return "---\n" + yaml.dump(meta, Dumper=dumper, allow_unicode=False, sort_keys=False, width=10_000) + "---\n\n"


def cause_pages(kb: KnowledgeBase, renderer: Renderer | None = None, site_url: str = "",
                repository: str = "") -> dict[str, str]:
    """Each cause's page source (front matter and Markdown body) by its path, e.g. causes/delayed-effect.md.

    A draft cause (not yet clinically reviewed) says so at the top and asks search engines not to index it."""
    renderer = renderer or Renderer(kb, site_url, repository)
    pages = {}
    for cause in kb.causes:
        src = source_of(cause)[0]
        # Facets rank with red flags in search, above the glossary and references (macros/kb/search.py).
        # The theme writes the description into an attribute without escaping it: it must arrive escaped.
        meta = {"title": cause.title, "description": html.escape(cause.summary), "search": {"boost": 1.3},
                "render_macros": False, GENERATED_MARK: True,
                "structured_data": script_json(cause_structured_data(kb, cause, site_url))}
        if not cause.reviewed.done:
            meta["robots"] = DRAFT_ROBOTS
        pages[src] = front_matter(meta) + renderer.render("cause.md.j2", src, cause=cause)
    return pages


def aftercare_pages(kb: KnowledgeBase, renderer: Renderer | None = None) -> dict[str, str]:
    """Each checklist site's aftercare sheet for the patient (aftercare/<site>.md), a draft kept out of search
    engines; never run as a template."""
    renderer = renderer or Renderer(kb)
    return {src: front_matter({**meta, "render_macros": False, GENERATED_MARK: True}) + body
            for src, (meta, body) in sheet_pages(kb, renderer).items()}


REVIEW_PAGE = "editors/review.md"  # for editors: what is reviewed, what changed since its review


def review_page(kb: KnowledgeBase, renderer: Renderer | None = None) -> str:
    """The editors' review page: kept out of search engines and the site's search."""
    renderer = renderer or Renderer(kb)
    rows = review_rows(kb)
    meta = {"title": "Review status (for editors)", "description": "For editors: which entries are clinically "
            "reviewed and which changed since their review.", "robots": DRAFT_ROBOTS, "search": {"exclude": True},
            "render_macros": False, GENERATED_MARK: True}
    return front_matter(meta) + renderer.render("review.md.j2", REVIEW_PAGE, rows=rows,
                                                changed=changed_since_review(kb),
                                                done=sum(state.done for _k, _e, state in rows))


def versions_page(kb: KnowledgeBase, releases: list, files: dict, renderer: Renderer | None = None) -> str:
    """The versions page (v/): each frozen release, newest first, its date and changes (from the changelog) and
    the checksums of its published files (files: published_files' result)."""
    from .releases import VERSIONS_PAGE, published_checksums

    renderer = renderer or Renderer(kb)
    meta = {"title": "Released versions", "description": "Every released version of the knowledge base: its date, "
            "what changed, its files and their SHA-256 checksums.",
            "search": {"exclude": True},  # the changelog carries the same changes, once, in search
            "render_macros": False, GENERATED_MARK: True}
    return front_matter(meta) + renderer.render(
        "versions.md.j2", VERSIONS_PAGE, releases=list(reversed(releases)),
        changes={change.version: change for change in kb.meta.changelog},
        checksums={r.version: published_checksums(files, r.version) for r in releases})


def case_pages(kb: KnowledgeBase, renderer: Renderer | None = None) -> dict[str, str]:
    """Each worked case's page source by its path, e.g. cases/knee-never-eased.md: the story, its reveals and its
    self-test. A case page is kept out of search: a story full of symptoms would otherwise outrank the red flag or
    entry a reader is looking for (it did, in the search-safety set); the teaching page lists every case."""
    renderer = renderer or Renderer(kb)
    pages = {}
    for case in kb.cases:
        src = source_of(case)[0]
        meta = {"title": case.title, "description": html.escape(case.summary), "search": {"exclude": True},
                "render_macros": False, GENERATED_MARK: True}
        if not case.reviewed.done:
            meta["robots"] = DRAFT_ROBOTS
        pages[src] = front_matter(meta) + renderer.render("case.md.j2", src, case=case)
    return pages


def cases_nav(kb: KnowledgeBase) -> list[dict[str, str]]:
    """The Worked cases navigation entries, one per case in file order: [{title: page source}]."""
    return [{case.title: source_of(case)[0]} for case in kb.cases]


def causes_nav(kb: KnowledgeBase) -> list[dict[str, str]]:
    """The Causes navigation entries, one per cause in order: [{title: page source}]."""
    return [{cause.title: source_of(cause)[0]} for cause in kb.causes]


def print_footer_css(kb: KnowledgeBase, site_url: str, renderer: Renderer | None = None) -> str:
    """Printed pages carry the site address, the KB version and page numbers in their bottom margin."""
    renderer = renderer or Renderer(kb)
    text = " · ".join(filter(None, [site_url, f"KB version {kb.meta.version}", "Educational aid, not medical advice"]))
    return renderer.render_css("print-footer.css.j2", footer=text)


def redirect_pages(kb: KnowledgeBase, renderer: Renderer | None = None) -> dict[str, str]:
    """A small page at each old page address (kb/redirects.yaml) that leads to the entry's new page.

    It keeps the #anchor of the old address (a facet moves with its cause), through a script of the
    site's own; without JavaScript, a refresh and a visible link lead to the new page."""
    renderer = renderer or Renderer(kb)
    pages = {}
    for redirect in kb.redirects:
        if "#" in redirect.source:
            continue  # a moved anchor: an alias on its page does the work (moved_anchors)
        path = redirect.source.rstrip("/") + "/index.html"
        root = "../" * path.count("/")
        target_src, anchor = source_of(redirect.target)
        target = root + page_url(target_src) + (f"#{anchor}" if anchor else "")
        pages[path] = renderer.render("redirect.html.j2", target_src, target=target, root=root, entry=redirect.target)
    return pages


def moved_anchors(kb: KnowledgeBase, page_src: str) -> list[tuple[str, object]]:
    """The old anchors on a page whose entries moved elsewhere: (old id, entry now)."""
    here = page_url(page_src)
    return [(r.source.split("#", 1)[1], r.target) for r in kb.redirects
            if "#" in r.source and r.source.split("#", 1)[0] == here]


def generated_files(kb: KnowledgeBase, site_url: str = "", repository: str = "") -> dict[str, str]:
    """Every file the site generates from the KB, by its path in the site's source.

    site_url is the published address (absolute links, robots.txt); repository, where readers report problems."""
    renderer = Renderer(kb, site_url, repository)
    files = cause_pages(kb, renderer, site_url, repository)
    files.update(aftercare_pages(kb, renderer))
    files.update(case_pages(kb, renderer))
    files.update(redirect_pages(kb, renderer))
    files[REVIEW_PAGE] = review_page(kb, renderer)
    files.update(export_files(kb, site_url))
    files[PRINT_FOOTER_CSS] = print_footer_css(kb, site_url, renderer)
    if site_url:
        files[ROBOTS_TXT] = robots_txt(site_url)
    return files


def write_files(files: dict[str, str], out: Path) -> list[str]:
    """Write files under out, each only when its content changed; return the paths written."""
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(name)
    return written


def main(argv: list[str]) -> int:
    """`python -m macros.kb.generate DOCS_DIR [SITE_URL [REPOSITORY]]`: write the generated files into a docs folder.

    For engines that run no MkDocs hooks (Zensical): the pages, redirects and exports they would add."""
    from . import KbError, load_kb

    if not argv:
        print("usage: python -m macros.kb.generate DOCS_DIR [SITE_URL [REPOSITORY]]", file=sys.stderr)
        return 2
    try:
        kb = load_kb()
    except KbError as exc:
        print(exc, file=sys.stderr)
        return 1
    site_url, repository = (argv[1:] + ["", ""])[:2]
    problems = [address_problem(site_url, "SITE_URL", folder=True), address_problem(repository, "REPOSITORY")]
    if any(problems):
        print("\n".join(p for p in problems if p), file=sys.stderr)
        return 2
    written = write_files(generated_files(kb, site_url, repository), Path(argv[0]))
    print(f"{len(written)} generated file(s) written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
