"""Where each KB entry is published: its page (as a source path) and its anchor.

Addresses derive only from ids, never from titles, so links in training material survive
edits to wording.
"""
from __future__ import annotations

import posixpath

from .model import Alternative, Cause, Check, Condition, Facet, FaqEntry, Reference, Step, Term

PAGES = {
    Cause: "causes/{id}.md", FaqEntry: "faq.md", Step: "approach.md", Alternative: "alternatives.md",
    Term: "glossary.md", Reference: "references.md", Check: "checklist.md",
}


def source_of(entry: object) -> tuple[str, str]:
    """The page source path and anchor of an entry, e.g. ('causes/delayed-effect.md', 'onset-takes-time')."""
    if isinstance(entry, Cause):
        return f"causes/{entry.id}.md", ""
    if isinstance(entry, Facet):
        return f"causes/{entry.cause.id}.md", entry.id
    if isinstance(entry, Condition):
        return ("regions.md" if entry.kind == "region" else "conditions.md"), entry.id
    for kind, page in PAGES.items():
        if isinstance(entry, kind):
            return page, entry.id
    raise TypeError(f"no address for {type(entry).__name__}")


def page_url(src: str) -> str:
    """The directory-style URL of a page source path: 'causes/x.md' -> 'causes/x/'."""
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def url_of(entry: object) -> str:
    """The site-relative address of an entry, e.g. 'causes/delayed-effect/#onset-takes-time'."""
    src, anchor = source_of(entry)
    return page_url(src) + (f"#{anchor}" if anchor else "")


def link_from(page_src: str, entry: object) -> str:
    """A Markdown link target to entry from the page whose source is page_src."""
    src, anchor = source_of(entry)
    rel = posixpath.relpath(src, posixpath.dirname(page_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")
