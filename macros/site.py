"""The KB as the current build sees it, shared by the macros and the build hooks."""
from __future__ import annotations

from pathlib import Path

try:  # MkDocs shows a PluginError as a clean message, without a traceback
    from mkdocs.exceptions import PluginError as EngineError
except ImportError:  # another engine (Zensical) reports the error its own way
    EngineError = RuntimeError

from .kb import KB_DIR, KbError, KnowledgeBase, load_kb

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
