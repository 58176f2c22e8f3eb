"""The built-site checker that `make build-zensical` runs (tests/builtsite.py): the MkDocs build is whole, and a site
whose search index is missing or broken, whose navigation lost a cause, whose pages were never checked, or whose
search never answers is refused with what is wrong. The broken sites are copies of the real build, broken on purpose."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from builtsite import main, search_answer_problems, site_problems
from conftest import ROOT


@pytest.fixture
def copy(site: Path, tmp_path: Path) -> Path:
    """The built site without its released versions (not needed here, and large)."""
    target = tmp_path / "site"
    shutil.copytree(site, target, ignore=lambda folder, names: ["v"] if Path(folder) == site else [])
    return target


def test_the_mkdocs_build_is_whole_and_its_search_answers(site, browser):
    assert site_problems(site, search=True, browser=browser) == []


def test_a_site_without_a_search_index_is_refused(copy, capsys):
    (copy / "search" / "search_index.json").unlink()
    assert main([str(copy)]) == 1
    err = capsys.readouterr().err
    assert f"{copy}/search: no search index (search/search_index.json or search.json): search cannot answer" in err
    assert err.splitlines()[-1] == f"error: the site built in {copy} is not whole: 1 problem(s)"


def test_a_search_index_that_cannot_be_loaded_is_refused(copy):
    index = copy / "search" / "search_index.json"
    index.write_text("{not json", encoding="utf-8")
    assert site_problems(copy) == ["search/search_index.json: cannot be loaded as a search index (JSONDecodeError: "
                                   "Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"]


def test_a_cause_missing_from_the_search_index_is_refused(site, copy):
    """The theme's index names the whole one (search/kb-index.json), which the worker fetches: it is the one read."""
    data = json.loads((site / "search" / "kb-index.json").read_text(encoding="utf-8"))
    data["docs"] = [d for d in data["docs"] if not d["location"].startswith("causes/delayed-effect/")]
    (copy / "search" / "kb-index.json").write_text(json.dumps(data), encoding="utf-8")
    assert site_problems(copy) == [
        "search/kb-index.json: the cause page causes/delayed-effect/ is not in the search index"]


def test_a_theme_index_naming_a_missing_whole_index_is_refused(copy):
    (copy / "search" / "kb-index.json").unlink()
    [problem] = site_problems(copy)
    assert problem.startswith("search/kb-index.json: cannot be loaded as a search index (FileNotFoundError")


def test_a_cause_missing_from_the_navigation_is_refused(copy):
    home = copy / "index.html"
    html = home.read_text(encoding="utf-8")
    nav_start = html.index('class="md-nav md-nav--primary"')
    nav, rest = html[nav_start:], html[:nav_start]
    nav = re.sub(r'<a href="causes/delayed-effect/"[^>]*>', '<a href="#gone">', nav, count=1)
    home.write_text(rest + nav, encoding="utf-8")
    assert site_problems(copy) == ["index.html: the navigation does not list the cause causes/delayed-effect/"]


def test_pages_the_page_checks_never_saw_are_refused(copy):
    for name in ("faq/index.html", "red-flags/index.html"):
        page = copy / name
        page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                               page.read_text(encoding="utf-8")), encoding="utf-8")
    [problem] = site_problems(copy)
    assert re.fullmatch(r"the page checks did not run on 2 of \d+ pages \(no Content-Security-Policy written by "
                        r"them\): faq/index.html, red-flags/index.html", problem)


def test_a_search_that_never_answers_is_refused(copy, browser):
    # What Zensical showed with the overridden search partial: the box stays at "Initializing search".
    for worker in (copy / "assets").rglob("*search*.js"):
        worker.write_text("/* no search here */\n", encoding="utf-8")
    assert search_answer_problems(copy, seconds=3, browser=browser) == [
        "search: typing 'infection' on the home page gave no result within 3 s (the search box says "
        "'Initializing search'): search does not answer"]


def test_make_build_zensical_runs_the_checker_with_search_after_the_link_check():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild-zensical:")[1].split("\n\n")[0]
    lines = [line.strip() for line in recipe.splitlines()[1:]]
    assert lines[-1] == "$(BIN)/python tests/builtsite.py --search $(ZENSICAL_WORK)/site"
    assert lines[-2] == "$(BIN)/python tests/sitecheck.py $(ZENSICAL_WORK)/site"


@pytest.mark.slow  # its own virtualenv the first time (about a minute), then a full build and a browser
def test_the_fallback_engine_properdocs_builds_a_whole_site():
    import subprocess

    result = subprocess.run(["make", "--no-print-directory", "build-properdocs"], cwd=ROOT, capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert ("build/properdocs/site: search index, navigation and page checks are whole, and search answers"
            in result.stdout)
