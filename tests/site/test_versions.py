"""The versions page (v/) on the built site: every frozen release, newest first, with its date and changes from the
changelog and the SHA-256 of each file as published; each release's folder publishes a SHA256SUMS that checks the
files a reader downloads from it."""
from __future__ import annotations

import hashlib
import re

import pytest

from conftest import ROOT
from macros.kb.releases import offline_name, read_releases
from sitecheck import broken_links, read_page, read_site

RELEASES = ROOT / "releases"


@pytest.fixture(scope="module")
def versions(site):
    return read_page(site / "v" / "index.html")


def frozen_sums() -> dict[str, str]:
    lines = (RELEASES / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_the_versions_page_lists_every_release_newest_first_with_its_date_and_changes(versions, kb):
    released = [r.version for r in read_releases(RELEASES)]
    assert {"1.4.0", "1.5.0", "1.5.1"} <= set(released)
    heading = r"Version (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\) ¶"
    headings = re.findall(heading, versions.text)
    dates = {change.version: change.date for change in kb.meta.changelog}
    assert headings == [(v, dates[v]) for v in reversed(released)]
    sections = dict(zip([v for v, _d in headings], re.split(heading, versions.text)[3::3]))
    for version in ("1.4.0", "1.5.0", "1.5.1"):
        change = next(c for c in kb.meta.changelog if c.version == version)
        for item in change.changes:
            assert " ".join(item.text.split()) in " ".join(sections[version].split()), version
    assert "Safety correction:" in sections["1.5.1"]


def test_each_release_publishes_checksums_that_check_its_files_as_downloaded(site, versions):
    frozen = frozen_sums()
    for release in read_releases(RELEASES):
        folder = site / "v" / release.version
        lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        names = ["kb.json", "kb.schema.json", offline_name(release.version)]
        assert [line.split("  ")[1] for line in lines] == names
        for line in lines:
            digest, name = line.split("  ")
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"v/{release.version}/{name}"
            # The schema and the offline copy are the frozen files byte for byte; kb.json carries the site's address.
            if name != "kb.json":
                assert digest == frozen[f"{release.version}/{name}"]
            # The versions page shows the same checksum beside the file's link.
            assert f"{name} {digest}" in versions.text
            assert f"{release.version}/{name}" in versions.links
        assert f"{release.version}/SHA256SUMS" in versions.links


def test_the_versions_page_is_linked_from_the_changelog_and_its_links_resolve(site, versions):
    changelog = read_page(site / "changelog" / "index.html")
    assert "../v/" in changelog.links
    pages = read_site(site)
    assert broken_links(site, {k: v for k, v in pages.items() if k in ("v/index.html", "changelog/index.html")}) == []
