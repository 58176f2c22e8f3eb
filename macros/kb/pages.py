"""The hand-written pages in docs/: their addresses and the element ids their headings take.

KB entries share pages and the address space with these pages, so the validator needs them: a
redirect or a cause may not replace a real page, and no entry id may take a heading's id.
"""
from __future__ import annotations

import re
from pathlib import Path

from markdown.extensions.toc import slugify

HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*(?:\{[^}]*#([A-Za-z0-9_-]+)[^}]*\})?[ \t]*$", re.MULTILINE)
# Ids the templates set on pages that show entries; a KB id must never take one.
TEMPLATE_IDS = frozenset({"references", "kb-summary-text", "kb-cause"})
TEMPLATE_ID_PREFIXES = ("kb-", "cite-", "md-", "__")
# Pages whose templates also give element ids to entries published elsewhere: page source -> those kinds.
# (The causes index and the checklist head a section with each cause's id; the teaching page, each case's.)
TEMPLATE_PAGE_IDS = {"causes/index.md": ("cause",), "checklist.md": ("cause",), "cases/index.md": ("case",)}
# The changelog heads each release with its version as an id: 1.3.0 -> v1-3-0.
CHANGELOG_PAGE = "changelog.md"


def version_id(version: str) -> str:
    """The id the changelog gives a release's heading."""
    return "v" + version.replace(".", "-")
# Names the browser code treats specially if they were used as plain-object keys.
SCRIPT_NAMES = frozenset({"constructor", "prototype"})


def hand_written_pages(docs_dir: Path) -> dict[str, set[str]]:
    """Each hand-written page's source path (e.g. 'about.md') with the ids of its headings."""
    pages: dict[str, set[str]] = {}
    if not docs_dir.is_dir():
        return pages
    for path in sorted(docs_dir.rglob("*.md")):
        src = path.relative_to(docs_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.match(r"---\n(?:.*\n)*?generated_from_kb: true\n(?:.*\n)*?---\n", text):
            continue  # a page generated from the KB and written out for another engine (make build-zensical)
        pages[src] = {explicit or slugify(title, "-") for title, explicit in HEADING.findall(text)}
    return pages


def reserved_ids(docs_dir: Path) -> set[str]:
    """Every id an entry may not take: the templates', the hand-written headings', and script names."""
    ids = set(TEMPLATE_IDS) | SCRIPT_NAMES
    for heading_ids in hand_written_pages(docs_dir).values():
        ids |= heading_ids
    return ids
