"""Where each KB entry is published: its page (as a source path) and its anchor, from the registry.

Addresses derive only from ids, never from titles, so links in training material survive
edits to wording.
"""
from __future__ import annotations

import posixpath

from .kinds import kind_of


def source_of(entry: object) -> tuple[str, str]:
    """The page source path and anchor of an entry, e.g. ('causes/delayed-effect.md', 'onset-takes-time')."""
    kind = kind_of(entry)
    if not kind.addressed:
        raise TypeError(f"a {kind.noun} has no address")
    if kind.page is None:  # on its parent's page, e.g. a facet on its cause's page
        page, _anchor = source_of(getattr(entry, kind.parent_attr))
    elif "{id}" in kind.page:  # a page of its own
        return kind.page.format(id=entry.id), ""
    else:
        page = kind.page
    return page, (entry.id if kind.anchored else "")


def page_url(src: str) -> str:
    """The directory-style URL of a page source path: 'causes/x.md' -> 'causes/x/'."""
    stem = src[:-3] if src.endswith(".md") else src
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def file_url(src: str) -> str:
    """The file-style URL of a page source path, as a site without directory URLs (the offline copy) has it:
    'causes/x.md' -> 'causes/x.html'."""
    return (src[:-3] if src.endswith(".md") else src) + ".html"


def url_of(entry: object, directory_urls: bool = True) -> str:
    """The site-relative address of an entry, e.g. 'causes/delayed-effect/#onset-takes-time' (or, on a site
    without directory URLs, 'causes/delayed-effect.html#onset-takes-time')."""
    src, anchor = source_of(entry)
    return (page_url(src) if directory_urls else file_url(src)) + (f"#{anchor}" if anchor else "")


def link_from(page_src: str, entry: object) -> str:
    """A Markdown link target to entry from the page whose source is page_src."""
    src, anchor = source_of(entry)
    rel = posixpath.relpath(src, posixpath.dirname(page_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")

