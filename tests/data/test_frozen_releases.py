"""Frozen releases, without a build: what a release freezes, that a released file never changes, and that the KB
and its version agree with the releases."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from macros.kb import KB_DIR, KbError, load_kb
from macros.kb.export import export_files
from macros.kb.publish import is_published_address
from macros.kb.releases import (
    RELEASES_DIR,
    currency_problems,
    existing_release,
    freeze,
    integrity_problems,
    offline_name,
    read_releases,
    with_address,
    write_zip,
)

SITE = "https://kb.example.org/cortisone/"


def fake_zip(tmp_path: Path) -> Path:
    folder = tmp_path / "offline"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<p>offline copy</p>\n", encoding="utf-8")
    archive = tmp_path / "offline.zip"
    write_zip(folder, archive, "2026-11-25")
    return archive


@pytest.fixture
def released(kb_copy: Path, tmp_path: Path) -> Path:
    """releases/ beside a copy of kb/, with the copy's version frozen."""
    freeze(load_kb(kb_copy), fake_zip(tmp_path), kb_copy.parent / "releases")
    return kb_copy.parent / "releases"


def set_version(kb_dir: Path, version: str) -> None:
    meta = kb_dir / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("version:"))
    meta.write_text(text.replace(old, f"version: {version}", 1), encoding="utf-8")


def change_title(kb_dir: Path) -> None:
    meta = kb_dir / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title:"))
    meta.write_text(text.replace(old, "title: A changed title", 1), encoding="utf-8")


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_release_freezes_kb_json_its_schema_and_the_offline_zip_with_their_checksums(released, kb_copy):
    kb = load_kb(kb_copy)
    version = kb.meta.version
    folder = released / version
    assert sorted(p.name for p in folder.iterdir()) == sorted(["kb.json", "kb.schema.json", offline_name(version)])
    files = export_files(kb, "")
    assert (folder / "kb.json").read_text(encoding="utf-8") == files["kb.json"]
    assert (folder / "kb.schema.json").read_text(encoding="utf-8") == files["kb.schema.json"]
    # Frozen without an address: entry urls are relative to the site, sources keep their own.
    data = json.loads((folder / "kb.json").read_text(encoding="utf-8"))
    assert data["causes"][0]["url"] == f"causes/{data['causes'][0]['id']}/"
    assert all(r["url"].startswith(("https://", "http://")) for r in data["references"])
    lines = (released / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert lines == [f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {version}/{name}"
                     for name in ("kb.json", "kb.schema.json", offline_name(version))]
    if shutil.which("sha256sum"):  # the list is in the standard format that anyone can check
        assert subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=released).returncode == 0
    assert [r.version for r in read_releases(released)] == [version]


def test_a_released_file_that_changed_is_refused_with_its_checksum_line(released, kb_copy):
    version = load_kb(kb_copy).meta.version
    data = released / version / "kb.json"
    data.write_text(data.read_text(encoding="utf-8").replace("cortisone", "cortizone", 1), encoding="utf-8")
    assert messages(integrity_problems(released)) == [
        f"releases/{version}/kb.json:1: changed after its release (its SHA-256 is not the one releases/SHA256SUMS:1 "
        "records): a released file never changes; restore it with `git checkout -- releases/` and publish the change "
        "as a new version"]
    with pytest.raises(KbError):
        read_releases(released)


def test_a_missing_or_unlisted_release_file_is_refused(released, kb_copy):
    version = load_kb(kb_copy).meta.version
    (released / version / offline_name(version)).unlink()
    (released / version / "notes.txt").write_text("x", encoding="utf-8")
    assert messages(integrity_problems(released)) == [
        f"releases/SHA256SUMS:3: releases/{version}/{offline_name(version)} is listed but missing: a released file is "
        "never removed (restore it from git)",
        f"releases/{version}/notes.txt:1: is not listed in releases/SHA256SUMS: only `make release` adds files to a "
        "release"]


def test_a_malformed_or_repeated_checksum_line_is_refused_at_its_line(released):
    sums = released / "SHA256SUMS"
    lines = sums.read_text(encoding="utf-8").splitlines()
    sums.write_text("\n".join([lines[0], lines[0], "not a checksum  1.1.0/kb.json", *lines[1:]]) + "\n", encoding="utf-8")
    found = messages(integrity_problems(released))
    assert found[0] == "releases/SHA256SUMS:2: lists " + lines[0].split("  ")[1] + " again (first on line 1)"
    assert found[1].startswith("releases/SHA256SUMS:3: is not '<sha256>  <version>/<file>'")
    assert len(found) == 2


def test_a_release_is_never_written_twice(released, kb_copy, tmp_path):
    kb = load_kb(kb_copy)
    before = (released / "SHA256SUMS").read_bytes()
    assert existing_release(kb, released) is not None  # same content: `make release` has nothing to do
    with pytest.raises(KbError, match="is already released"):
        freeze(kb, fake_zip(tmp_path / "again"), released)
    change_title(kb_copy)
    with pytest.raises(KbError) as caught:
        existing_release(load_kb(kb_copy), released)
    assert messages(caught.value.problems) == [
        f"kb/meta.yaml:4: version {kb.meta.version} was released (releases/{kb.meta.version}/) and the KB no longer "
        "matches its kb.json: a release never changes, so give the changed KB a new version here and say what "
        "changed in the changelog; CI releases the new version when the change reaches main"]
    assert (released / "SHA256SUMS").read_bytes() == before


def test_once_a_release_exists_the_published_version_must_be_released_and_newer(released, kb_copy):
    meta = kb_copy / "meta.yaml"
    version = load_kb(kb_copy).meta.version
    assert currency_problems(load_kb(kb_copy), read_releases(released), meta) == []
    set_version(kb_copy, "99.0.0")
    kb = load_kb(kb_copy)
    assert messages(currency_problems(kb, read_releases(released), meta)) == [
        "kb/meta.yaml:4: version 99.0.0 is not released yet, and once a first release exists every published "
        "version must be: the publishing workflow releases it before it builds (`make release-ci`), or run "
        "`make release` and commit releases/"]
    assert currency_problems(kb, read_releases(released), meta, require_released=False) == []
    set_version(kb_copy, "0.9.0")
    assert messages(currency_problems(load_kb(kb_copy), read_releases(released), meta)) == [
        f"kb/meta.yaml:4: version 0.9.0 is older than the newest release, {version}: versions only go up"]


def test_the_published_kb_json_puts_the_site_address_before_entry_urls_only(kb):
    frozen = export_files(kb, "")["kb.json"].encode("utf-8")
    assert with_address(frozen, SITE).decode("utf-8") == export_files(kb, SITE)["kb.json"]
    assert with_address(frozen, "") == frozen


def test_the_offline_zip_is_written_the_same_way_every_time(tmp_path):
    first, second = fake_zip(tmp_path / "a"), fake_zip(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert [(i.filename, i.date_time) for i in archive.infolist()] == [("index.html", (2026, 11, 25, 0, 0, 0))]


def test_only_a_real_address_counts_as_published():
    assert is_published_address("https://kb.example.org/cortisone/")
    assert not any(is_published_address(u) for u in ("", None, "http://127.0.0.1:8000/", "http://localhost:8000/"))


def test_the_committed_releases_are_intact_and_agree_with_the_kb(kb):
    assert messages(integrity_problems(RELEASES_DIR)) == []
    # A new version waits for CI to release it once merged (make release-ci); a released one matches its release.
    assert messages(currency_problems(kb, read_releases(RELEASES_DIR), KB_DIR / "meta.yaml",
                                      require_released=False)) == []
