"""MkDocs hook used only by the benchmark: record what a build fed to Markdown, for the static twin.

bench/projects.py adds it to a temporary config that INHERITs the project's mkdocs.yml. After every
other handler, it keeps each page's front matter and rendered Markdown (macros run, generated cause
pages included), every other generated file, and the final nav and copyright; after the build it
writes them under the folder named by $CORTISONE_TWIN_RECORD: docs/<page source> and build.json.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority

_pages: dict[str, str] = {}
_files: dict[str, bytes] = {}


@event_priority(-1000)  # after the macros plugin and every hook
def on_files(files, config):
    """Keep the content of every generated file (the cause pages' text is replaced by their rendered Markdown)."""
    _files.clear()
    _files.update({file.src_uri: file.content_bytes for file in files if file.generated_by})
    return files


@event_priority(-1000)
def on_page_markdown(markdown, page, config, files):
    """Keep the page as Markdown will see it, its front matter written back on top."""
    meta = yaml.safe_dump(page.meta, allow_unicode=True, sort_keys=False, width=10_000) if page.meta else ""
    _pages[page.file.src_uri] = (f"---\n{meta}---\n\n" if meta else "") + markdown
    return markdown


def on_post_build(config):
    """Write what was recorded."""
    out = Path(os.environ["CORTISONE_TWIN_RECORD"])
    for src, content in _files.items():
        _write(out / "docs" / src, content)
    for src, text in _pages.items():
        _write(out / "docs" / src, text.encode("utf-8"))
    build = {"nav": config.nav, "copyright": config.copyright}
    (out / "build.json").write_text(json.dumps(build, ensure_ascii=False, indent=1), encoding="utf-8")


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
