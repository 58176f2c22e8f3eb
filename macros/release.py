"""`python -m macros.release [--check | --ci]`: freeze the KB's current version into releases/<version>/.

`make release` (no option) freezes the version by hand. `make release-ci` (--ci) is what the publishing workflow
runs on main: the same freeze after the immutability checks, then a commit of releases/ that the workflow pushes;
with nothing new to release it writes nothing. `make release-check` (--check) is the pull request's check: a change
of the KB's released content without a new version fails there, with what to do, never the deploy after merge.

A release is kb.json and its JSON Schema (entry urls relative to the site) and the offline copy, built
with no site address and the release's date, so that it stays valid wherever the site is published. The
files are listed with their SHA-256 in releases/SHA256SUMS; the build publishes them at v/<version>/.
A version that is already released is never written again: with the same content there is nothing to do,
with other content the command refuses and says to give the KB a new version.
"""
from __future__ import annotations

import calendar
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from .kb import KB_DIR, KbError, load_kb
from .kb.history import BASE_ENV, _git, base_version
from .kb.problems import Problem
from .kb.releases import (
    DATA,
    RELEASES_DIR,
    VERSION,
    currency_problems,
    existing_release,
    freeze,
    frozen_files,
    history_problems,
    integrity_problems,
    offline_name,
    read_releases,
    release_date,
    version_key,
    write_zip,
)

ROOT = Path(__file__).resolve().parent.parent
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")  # the release commit's author


def build_offline(site_dir: Path, date: str) -> subprocess.CompletedProcess:
    """Build the offline copy with no site address, dated the release's day (sitemap dates follow it)."""
    epoch = calendar.timegm(time.strptime(date, "%Y-%m-%d"))
    env = dict(os.environ, SITE_URL="", SOURCE_DATE_EPOCH=str(epoch), NO_MKDOCS_2_WARNING="1",
               DISABLE_MKDOCS_2_WARNING="true")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file",
                           str(ROOT / "mkdocs.offline.yml"), "--site-dir", str(site_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    """Freeze the current version; exit 0 if written or already released unchanged, 1 with file:line lines if not."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--check"]:
        return check()
    if argv == ["--ci"]:
        return release_by_ci()
    if argv:
        print("usage: python -m macros.release [--check | --ci]", file=sys.stderr)
        return 2
    try:
        kb = load_kb()
        if existing_release(kb) is not None:
            print(f"releases/{kb.meta.version}/: version {kb.meta.version} is already released and the KB "
                  "matches it: nothing to do")
            return 0
        # A new release joins releases that must first be checked against the commits that added them.
        problems = history_problems(RELEASES_DIR, strict=True)
        if problems:
            raise KbError(problems)
        date = release_date(kb)
    except KbError as exc:
        print(exc, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        result = build_offline(Path(tmp) / "site", date)
        if result.returncode != 0:
            print(result.stdout + result.stderr, file=sys.stderr)
            print("error: the offline copy did not build (see above): nothing was released", file=sys.stderr)
            return 1
        archive = Path(tmp) / offline_name(kb.meta.version)
        write_zip(Path(tmp) / "site", archive, date)
        try:
            written = freeze(kb, archive)
        except KbError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(f"version {kb.meta.version} released; commit these files (they never change):")
    print("\n".join(f"  {path}" for path in written + [f"{RELEASES_DIR.name}/SHA256SUMS"]))
    return 0


def _meta_line(kb_dir: Path = KB_DIR) -> int:
    lines = (kb_dir / "meta.yaml").read_text(encoding="utf-8").splitlines()
    return next((n for n, line in enumerate(lines, start=1) if line.startswith("version:")), 1)


def check_problems(kb_dir: Path = KB_DIR, root: Path = RELEASES_DIR) -> list[Problem]:
    """What stops this branch being released by CI once merged: released files that changed, a KB whose released
    content changed without a new version (here or on the base branch), a version older than the base branch's, and
    a new version with no changelog entry. Compared with the base branch (KB_BASE_REF, else origin/main)."""
    problems = integrity_problems(root) + history_problems(root)
    if problems:
        return problems
    try:
        kb = load_kb(kb_dir)
    except KbError as exc:
        return exc.problems
    at = ("kb/meta.yaml", _meta_line(kb_dir))
    version = kb.meta.version
    problems = currency_problems(kb, read_releases(root), kb_dir / "meta.yaml", require_released=False)
    base = base_version(kb_dir / "meta.yaml")
    wanted = os.environ.get(BASE_ENV, "").strip()
    if base is None and wanted and not _git(kb_dir, "rev-parse", "--verify", "-q", f"{wanted}^{{commit}}"):
        problems.append(Problem(*at, f"cannot compare with the base branch: {BASE_ENV}={wanted} is not in this "
                                     f"checkout (git fetch origin {wanted.removeprefix('origin/')})"))
    if base is not None:
        commit, text = base
        try:
            base_kb_version = str((yaml.safe_load(text) or {}).get("version", ""))
        except yaml.YAMLError:
            base_kb_version = ""
        if VERSION.match(base_kb_version) and version_key(version) < version_key(base_kb_version):
            problems.append(Problem(*at, f"version {version} is older than the base branch's, {base_kb_version} "
                                         f"({commit[:12]}): versions only go up; merge the base branch first"))
        released = _git(kb_dir, "show", f"{commit}:{root.name}/{version}/{DATA}")
        if released is not None and not (root / version).exists() \
                and released.encode("utf-8") != frozen_files(kb)[DATA]:
            problems.append(Problem(*at, f"version {version} was released on the base branch ({commit[:12]}) and "
                                         "the KB here no longer matches it: give the changed KB a new version here "
                                         "and say what changed in the changelog"))
    if not problems and not (root / version).exists():
        try:
            release_date(kb)
        except KbError as exc:
            problems.extend(exc.problems)
    return problems


def check() -> int:
    """`make release-check`: the pull request's check that what it changes can be released by CI once merged."""
    problems = check_problems()
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        print("error: this change cannot be released as it stands: a change of the knowledge base's content needs "
              "a new version in kb/meta.yaml, with a changelog entry saying what changed", file=sys.stderr)
        return 1
    kb = load_kb()
    if (RELEASES_DIR / kb.meta.version).exists():
        print(f"version {kb.meta.version} is released and the KB's content matches it: nothing to release")
    else:
        print(f"version {kb.meta.version} is new: CI releases it when this change reaches main")
    return 0


def _output(**values: str) -> None:
    """Tell the workflow what happened (GITHUB_OUTPUT), and say it."""
    target = os.environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.writelines(f"{key}={value}\n" for key, value in values.items())


def release_by_ci(root: Path = RELEASES_DIR) -> int:
    """`make release-ci`: on main, release the KB's version if it is new, and commit releases/ (the workflow pushes
    the commit). Fails closed without the releases' history; never writes over an existing releases/<version>/."""
    head = (_git(ROOT, "rev-parse", "HEAD") or "").strip()
    try:
        kb = load_kb()
        problems = integrity_problems(root) + history_problems(root, strict=True)
        if problems:
            raise KbError(problems)
        if (root / kb.meta.version).exists():
            existing_release(kb, root)  # raises if the folder holds other content: it is never written over
            print(f"releases/{kb.meta.version}/: version {kb.meta.version} is already released and the KB matches "
                  "it: nothing to release")
            _output(released="false", version=kb.meta.version, commit=head)
            return 0
    except KbError as exc:
        print(exc, file=sys.stderr)
        print("error: nothing was released", file=sys.stderr)
        return 1
    status = main([])
    if status != 0:
        return status
    problems = integrity_problems(root) + history_problems(root, strict=True)
    if problems:
        print("\n".join(map(str, problems)) + "\nerror: the new release does not check out: not committed",
              file=sys.stderr)
        return 1
    name, email = BOT
    message = (f"Release {kb.meta.version}: frozen in releases/ by CI\n\nCut by `make release-ci` from "
               f"{head[:12]}, the commit that brought version {kb.meta.version} to main.")
    env = dict(os.environ, GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name,
               GIT_COMMITTER_EMAIL=email)
    for args in (["add", "--", root.name], ["commit", "--quiet", "--no-verify", "-m", message, "--", root.name]):
        result = subprocess.run(["git", *args], cwd=root.parent, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout + result.stderr + "error: the release could not be committed", file=sys.stderr)
            return 1
    commit = (_git(ROOT, "rev-parse", "HEAD") or "").strip()
    print(f"committed {commit[:12]}: push it to main (the publishing workflow does)")
    _output(released="true", version=kb.meta.version, commit=commit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
