"""Hostile input beyond kb/: frozen releases rewritten beside their checksums, a registry line deleted, a site
address that carries markup, a script the site did not write. Each case builds what it needs in a temporary
folder (a git repository where history matters) and asserts the exact `file:line: message`."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from macros.kb import validate_kb
from macros.kb.history import BASE_ENV
from macros.kb.pagesafety import finish_page, theme_scripts
from macros.kb.publish import address_problem
from macros.kb.releases import KbError, history_problems, integrity_problems, offline_name, read_releases

ROOT = Path(__file__).resolve().parents[2]
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"]
SUMS = "releases/SHA256SUMS"


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def add_release(repo: Path, version: str, data: bytes = b'{"causes": []}\n') -> None:
    """A release folder with its three files, listed in SHA256SUMS the way `make release` lists them."""
    folder = repo / "releases" / version
    folder.mkdir(parents=True)
    files = {"kb.json": data, "kb.schema.json": b"{}\n", offline_name(version): b"PK zip of " + version.encode()}
    with (repo / SUMS).open("a", encoding="utf-8") as sums:
        for name, content in files.items():
            (folder / name).write_bytes(content)
            sums.write(f"{hashlib.sha256(content).hexdigest()}  {version}/{name}\n")


def rewrite(repo: Path, version: str, name: str, content: bytes) -> int:
    """Replace a released file and its checksum line together (what a hostile pull request would do)."""
    (repo / "releases" / version / name).write_bytes(content)
    lines = (repo / SUMS).read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.endswith(f"  {version}/{name}"))
    lines[n] = f"{hashlib.sha256(content).hexdigest()}  {version}/{name}"
    (repo / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n + 1


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose main branch released 1.0.0, then 1.1.0, in two commits."""
    path = tmp_path / "repo"
    (path / "releases").mkdir(parents=True)
    git(path, "init", "-q")
    add_release(path, "1.0.0")
    git(path, "add", "-A")
    git(path, "commit", "-qm", "Release 1.0.0")
    add_release(path, "1.1.0", b'{"causes": [{"url": "causes/a/"}]}\n')
    git(path, "add", "-A")
    git(path, "commit", "-qm", "Release 1.1.0")
    return path


def commit(repo: Path, message: str = "A pull request") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD").strip()


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


REWRITTEN = ("releases/SHA256SUMS:{line}: the line for {name} was rewritten: commit {commit} recorded another "
             "checksum, and a released file never changes; restore it with `git checkout {commit} -- releases/` and "
             "publish the change as a new version")
NO_HISTORY = ("releases/SHA256SUMS:1: cannot be checked against the commits that added the releases: {why}. Publishing "
              "needs that history: check out with full history (`git fetch --unshallow`; actions/checkout with "
              "fetch-depth: 0), or fetch the base branch and name it in KB_BASE_REF")


# --- a release is anchored in the history that added it ------------------------------------------------------------

def test_releases_as_committed_pass_in_every_path(repo):
    assert messages(integrity_problems(repo / "releases")) == []
    assert messages(history_problems(repo / "releases", strict=True)) == []


def test_a_release_rewritten_with_its_checksum_in_a_later_commit_is_refused(repo):
    line = rewrite(repo, "1.0.0", offline_name("1.0.0"), b"PK <script>alert(1)</script>")
    commit(repo, "Innocent-looking change")
    listed = git(repo, "rev-parse", "HEAD~1").strip()[:12]  # the newest commit that still has the line
    assert messages(integrity_problems(repo / "releases")) == []  # the checksums alone cannot see it
    assert messages(history_problems(repo / "releases")) == [
        REWRITTEN.format(line=line, name=f"1.0.0/{offline_name('1.0.0')}", commit=listed)]


def test_a_release_rewritten_in_the_working_tree_is_refused(repo):
    line = rewrite(repo, "1.1.0", "kb.json", b'{"causes": [{"url": "https://evil.example/"}]}\n')
    head = git(repo, "rev-parse", "HEAD").strip()[:12]
    assert messages(history_problems(repo / "releases")) == [
        REWRITTEN.format(line=line, name="1.1.0/kb.json", commit=head)]


def test_a_release_removed_with_its_checksum_lines_is_refused(repo):
    for name in ("kb.json", "kb.schema.json", offline_name("1.1.0")):
        (repo / "releases" / "1.1.0" / name).unlink()
    sums = repo / SUMS
    removed = tuple(f"1.1.0/{n}" for n in ("kb.json", "kb.schema.json", offline_name("1.1.0")))
    kept = [line for line in sums.read_text(encoding="utf-8").splitlines() if not line.endswith(removed)]
    sums.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
    commit(repo)
    head_parent = git(repo, "rev-parse", "HEAD~1").strip()[:12]
    found = messages(history_problems(repo / "releases"))
    assert found == [f"releases/SHA256SUMS:1: the line for 1.1.0/{name} is gone, but commit {head_parent} listed it: a "
                     f"released file is never removed; restore releases/ with `git checkout {head_parent} -- releases/`"
                     for name in ("kb.json", "kb.schema.json", offline_name("1.1.0"))]


def test_a_new_release_appended_in_a_pull_request_passes(repo):
    add_release(repo, "1.2.0")
    commit(repo, "Release 1.2.0")
    assert messages(history_problems(repo / "releases", strict=True)) == []


def test_a_shallow_checkout_passes_the_tests_but_fails_closed_when_publishing(repo, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert messages(history_problems(clone / "releases")) == []
    assert messages(history_problems(clone / "releases", strict=True)) == [NO_HISTORY.format(
        why="this is a shallow git checkout, so the commits that added the releases are missing")]


def test_a_shallow_checkout_with_the_base_branch_fetched_catches_a_rewrite(repo, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    base = git(clone, "rev-parse", "origin/main").strip()[:12]
    line = rewrite(clone, "1.0.0", "kb.json", b'{"causes": []}\n\n')
    commit(clone)
    assert messages(history_problems(clone / "releases", strict=True)) == [
        REWRITTEN.format(line=line, name="1.0.0/kb.json", commit=base)]


def test_a_base_ref_that_is_not_fetched_fails_closed_with_how_to_fetch_it(repo, monkeypatch):
    monkeypatch.setenv(BASE_ENV, "origin/release")
    assert messages(history_problems(repo / "releases")) == []
    assert messages(history_problems(repo / "releases", strict=True)) == [NO_HISTORY.format(
        why="KB_BASE_REF=origin/release is not in this checkout: fetch it first (git fetch origin release)")]


def test_releases_outside_git_fail_closed_only_when_publishing(tmp_path):
    (tmp_path / "copy" / "releases").mkdir(parents=True)
    add_release(tmp_path / "copy", "1.0.0")
    assert messages(history_problems(tmp_path / "copy" / "releases")) == []
    assert messages(history_problems(tmp_path / "copy" / "releases", strict=True)) == [NO_HISTORY.format(
        why="releases/ is not in a git checkout (or git is missing)")]


# --- released files that would raise a traceback ---------------------------------------------------------------

def test_a_checksum_list_that_is_not_utf8_is_reported_at_its_line(repo):
    sums = repo / SUMS
    lines = sums.read_bytes().split(b"\n")
    lines[1] = lines[1] + b"\xff"
    sums.write_bytes(b"\n".join(lines))
    expected = ["releases/SHA256SUMS:2: is not UTF-8 text: byte 0xff cannot be read; restore it from git"]
    assert messages(integrity_problems(repo / "releases")) == expected
    assert messages(history_problems(repo / "releases")) == expected
    with pytest.raises(KbError):
        read_releases(repo / "releases")


@pytest.mark.parametrize("content,expected", [
    (b"<html>not json</html>", "releases/1.0.0/kb.json:1: is not valid JSON: Expecting value"),
    (b'{"causes": [\n  1,\n  2,\n]}', "releases/1.0.0/kb.json:4: is not valid JSON: Expecting value"),
    (b'{"title": "caf\xe9"}', "releases/1.0.0/kb.json:1: is not UTF-8 text: byte 0xe9 cannot be read"),
    (b"[" * 200_000 + b"]" * 200_000, "releases/1.0.0/kb.json:1: is nested too deeply to be the KB's data"),
])
def test_a_released_kb_json_that_cannot_be_read_is_reported_not_a_traceback(repo, content, expected):
    rewrite(repo, "1.0.0", "kb.json", content)
    assert messages(integrity_problems(repo / "releases")) == [expected]


def test_a_released_file_that_is_a_link_is_refused(repo):
    target = repo / "releases" / "1.0.0" / "kb.json"
    target.rename(repo / "elsewhere.json")
    os.symlink(repo / "elsewhere.json", target)
    assert messages(integrity_problems(repo / "releases")) == [
        "releases/1.0.0/kb.json:1: is a link: a released file is a plain file"]


# --- a published address cannot disappear with its registry line ---------------------------------------------------

def test_an_address_a_release_published_cannot_be_deleted_from_the_registry(kb_copy):
    releases = kb_copy.parent / "releases" / "1.0.0"
    releases.mkdir(parents=True)
    registry = kb_copy / "addresses.txt"
    lines = registry.read_text(encoding="utf-8").splitlines()
    gone = next(line for line in lines if line.startswith("glossary/#"))
    registry.write_text("\n".join(line for line in lines if line != gone) + "\n", encoding="utf-8")
    (releases / "kb.json").write_text(json.dumps({"glossary": [{"id": "x", "url": gone}]}), encoding="utf-8")
    _docs, problems = validate_kb(kb_copy)
    assert [str(p) for p in problems] == [
        f"kb/addresses.txt:1: published address '{gone}' was released in 1.0.0 but is no longer in the registry: never "
        "delete a line; restore it, and keep its id or declare a redirect for it in kb/redirects.yaml"]


def test_a_release_that_is_not_json_does_not_stop_the_registry_check(kb_copy):
    releases = kb_copy.parent / "releases" / "1.0.0"
    releases.mkdir(parents=True)
    (releases / "kb.json").write_bytes(b"\xff not json")
    _docs, problems = validate_kb(kb_copy)
    assert problems == []


# --- the site's address and the repository's are addresses, never markup ------------------------------------------

NOT_AN_ADDRESS = ("{name} {value!r} is not a web address: give one such as {example} (http or https, a host name, "
                  "then only letters, digits and . - _ ~ % / in the path)")
SITE_EXAMPLE, REPO_EXAMPLE = "https://owner.github.io/cortisone-kb/", "https://github.com/owner/cortisone-kb"


@pytest.mark.parametrize("value", ['https://kb.example.org/"><script>alert(1)</script>/', "javascript:alert(1)//x/",
                                   "https://kb.example.org/a b/", "//evil.example/", "https://kb.example.org/'onload='x/",
                                   "https://kb.example.org:8443/kb/<svg>/", "ftp://kb.example.org/"])
def test_a_site_address_that_is_not_a_plain_address_is_refused(value):
    assert address_problem(value, "SITE_URL", folder=True) == NOT_AN_ADDRESS.format(
        name="SITE_URL", value=value, example=SITE_EXAMPLE)


@pytest.mark.parametrize("value", ['https://github.com/o/r"><img src=x>', "https://github.com/o/r?x=1&y=2",
                                   "https://github.com/o/r#frag", "data:text/html,x"])
def test_a_repository_address_that_is_not_a_plain_address_is_refused(value):
    assert address_problem(value, "KB_REPOSITORY") == NOT_AN_ADDRESS.format(
        name="KB_REPOSITORY", value=value, example=REPO_EXAMPLE)


def test_plain_addresses_pass_and_a_site_address_must_end_in_a_slash():
    assert [address_problem(v, "SITE_URL", folder=True) for v in ("", None, "http://127.0.0.1:8000/",
                                                                   "https://owner.github.io/cortisone-kb/")] == [None] * 4
    assert address_problem("https://github.com/owner/cortisone-kb", "KB_REPOSITORY") is None
    assert address_problem("https://kb.example.org", "SITE_URL", folder=True) == \
        "SITE_URL 'https://kb.example.org' must end in '/': give it as https://kb.example.org/"


def test_the_generator_for_other_engines_refuses_a_hostile_site_address(tmp_path, capsys):
    from macros.kb.generate import main

    assert main([str(tmp_path / "docs"), 'https://kb.example.org/"><script>x</script>/']) == 2
    assert "SITE_URL 'https://kb.example.org/\"><script>x</script>/' is not a web address" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()


# --- the policy hashes only the scripts the theme writes -------------------------------------------------------------

def _theme_dirs() -> list[Path]:
    import material

    return [ROOT / "overrides", Path(material.__file__).parent / "templates"]


def _page(*scripts: str) -> str:
    body = "".join(f"<script>{s}</script>" for s in scripts)
    return f'<!doctype html><html><head><meta charset="utf-8">{body}</head><body><p>x</p></body></html>'


@pytest.fixture(scope="module")
def known() -> tuple:
    return theme_scripts(_theme_dirs())


def _theme_script(known: tuple, base: str) -> str:
    """The theme's first script as written for a page whose base path is base."""
    template = (Path(_theme_dirs()[1]) / "partials" / "javascripts" / "base.html").read_text(encoding="utf-8")
    body = re.search(r"<script>(.*?)</script>", template, re.DOTALL).group(1)
    return re.sub(r"\{\{.*?\}\}", base, body)


@pytest.mark.parametrize("script,shown", [("alert(1)", "alert(1)"),
                                          ("var palette=__md_get('x');fetch('//evil.example')",
                                           "var palette=__md_get('x');fetch('//evil.example')")])
def test_an_inline_script_the_site_did_not_write_is_refused_not_hashed(known, script, shown):
    html, problems = finish_page(_page(_theme_script(known, "../.."), script), known_scripts=known)
    assert problems == [f"has an inline script the site did not write: {shown[:60]!r}"]


def test_a_theme_script_whose_address_was_replaced_by_code_is_refused(known):
    hostile = _theme_script(known, '",location),alert(1),new URL("')
    html, problems = finish_page(_page(hostile), known_scripts=known)
    assert problems == [f"has an inline script the site did not write: {hostile[:60]!r}"]


def test_the_themes_own_scripts_are_hashed(known):
    script = _theme_script(known, "../..")
    html, problems = finish_page(_page(script), known_scripts=known)
    assert problems == []
    digest = __import__("base64").b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in html


def test_an_address_the_base_branch_registers_cannot_be_deleted_in_a_pull_request(kb_copy):
    project = kb_copy.parent
    git(project, "init", "-q")
    commit(project, "The KB on main")
    git(project, "update-ref", "refs/remotes/origin/main", "HEAD")
    registry = kb_copy / "addresses.txt"
    lines = registry.read_text(encoding="utf-8").splitlines()
    gone = next(line for line in lines if line.startswith("faq/#"))
    registry.write_text("\n".join(line for line in lines if line != gone) + "\n", encoding="utf-8")
    base = git(project, "rev-parse", "origin/main").strip()[:12]
    commit(project, "Tidy the registry")
    _docs, problems = validate_kb(kb_copy)
    assert [str(p) for p in problems] == [
        f"kb/addresses.txt:1: published address '{gone}' is in the registry on the base branch ({base}) but not here: "
        "never delete a line; restore it, and keep its id or declare a redirect for it in kb/redirects.yaml"]


@pytest.mark.parametrize("site_url,repository,shown", [
    ('https://kb.example.org/"><script>alert(1)</script>/', "", "SITE_URL (site_url)"),
    ("https://kb.example.org/", "https://github.com/o/r\"><b>", "KB_REPOSITORY (extra.repository)"),
])
def test_the_build_stops_on_a_hostile_address_before_anything_is_written(site_url, repository, shown):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from macros.hooks import on_config

    config = SimpleNamespace(site_url=site_url, extra={"repository": repository}, nav=[], copyright="")
    with pytest.raises(PluginError) as caught:
        on_config(config)
    assert str(caught.value).startswith(f"{shown} ") and "is not a web address" in str(caught.value)


def test_a_first_release_needs_no_history(tmp_path):
    (tmp_path / "copy" / "releases").mkdir(parents=True)
    assert messages(history_problems(tmp_path / "copy" / "releases", strict=True)) == []
