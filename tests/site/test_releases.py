"""`make release` freezes a version, and a build publishes every release at v/<version>/ unchanged: the training
page and the changelog link the downloads, and nothing lets a released version change."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

import pytest

from conftest import ROOT, build_site, copy_project
from macros.kb.releases import offline_name, with_address
from sitecheck import broken_links, read_page, read_site

# The slow set (`make test-all`, CI): `make release` end to end, an offline build and several site builds.
pytestmark = pytest.mark.slow

PUBLISHED = "https://kb.example.org/cortisone/"
MAKE_FILES = ("Makefile", "requirements.txt", "pyproject.toml")


def release_project(target: Path) -> Path:
    """A copy of the project that `make release` can run in, with this session's Python packages."""
    project = copy_project(target)
    for name in MAKE_FILES:
        shutil.copy(ROOT / name, project)
    (project / "installed").touch()  # newer than the lock: make must not build a virtualenv
    return project


def make_release(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "release", f"BIN={Path(sys.executable).parent}",
                           f"STAMP={project / 'installed'}"], cwd=project, capture_output=True, text=True, timeout=600)


def build(project: Path, out: Path, site_url: str = PUBLISHED) -> subprocess.CompletedProcess:
    with mock.patch.dict(os.environ, {"SITE_URL": site_url, "KB_REPOSITORY": "https://git.example.org/e/kb"}):
        return build_site(project, out)


def change_title(project: Path) -> None:
    meta = project / "kb" / "meta.yaml"
    text = meta.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("title:"))
    meta.write_text(text.replace(old, "title: A changed title", 1), encoding="utf-8")


def checksums_hold(releases: Path) -> bool:
    for line in (releases / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        if hashlib.sha256((releases / name).read_bytes()).hexdigest() != digest:
            return False
    return True


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory, kb) -> tuple[Path, Path]:
    """A project copy after `make release`, and its site built with a real address: (project, site)."""
    work = tmp_path_factory.mktemp("released")
    project = release_project(work / "project")
    result = make_release(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"version {kb.meta.version} released" in result.stdout
    built = build(project, work / "site")
    assert built.returncode == 0, built.stdout + built.stderr
    return project, work / "site"


def test_make_release_freezes_the_version_with_an_offline_copy_that_has_no_address(released, kb):
    project, _site = released
    folder = project / "releases" / kb.meta.version
    assert sorted(p.name for p in folder.iterdir()) == sorted(["kb.json", "kb.schema.json", offline_name(kb.meta.version)])
    assert checksums_hold(project / "releases")
    with zipfile.ZipFile(folder / offline_name(kb.meta.version)) as archive:
        names = archive.namelist()
        assert "index.html" in names and "checklist.html" in names
        assert not any(name.startswith("v/") for name in names)  # no release inside a release
        assert archive.read("kb.json") == (folder / "kb.json").read_bytes()
        pages = [archive.read(n).decode("utf-8") for n in names if n.endswith(".html")]
    assert not [p for p in pages if "127.0.0.1:8000" in p or PUBLISHED in p]


def test_each_release_is_published_at_its_versioned_address_unchanged(released, kb):
    project, site = released
    version = kb.meta.version
    frozen, published = project / "releases" / version, site / "v" / version
    zip_name = offline_name(version)
    assert (published / "kb.schema.json").read_bytes() == (frozen / "kb.schema.json").read_bytes()
    assert (published / zip_name).read_bytes() == (frozen / zip_name).read_bytes()
    assert (published / "kb.json").read_bytes() == with_address((frozen / "kb.json").read_bytes(), PUBLISHED)
    # The released version is what the site shows: its kb.json is the site's, byte for byte.
    assert (published / "kb.json").read_bytes() == (site / "kb.json").read_bytes()
    data = json.loads((published / "kb.json").read_text(encoding="utf-8"))
    assert data["version"] == version and data["causes"][0]["url"] == f"{PUBLISHED}causes/{kb.causes[0].id}/"
    latest = site / "v" / "latest"
    assert (latest / "kb.json").read_bytes() == (published / "kb.json").read_bytes()
    assert (latest / "kb.schema.json").read_bytes() == (published / "kb.schema.json").read_bytes()
    assert (latest / "cortisone-kb-offline.zip").read_bytes() == (published / zip_name).read_bytes()
    with zipfile.ZipFile(io.BytesIO((published / zip_name).read_bytes())) as archive:
        assert archive.testzip() is None


def test_the_training_page_links_the_downloads_and_cites_the_versioned_address(released, kb):
    _project, site = released
    version = kb.meta.version
    page = read_page(site / "training" / "index.html")
    for target in (f"../v/{version}/kb.json", f"../v/{version}/{offline_name(version)}", f"../v/{version}/kb.schema.json",
                   "../v/latest/kb.json", "../v/latest/cortisone-kb-offline.zip", "../changelog/"):
        assert target in page.links, target
    assert f"version {version}. {PUBLISHED} (accessed YYYY-MM-DD)." in page.text
    assert f"Version {version} as released: {PUBLISHED}v/{version}/kb.json." in page.text
    changelog = read_page(site / "changelog" / "index.html")
    assert f"../v/{version}/kb.json" in changelog.links and f"../v/{version}/{offline_name(version)}" in changelog.links
    pages = read_site(site)
    assert broken_links(site, {k: v for k, v in pages.items() if k in ("training/index.html", "changelog/index.html")}) == []


def test_a_second_release_of_the_same_version_is_a_no_op_and_with_other_content_is_refused(released, tmp_path, kb):
    project = release_project(tmp_path / "project")
    shutil.copytree(released[0] / "releases", project / "releases")
    again = make_release(project)
    assert again.returncode == 0 and "already released and the KB matches it: nothing to do" in again.stdout
    change_title(project)
    refused = make_release(project)
    assert refused.returncode != 0
    assert (f"kb/meta.yaml:4: version {kb.meta.version} was released (releases/{kb.meta.version}/) and the KB no "
            "longer matches its kb.json") in refused.stderr
    assert "Traceback" not in refused.stderr
    assert checksums_hold(project / "releases")
    assert sorted(p.name for p in (project / "releases").rglob("*")) == sorted(p.name for p in (released[0] / "releases").rglob("*"))


def test_a_build_refuses_a_changed_release_and_a_published_one_a_changed_released_version(released, tmp_path, kb):
    project = release_project(tmp_path / "project")
    shutil.copytree(released[0] / "releases", project / "releases")
    change_title(project)
    local = build(project, tmp_path / "local", site_url="http://127.0.0.1:8000/")
    assert local.returncode == 0, local.stderr  # editing locally goes on; publishing the change does not
    published = build(project, tmp_path / "published")
    assert published.returncode != 0
    assert f"kb/meta.yaml:4: version {kb.meta.version} was released" in published.stderr
    assert "Traceback" not in published.stderr
    frozen = project / "releases" / kb.meta.version / "kb.json"
    frozen.write_bytes(frozen.read_bytes().replace(b"cortisone", b"cortizone", 1))
    tampered = build(project, tmp_path / "tampered", site_url="http://127.0.0.1:8000/")
    assert tampered.returncode != 0
    assert (f"releases/{kb.meta.version}/kb.json:1: changed after its release (its SHA-256 is not the one "
            "releases/SHA256SUMS:1 records)") in tampered.stderr
    assert "Traceback" not in tampered.stderr
