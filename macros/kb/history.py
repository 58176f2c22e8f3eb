"""What git history says about a file that only ever grows, such as releases/SHA256SUMS.

A release's files are guarded by releases/SHA256SUMS, which sits beside them: one pull request could
rewrite a released file and its checksum line together. The guard of the guard is history, which a
pull request cannot rewrite: every version of the file committed on HEAD's first-parent line, and the
base branch's version (KB_BASE_REF, else origin/main) when the checkout has it. A shallow checkout, a
copy outside git or a machine without git has no such history: callers then pass or fail closed, as
their path requires (a build that publishes fails closed).

Plain Python, no mkdocs; git is only read, never asked to fetch.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

BASE_ENV = "KB_BASE_REF"  # the base branch a pull request is compared with, e.g. origin/main (CI sets it)
DEFAULT_BASE = "origin/main"
MAX_COMMITS = 500  # versions of the file read, newest first
GIT_SECONDS = 20


@dataclass(frozen=True)
class History:
    """The committed versions of one file: [(commit, text)], newest first; missing says why history is
    incomplete (empty when it is complete)."""

    versions: tuple[tuple[str, str], ...]
    missing: str = ""


def _git(top: Path, *args: str) -> str | None:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        result = subprocess.run(["git", "-C", str(top), *args], capture_output=True, env=env, timeout=GIT_SECONDS,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


def history_of(path: Path) -> History:
    """Every committed version of the file at path that a pull request cannot have written."""
    folder = path.parent
    top = _git(folder, "rev-parse", "--show-toplevel") if folder.is_dir() else None
    if top is None:
        return History((), f"{folder.name}/ is not in a git checkout (or git is missing)")
    top_dir = Path(top.strip())
    try:
        rel = path.resolve().relative_to(top_dir.resolve()).as_posix()
    except ValueError:
        return History((), f"{path.name} is outside the git checkout")
    versions: list[tuple[str, str]] = []
    head = (_git(top_dir, "rev-parse", "--verify", "-q", "HEAD^{commit}") or "").strip()
    if head:
        log = _git(top_dir, "log", "--first-parent", f"--max-count={MAX_COMMITS}", "--format=%H", "HEAD", "--", rel)
        for commit in (log or "").split():
            text = _git(top_dir, "show", f"{commit}:{rel}")
            if text is not None:
                versions.append((commit, text))
    wanted = os.environ.get(BASE_ENV, "").strip()
    base = (_git(top_dir, "rev-parse", "--verify", "-q", f"{wanted or DEFAULT_BASE}^{{commit}}") or "").strip()
    if wanted and not base:
        return History(tuple(versions), f"{BASE_ENV}={wanted} is not in this checkout: fetch it first "
                                        f"(git fetch origin {wanted.removeprefix('origin/')})")
    if base:
        text = _git(top_dir, "show", f"{base}:{rel}")
        if text is not None:
            versions.append((base, text))
    shallow = (_git(top_dir, "rev-parse", "--is-shallow-repository") or "").strip() == "true"
    if not head:
        return History(tuple(versions), "the git checkout has no commit yet")
    if shallow and (not base or base == head):
        return History(tuple(versions), "this is a shallow git checkout, so the commits that added the releases "
                                        "are missing")
    return History(tuple(versions))


def base_version(path: Path) -> tuple[str, str] | None:
    """The file at path as the base branch holds it (KB_BASE_REF, else origin/main), when the checkout has that
    branch and it is not HEAD itself: (commit, text). None otherwise."""
    folder = path.parent
    top = _git(folder, "rev-parse", "--show-toplevel") if folder.is_dir() else None
    if top is None:
        return None
    top_dir = Path(top.strip())
    try:
        rel = path.resolve().relative_to(top_dir.resolve()).as_posix()
    except ValueError:
        return None
    wanted = os.environ.get(BASE_ENV, "").strip() or DEFAULT_BASE
    base = (_git(top_dir, "rev-parse", "--verify", "-q", f"{wanted}^{{commit}}") or "").strip()
    head = (_git(top_dir, "rev-parse", "--verify", "-q", "HEAD^{commit}") or "").strip()
    if not base or base == head:
        return None
    text = _git(top_dir, "show", f"{base}:{rel}")
    return (base, text) if text is not None else None
