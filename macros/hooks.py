"""MkDocs hooks: one page per cause, the Causes navigation section, and the kb.json export.

Loaded by path from mkdocs.yml (`hooks:`), so the project root is put on sys.path first.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from markupsafe import escape  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from macros.kb.export import export_files  # noqa: E402
from macros.kb.urls import page_url, source_of  # noqa: E402
from macros.render import label  # noqa: E402
from macros.site import current_kb  # noqa: E402

CAUSES_SECTION = "Causes"


def on_config(config):
    """Load the KB (failing the build on any problem) and list every cause under Causes."""
    kb = current_kb()
    nav = config.nav or []
    for i, item in enumerate(nav):
        if isinstance(item, dict) and CAUSES_SECTION in item:
            index = item[CAUSES_SECTION]
            # Keep only the hand-written index page, so a rebuild never lists a cause twice.
            index = [page for page in (index if isinstance(index, list) else [index]) if isinstance(page, str)]
            pages = [{c.title: source_of(c)[0]} for c in kb.causes]
            nav[i] = {CAUSES_SECTION: index + pages}
    # The KB version in every page footer, beside the disclaimer.
    config.copyright = f"{config.copyright.strip()} Knowledge base version {kb.meta.version}."
    redirects = config.plugins.get("redirects")
    if redirects is not None:
        # An old page address (a renamed cause) gets a redirect page; anchors carry over to the new page.
        for redirect in kb.redirects:
            if "#" not in redirect.source:
                redirects.config["redirect_maps"][redirect.source.rstrip("/") + ".md"] = source_of(redirect.target)[0]
    return config


@event_priority(100)  # before other plugins (redirects, search) look at the files
def on_files(files, config):
    """Add a generated page per cause (a stub calling the cause_page macro) and the kb.json export."""
    kb = current_kb()
    for cause in kb.causes:
        src = source_of(cause)[0]
        # Cause pages rank first in search: their facet titles are what readers look for.
        content = (f"---\ntitle: {_yaml_text(cause.title)}\ndescription: {_yaml_text(cause.summary)}\n"
                   f"search:\n  boost: 2\n---\n\n"
                   f'{{{{ cause_page("{cause.id}") }}}}\n')
        files.append(File.generated(config, src, content=content))
    for name, text in export_files(kb, config.site_url or "").items():
        files.append(File.generated(config, name, content=text))
    return files


def on_page_content(html, page, config, files):
    """On the page of a moved anchor, leave an alias with the old id that leads to the new place."""
    moved = [r for r in current_kb().redirects
             if "#" in r.source and r.source.split("#")[0] == page_url(page.file.src_uri)]
    if not moved:
        return html
    aliases = []
    for redirect in moved:
        src, anchor = source_of(redirect.target)
        target = files.get_file_from_path(src)
        href = get_relative_url(target.url, page.url) + (f"#{anchor}" if anchor else "")
        old_id = redirect.source.split("#")[1]
        aliases.append(f'<p class="kb-moved" id="{escape(old_id)}">This entry has moved: '
                       f'<a href="{escape(href)}" data-kb-moved-to>{escape(label(redirect.target))}</a></p>')
    return html + "\n" + "\n".join(aliases)


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
