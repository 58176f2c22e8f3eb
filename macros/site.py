"""The KB as the current build sees it, shared by the macros and the build hooks."""
from __future__ import annotations

import os
from pathlib import Path

try:  # MkDocs shows a PluginError as a clean message, without a traceback
    from mkdocs.exceptions import PluginError as EngineError
except ImportError:  # another engine (Zensical) reports the error its own way
    EngineError = RuntimeError

from .kb import KB_DIR, KbError, KnowledgeBase, load_kb
from .kb.publish import is_published_address
from .kb.releases import PUBLISH_ENV, RELEASES_DIR, Release, currency_problems, history_problems, read_releases

_cache: dict[str, tuple[tuple, KnowledgeBase]] = {}


def _fingerprint(kb_dir: Path) -> tuple:
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in kb_dir.rglob("*") if p.is_file()))


def current_kb(kb_dir: Path = KB_DIR) -> KnowledgeBase:
    """Load the KB once per change of its files; a KB error becomes a clean mkdocs error."""
    key = str(kb_dir)
    fingerprint = _fingerprint(kb_dir)
    cached = _cache.get(key)
    if cached and cached[0] == fingerprint:
        return cached[1]
    try:
        kb = load_kb(kb_dir)
    except KbError as exc:
        raise EngineError(f"the knowledge base has {len(exc.problems)} problem(s):\n{exc}") from None
    _cache[key] = (fingerprint, kb)
    return kb


def is_offline(config) -> bool:
    """True for the offline copy's build (mkdocs.offline.yml): it carries no releases."""
    return any(name.endswith("offline") for name in config["plugins"])


def site_releases(config, kb: KnowledgeBase, root: Path = RELEASES_DIR) -> list[Release]:
    """The frozen releases this build publishes (none in the offline copy), after checking that none changed.

    A build for a real address also refuses a KB whose released version's content changed, and a build that
    publishes (KB_PUBLISH=1) one whose version is not released once a first release exists: what is published can
    always be cited and retrieved. Releases
    are checked against the history that added them; a build that publishes (KB_PUBLISH=1) fails closed
    without that history."""
    if is_offline(config):
        return []
    try:
        releases = read_releases(root)
        publishing = os.environ.get(PUBLISH_ENV) == "1"
        problems = history_problems(root, strict=publishing)
        if is_published_address(config["site_url"]):
            # A new version is released by the publishing workflow before it builds (`make release-ci`): only that
            # build requires it to be released; any build refuses a released version whose content changed.
            problems += currency_problems(kb, releases, KB_DIR / "meta.yaml", require_released=publishing)
    except KbError as exc:
        raise EngineError(f"the releases have {len(exc.problems)} problem(s):\n{exc}") from None
    if problems:
        raise EngineError("\n".join(str(p) for p in problems))
    return releases
