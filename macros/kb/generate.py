"""Files the site generates from the KB: a page per cause, kb.json, and the printed-page footer.

Plain Python, no mkdocs: any renderer can take these files as they are. A generated page carries
its whole content; nothing in it is run as a template (`render_macros: false`), and its front
matter is written by a YAML serialiser, so no KB text can end it early or add keys to it.
"""
from __future__ import annotations

import html

import yaml

from .export import export_files
from .model import KnowledgeBase
from .render import Renderer
from .urls import source_of

PRINT_FOOTER_CSS = "assets/print-footer.css"


def front_matter(meta: dict) -> str:
    """A page's YAML front matter block, written by the serialiser (never by string concatenation)."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n\n"


def cause_pages(kb: KnowledgeBase, renderer: Renderer | None = None) -> dict[str, str]:
    """Each cause's page source (front matter and Markdown body) by its path, e.g. causes/delayed-effect.md."""
    renderer = renderer or Renderer(kb)
    pages = {}
    for cause in kb.causes:
        src = source_of(cause)[0]
        # Cause pages rank first in search: their facet titles are what readers look for.
        # The theme writes the description into an attribute without escaping it: it must arrive escaped.
        meta = {"title": cause.title, "description": html.escape(cause.summary), "search": {"boost": 2},
                "render_macros": False}
        pages[src] = front_matter(meta) + renderer.render("cause.md.j2", src, cause=cause)
    return pages


def causes_nav(kb: KnowledgeBase) -> list[dict[str, str]]:
    """The Causes navigation entries, one per cause in order: [{title: page source}]."""
    return [{cause.title: source_of(cause)[0]} for cause in kb.causes]


def print_footer_css(kb: KnowledgeBase, site_url: str, renderer: Renderer | None = None) -> str:
    """Printed pages carry the site address, the KB version and page numbers in their bottom margin."""
    renderer = renderer or Renderer(kb)
    text = f"{site_url} · KB version {kb.meta.version} · Educational aid, not medical advice"
    return renderer.render_css("print-footer.css.j2", footer=text)


def generated_files(kb: KnowledgeBase, site_url: str = "") -> dict[str, str]:
    """Every file the site generates from the KB, by its path in the site's source."""
    renderer = Renderer(kb)
    files = cause_pages(kb, renderer)
    files.update(export_files(kb, site_url))
    files[PRINT_FOOTER_CSS] = print_footer_css(kb, site_url, renderer)
    return files
