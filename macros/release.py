"""`python -m macros.release`: freeze the KB's current version into releases/<version>/ (`make release`).

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

from .kb import KbError, load_kb
from .kb.releases import (
    RELEASES_DIR,
    existing_release,
    freeze,
    history_problems,
    offline_name,
    release_date,
    write_zip,
)

ROOT = Path(__file__).resolve().parent.parent


def build_offline(site_dir: Path, date: str) -> subprocess.CompletedProcess:
    """Build the offline copy with no site address, dated the release's day (sitemap dates follow it)."""
    epoch = calendar.timegm(time.strptime(date, "%Y-%m-%d"))
    env = dict(os.environ, SITE_URL="", SOURCE_DATE_EPOCH=str(epoch), NO_MKDOCS_2_WARNING="1",
               DISABLE_MKDOCS_2_WARNING="true")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file",
                           str(ROOT / "mkdocs.offline.yml"), "--site-dir", str(site_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def main() -> int:
    """Freeze the current version; exit 0 if written or already released unchanged, 1 with file:line lines if not."""
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


if __name__ == "__main__":
    sys.exit(main())
