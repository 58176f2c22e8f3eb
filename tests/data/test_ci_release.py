"""Releases cut by CI: a content change without a new version fails the pull request's check (`make release-check`,
compared with the base branch) with what to do; a new version passes it, and once on main the publishing workflow's
own step (`make release-ci`) freezes it into releases/<version>/ with its checksums and commits it, never over an
existing release. Each case runs the real make targets in a temporary git repository holding a copy of the project
and its committed releases; the workflows are read to prove they call those same targets."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_project
from macros.kb.releases import offline_name

GIT = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main"]
MAKE_FILES = ("Makefile", "requirements.txt", "pyproject.toml")
# The project as it stands (its version released) and the next version a pull request gives it.
CURRENT = yaml.safe_load((ROOT / "kb" / "meta.yaml").read_text(encoding="utf-8"))["version"]
NEW = f"{CURRENT.split('.')[0]}.{int(CURRENT.split('.')[1]) + 1}.0"
CHANGED = (f"kb/meta.yaml:4: version {CURRENT} was released (releases/{CURRENT}/) and the KB no longer matches its kb.json: "
           "a release never changes, so give the changed KB a new version here and say what changed in the "
           "changelog; CI releases the new version when the change reaches main")
CANNOT = ("error: this change cannot be released as it stands: a change of the knowledge base's content needs a new "
          "version in kb/meta.yaml, with a changelog entry saying what changed")


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def make(project: Path, target: str, **env: str) -> subprocess.CompletedProcess:
    """A make target as CI runs it, with this session's Python packages (no virtualenv is built)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "KB_"))}
    return subprocess.run(["make", "--no-print-directory", target, f"BIN={Path(sys.executable).parent}",
                           f"STAMP={project / 'installed'}"], cwd=project, capture_output=True, text=True,
                          timeout=600, env=dict(clean, **env))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository whose main branch holds the project at its current version with its releases; a pull request's branch is
    checked out, and origin/main names main as CI's checkout does."""
    path = copy_project(tmp_path / "project")
    for name in MAKE_FILES:
        shutil.copy(ROOT / name, path)
    shutil.copytree(ROOT / "releases", path / "releases")
    (path / ".gitignore").write_text("installed\n", encoding="utf-8")
    (path / "installed").touch()  # newer than the lock: make must not build a virtualenv
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-qm", f"The project at {CURRENT}, released")
    git(path, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(path, "checkout", "-qb", "edit-from-the-web")
    return path


def change_content(project: Path) -> None:
    """A clinical editor's web edit: one red flag's question reworded."""
    flags = project / "kb" / "red-flags.yaml"
    text = flags.read_text(encoding="utf-8")
    old = "  ask: Since the injection, has the area become hotter, redder or more swollen, or has a fever developed?"
    assert old in text
    flags.write_text(text.replace(old, old.replace("a fever developed", "fever or shivering started")), encoding="utf-8")


def bump(project: Path, version: str = NEW, changelog: bool = True) -> None:
    meta = project / "kb" / "meta.yaml"
    text = meta.read_text(encoding="utf-8").replace(f"version: {CURRENT}\n", f"version: {version}\n", 1)
    if changelog:
        text = text.replace("changelog:\n", f'changelog:\n  - version: {version}\n    date: "2026-12-07"\n'
                                            "    changes:\n      - text: The joint infection red flag asks about "
                                            "shivering too.\n        entries: [joint-infection]\n", 1)
    meta.write_text(text, encoding="utf-8")


def commit(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-qm", message)


def merge_to_main(project: Path) -> None:
    git(project, "checkout", "-q", "main")
    git(project, "merge", "-q", "--ff-only", "edit-from-the-web")


def sums(project: Path) -> list[str]:
    return (project / "releases" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()


# --- the pull request's check -----------------------------------------------------------------------------------

def test_a_content_change_without_a_new_version_fails_the_pull_requests_check(project):
    change_content(project)
    commit(project, "Reword the infection question")
    result = make(project, "release-check", KB_BASE_REF="origin/main")
    assert result.returncode != 0
    said = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert said == [CHANGED, CANNOT]
    assert "Traceback" not in result.stderr


def test_a_new_version_passes_the_pull_requests_check(project):
    change_content(project)
    bump(project)
    commit(project, f"Reword the infection question; KB {NEW}")
    result = make(project, "release-check", KB_BASE_REF="origin/main")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"version {NEW} is new: CI releases it when this change reaches main"


def test_a_change_that_touches_no_released_content_needs_no_version(project):
    (project / "docs" / "about.md").write_text("# About\n\nReworded.\n", encoding="utf-8")
    commit(project, "Reword the about page")
    result = make(project, "release-check", KB_BASE_REF="origin/main")
    assert result.returncode == 0, result.stderr


def test_a_new_version_without_a_changelog_entry_or_older_than_the_base_fails_the_check(project):
    change_content(project)
    bump(project, changelog=False)
    commit(project, f"KB {NEW} without saying what changed")
    result = make(project, "release-check", KB_BASE_REF="origin/main")
    assert result.returncode != 0 and NEW in result.stderr and "changelog" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_base_branch_that_is_not_fetched_fails_the_check_with_how_to_fetch_it(project):
    result = make(project, "release-check", KB_BASE_REF="origin/release")
    assert result.returncode != 0
    assert "KB_BASE_REF=origin/release is not in this checkout" in result.stderr


# --- the publishing workflow's release step, run here ----------------------------------------------------------

def test_ci_releases_a_new_version_with_its_checksums_and_commits_it_then_refuses_to_write_over_it(project, tmp_path):
    change_content(project)
    bump(project)
    commit(project, f"Reword the infection question; KB {NEW}")
    merge_to_main(project)
    merged = git(project, "rev-parse", "HEAD").strip()
    before = sums(project)
    outputs = tmp_path / "github-output"
    result = make(project, "release-ci", GITHUB_OUTPUT=str(outputs))
    assert result.returncode == 0, result.stdout + result.stderr
    # (c) releases/<new>/ with its three files, each listed in SHA256SUMS with its checksum; earlier lines untouched.
    folder = project / "releases" / NEW
    names = ["kb.json", "kb.schema.json", offline_name(NEW)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    after = sums(project)
    assert after[:len(before)] == before
    assert after[len(before):] == [f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {NEW}/{n}"
                                   for n in names]
    assert b"fever or shivering started" in (folder / "kb.json").read_bytes()
    # ...committed on main by the workflow's bot, on top of the merge, with nothing else in the commit.
    head = git(project, "rev-parse", "HEAD").strip()
    assert git(project, "rev-parse", "HEAD~1").strip() == merged
    assert git(project, "log", "-1", "--format=%an|%s").strip() == \
        f"github-actions[bot]|Release {NEW}: frozen in releases/ by CI"
    assert set(git(project, "show", "--name-only", "--format=", "HEAD").split()) == \
        {"releases/SHA256SUMS", *(f"releases/{NEW}/{n}" for n in names)}
    assert git(project, "status", "--porcelain") == ""
    assert outputs.read_text(encoding="utf-8").splitlines() == ["released=true", f"version={NEW}", f"commit={head}"]
    # (d) run again (a later push to main): nothing to release, nothing written, no commit.
    outputs.unlink()
    again = make(project, "release-ci", GITHUB_OUTPUT=str(outputs))
    assert again.returncode == 0 and "already released and the KB matches it: nothing to release" in again.stdout
    assert git(project, "rev-parse", "HEAD").strip() == head and sums(project) == after
    assert outputs.read_text(encoding="utf-8").splitlines() == ["released=false", f"version={NEW}", f"commit={head}"]
    # (d) content changed on main without a new version: the existing release is never written over.
    flags = project / "kb" / "red-flags.yaml"
    flags.write_text(flags.read_text(encoding="utf-8").replace("fever or shivering started", "a fever started"),
                     encoding="utf-8")
    commit(project, "A change pushed straight to main")
    frozen = {p.name: p.read_bytes() for p in folder.iterdir()}
    refused = make(project, "release-ci")
    assert refused.returncode != 0
    assert (f"kb/meta.yaml:4: version {NEW} was released (releases/{NEW}/) and the KB no longer matches its "
            "kb.json") in refused.stderr
    assert "error: nothing was released" in refused.stderr and "Traceback" not in refused.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == frozen and sums(project) == after


def test_ci_refuses_a_release_folder_that_sha256sums_does_not_list(project):
    change_content(project)
    bump(project)
    (project / "releases" / NEW).mkdir()
    (project / "releases" / NEW / "kb.json").write_text("{}\n", encoding="utf-8")
    commit(project, f"KB {NEW} with a hand-made release folder")
    merge_to_main(project)
    result = make(project, "release-ci")
    assert result.returncode != 0
    assert f"releases/{NEW}/kb.json:1: is not listed in releases/SHA256SUMS" in result.stderr
    assert (project / "releases" / NEW / "kb.json").read_text(encoding="utf-8") == "{}\n"


def test_ci_fails_closed_on_a_shallow_checkout(project, tmp_path):
    change_content(project)
    bump(project)
    commit(project, f"KB {NEW}")
    merge_to_main(project)
    clone = tmp_path / "shallow"
    git(tmp_path, "-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1", f"file://{project}", str(clone))
    for name in ("installed",):
        (clone / name).touch()
    result = make(clone, "release-ci")
    assert result.returncode != 0 and "shallow git checkout" in result.stderr
    assert not (clone / "releases" / NEW).exists()


# --- the workflows call these targets ---------------------------------------------------------------------------

def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_the_pull_request_workflow_runs_the_release_check_against_its_base_branch():
    [job] = workflow("pull-request.yml")["jobs"].values()
    step = next(s for s in job["steps"] if s.get("run") == "make release-check")
    assert step["env"] == {"KB_BASE_REF": "origin/${{ github.base_ref || 'main' }}"}
    assert job["steps"][0]["with"]["fetch-depth"] == 0  # the base branch and the releases' history are there
    assert job["steps"].index(step) < next(i for i, s in enumerate(job["steps"]) if s.get("run") == "make test")


def test_the_publishing_workflow_releases_on_main_only_then_builds_the_release_commit():
    flow = workflow("pages.yml")
    release, build = flow["jobs"]["release"], flow["jobs"]["build"]
    assert release["if"] == "github.ref == 'refs/heads/main'"
    assert release["permissions"] == {"contents": "write"}  # the only job that may write to the repository
    assert all(job["permissions"].get("contents") != "write" for name, job in flow["jobs"].items() if name != "release")
    runs = [s.get("run", "") for s in release["steps"]]
    cut = next(s for s in release["steps"] if s.get("run") == "make release-ci BUILD_ONLY=1")
    assert release["steps"][0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    push = next(s for s in release["steps"] if " push " in s.get("run", ""))
    assert push["if"] == "steps.release.outputs.released == 'true'" and cut["id"] == "release"
    assert "HEAD:refs/heads/main" in push["run"] and "--force" not in push["run"]
    assert runs.index(cut["run"]) < runs.index(push["run"])
    assert release["outputs"]["commit"] == "${{ steps.release.outputs.commit }}"
    assert build["needs"] == "release"
    assert build["steps"][0]["with"]["ref"] == "${{ needs.release.outputs.commit || github.sha }}"
    assert next(s for s in build["steps"] if s.get("run", "").startswith("make build"))["run"] == "make build BUILD_ONLY=1"
