"""MkDocs hooks: hand the core's generated files, navigation and page checks to MkDocs. No KB work here.

Loaded by path from mkdocs.yml (`hooks:`), so the project root is put on sys.path first: MkDocs
imports this file before any plugin runs and offers no other way to find the package, and the
project being built (a pull request's copy, a test's copy) must use its own `macros`, not an
installed one. Zensical runs no hooks: `make build-zensical` writes the same files with
`python -m macros.kb.generate` instead.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from macros.kb.generate import cases_nav, causes_nav, generated_files, moved_anchors, versions_page  # noqa: E402
from macros.kb.pagesafety import content_problems, finish_page, theme_scripts  # noqa: E402
from macros.kb.publish import address_problem, footer_html  # noqa: E402
from macros.kb.releases import VERSIONS_PAGE, published_files  # noqa: E402
from macros.kb.render import Renderer  # noqa: E402
from macros.kb.search import FULL_INDEX, keywords_by_place, search_config, split_index, without_link_lines  # noqa: E402
from macros.kb.terms import mark_terms, term_pages  # noqa: E402
from macros.kb.urls import source_of  # noqa: E402
from macros.site import current_kb, is_offline, site_releases  # noqa: E402

CAUSES_SECTION = "Causes"
CASES_SECTION = "Worked cases"
SEARCH_PLUGIN = "material/search"


@event_priority(100)
def on_config(config):
    """Check the site's and the repository's addresses, load the KB (failing the build on any problem) and list
    every cause under Causes and every worked case under Worked cases."""
    problems = [address_problem(config.site_url, "SITE_URL (site_url)", folder=True),
                address_problem(config.extra.get("repository"), "KB_REPOSITORY (extra.repository)")]
    if any(problems):
        raise PluginError("\n".join(p for p in problems if p))
    kb = current_kb()
    nav = config.nav or []
    sections = {CAUSES_SECTION: causes_nav(kb), CASES_SECTION: cases_nav(kb)}
    for i, item in enumerate(nav):
        section = next((name for name in sections if isinstance(item, dict) and name in item), None)
        if section:
            index = item[section]
            # Keep only the hand-written index page, so a rebuild never lists an entry twice.
            index = [page for page in (index if isinstance(index, list) else [index]) if isinstance(page, str)]
            nav[i] = {section: index + sections[section]}
    # The KB version and the licences in every page footer, beside the disclaimer.
    note = footer_html(kb)
    if note not in config.copyright:
        config.copyright = f"{config.copyright.strip()} {note}"
    return config


@event_priority(100)  # before other plugins (redirects, search) look at the files
def on_files(files, config):
    """Add the files the core generates from the KB, and the frozen releases under v/; none may replace a file
    the site already has."""
    kb = current_kb()
    for src, content in generated_files(kb, config.site_url or "", config.extra.get("repository", "")).items():
        if files.get_file_from_path(src) is not None:
            raise PluginError(f"docs/{src}: the KB would generate this file, which already exists: "
                              "rename the page, or the KB entry whose id it is named by")
        files.append(File.generated(config, src, content=content))
    releases = site_releases(config, kb)
    published = published_files(releases, config.site_url or "")
    if releases:  # the versions page, v/: every release with its date, changes and checksums
        published[VERSIONS_PAGE] = versions_page(kb, releases, published)
    for src, content in published.items():
        if files.get_file_from_path(src) is not None:
            raise PluginError(f"docs/{src}: a frozen release is published at this address: move the file")
        if isinstance(content, Path):  # copied byte for byte
            files.append(File.generated(config, src, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, src, content=content))
    return files


_TERM_PAGES: list = [None, frozenset()]  # the KB they were worked out for, and the pages


def _pages_with_terms(kb) -> frozenset[str]:
    """term_pages, worked out once per loaded KB rather than once per page."""
    if _TERM_PAGES[0] is not kb:
        _TERM_PAGES[:] = [kb, term_pages(kb)]
    return _TERM_PAGES[1]


def on_page_content(html, page, config, files):
    """Refuse content with scripts; explain glossary terms at first use; on the page of a moved anchor,
    leave an alias that leads to the new place."""
    problems = content_problems(html)
    if problems:
        raise PluginError("\n".join(f"{page.file.src_uri}: the page content {p}" for p in problems))
    kb = current_kb()
    if page.file.src_uri in _pages_with_terms(kb):
        html = mark_terms(html, kb.glossary)
    aliases = []
    for old_id, target in moved_anchors(kb, page.file.src_uri):
        src, anchor = source_of(target)
        href = get_relative_url(files.get_file_from_path(src).url, page.url) + (f"#{anchor}" if anchor else "")
        aliases.append({"old_id": old_id, "href": href, "target": target})
    if not aliases:
        return html
    return html + Renderer(kb).render("moved.html.j2", page.file.src_uri, aliases=aliases)


_KEYWORDS: list = [None, {}]  # the KB they were worked out for, and the keywords by place


@event_priority(-100)  # after the search plugin has indexed the page
def on_page_context(context, page, config, nav):
    """Give each entry's search document its keywords (indexed, but on no page, so never shown or printed), and
    take the lines of links that end an entry out of its indexed text."""
    search = config.plugins.get(SEARCH_PLUGIN)
    if search is None or not search.config["enabled"]:
        return context
    kb = current_kb()
    if _KEYWORDS[0] is not kb:
        _KEYWORDS[:] = [kb, keywords_by_place(kb)]
    places = _KEYWORDS[1]
    src = page.file.src_uri
    for entry in reversed(search.search_index.entries):
        location = entry["location"]
        if not location.startswith(page.url) or (location != page.url and location[len(page.url)] != "#"):
            break  # the entries of this page come last, each at the page's address or one of its anchors
        entry["text"] = without_link_lines(entry["text"])
        entry.update(places.get((src, location[len(page.url) + 1:]), {}))
    return context


@event_priority(-50)  # after the search plugin wrote its index, before the offline plugin copies it
def on_post_build(config):
    """Give the search index what the site's search worker needs besides the documents (the thesaurus and
    the common words), in its config, where the theme passes it to the worker. Online, the index the theme
    fetches on every page only says where the whole one is: the worker fetches it when the reader searches."""
    search = config.plugins.get(SEARCH_PLUGIN)
    path = Path(config.site_dir) / "search" / "search_index.json"
    if search is None or not search.config["enabled"] or not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    index["config"]["kb"] = search_config(current_kb(), directory_urls=config.use_directory_urls)
    if not is_offline(config):  # the offline copy reads its index from disk as a script, all at once
        start, index = split_index(index)
        (Path(config.site_dir) / FULL_INDEX).write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
        index = start
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


_THEME_SCRIPTS: list = [None, ()]  # the theme's template folders, and the inline scripts they write


@event_priority(-100)  # after every other plugin has changed the page
def on_post_page(output, page, config):
    """Check the finished page, then give it its Content-Security-Policy (hashing only the theme's own scripts)."""
    dirs = tuple(str(d) for d in config.theme.dirs)
    if _THEME_SCRIPTS[0] != dirs:
        _THEME_SCRIPTS[:] = [dirs, theme_scripts(dirs)]
    output, problems = finish_page(output, offline=is_offline(config), known_scripts=_THEME_SCRIPTS[1])
    if problems:
        raise PluginError("\n".join(f"{page.file.src_uri}: the built page {p}" for p in problems))
    return output
