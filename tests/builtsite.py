"""`python tests/builtsite.py [--search] SITE_DIR`: is a built site whole, whichever engine built it?

A link check cannot see a site whose search never loads or whose navigation lost the causes. This reads a built
site folder (MkDocs with Material, or Zensical) and reports, one line each:
- the search index: present (Material's search/search_index.json, and the whole index it names, search/kb-index.json,
  on this site; or Zensical's search.json), loadable JSON, with entries, and every cause's page in it;
- the navigation: every cause of the site's kb.json linked from the primary navigation of the home page;
- the page checks: every page carries the Content-Security-Policy that the page checks write only after checking it
  (macros/kb/pagesafety.py, run by the MkDocs hooks): a page without it was never checked;
- with --search, search answers: the home page is served on 127.0.0.1 and opened in Debian's Chromium, a query is
  typed into the search box, and a result link must appear within SEARCH_SECONDS (not "Initializing search").
Exit 0 if whole, 1 with the problems. `make build-zensical` runs it on Zensical's build.
"""
from __future__ import annotations

import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

SEARCH_INDEXES = ("search/search_index.json", "search.json")  # Material's, Zensical's
POLICY_MARK = '<meta http-equiv="Content-Security-Policy"'
NOT_CHECKED = {"404.html"}  # written by the theme outside the page events; it links nothing of the KB's
SEARCH_QUERY = "infection"
SEARCH_SECONDS = 15


def cause_paths(site: Path) -> tuple[list[str], list[str]]:
    """Each cause's page address relative to the site (causes/<id>/), from the site's kb.json; and problems."""
    try:
        data = json.loads((site / "kb.json").read_text(encoding="utf-8"))
        return [f"causes/{cause['id']}/" for cause in data["causes"]], []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [], [f"kb.json: cannot read the causes from it ({exc.__class__.__name__}): was the KB's export built?"]


def search_problems(site: Path, causes: list[str]) -> list[str]:
    found = [site / name for name in SEARCH_INDEXES if (site / name).is_file()]
    if not found:
        return [f"search: no search index ({' or '.join(SEARCH_INDEXES)}): search cannot answer"]
    index = found[0]
    label = index.relative_to(site).as_posix()
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
        whole = (data.get("config") or {}).get("kb", {}).get("index")
        if isinstance(whole, str) and not data.get("docs"):  # this site's theme index names where the documents are
            index, label = site / whole, whole
            data = json.loads(index.read_text(encoding="utf-8"))
        entries = data.get("docs", data.get("items"))
        locations = {str(entry["location"]).split("#")[0] for entry in entries}
    except (OSError, ValueError, AttributeError, KeyError, TypeError) as exc:
        return [f"{label}: cannot be loaded as a search index ({exc.__class__.__name__}: {str(exc)[:80]})"]
    if not entries:
        return [f"{label}: holds no entries: search cannot answer"]
    return [f"{label}: the cause page {cause} is not in the search index" for cause in causes if cause not in locations]


class _Nav(HTMLParser):
    """The links of the primary navigation (Material's and Zensical's `md-nav--primary`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.links = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            if self.depth or "md-nav--primary" in (attrs.get("class") or "").split():
                self.depth += 1
        elif tag == "a" and self.depth and attrs.get("href") is not None:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def nav_problems(site: Path, causes: list[str]) -> list[str]:
    home = site / "index.html"
    if not home.is_file():
        return ["index.html: missing: no home page"]
    parser = _Nav()
    parser.feed(home.read_text(encoding="utf-8"))
    if not parser.links:
        return ["index.html: has no primary navigation (nav.md-nav--primary)"]
    linked = {urlsplit(href).path.removeprefix("./").removesuffix("index.html") for href in parser.links}
    return [f"index.html: the navigation does not list the cause {cause}" for cause in causes if cause not in linked]


def page_check_problems(site: Path) -> list[str]:
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).as_posix() not in NOT_CHECKED)
    unchecked = [p.relative_to(site).as_posix() for p in pages
                 if POLICY_MARK not in p.read_text(encoding="utf-8", errors="replace") and not _is_redirect(p)]
    if not pages:
        return ["no HTML pages: nothing was built"]
    if unchecked:
        shown = ", ".join(unchecked[:5]) + (f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else "")
        return [f"the page checks did not run on {len(unchecked)} of {len(pages)} pages (no Content-Security-Policy "
                f"written by them): {shown}"]
    return []


def _is_redirect(page: Path) -> bool:
    head = page.read_text(encoding="utf-8", errors="replace")[:2000]
    return 'http-equiv="refresh"' in head and "md-nav" not in head


def search_answer_problems(site: Path, query: str = SEARCH_QUERY, seconds: float = SEARCH_SECONDS,
                           browser=None) -> list[str]:
    """Type query into the home page's search box in Chromium; a result link must appear. A test passes its session's
    browser (Playwright allows one per process); otherwise Debian's Chromium is started here."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from playwright.sync_api import sync_playwright

    from tests.support import CHROMIUM, CHROMIUM_ARGS, serve

    if browser is None:
        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                return search_answer_problems(site, query, seconds, own)
            finally:
                own.close()
    from playwright.sync_api import Error as PlaywrightError

    with serve(site) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                       or route.request.url.startswith(("data:", "blob:")) else route.abort())
            page.goto(url, wait_until="load")
            box = page.locator('[data-md-component="search-query"]').first
            page.evaluate("() => { const t = document.getElementById('__search');"
                          " if (t) { t.checked = true; t.dispatchEvent(new Event('change')); } }")
            box.fill(query)
            box.press("End")
            try:
                page.wait_for_function("""() => document.querySelector(
                    '[data-md-component="search-result"] a[href]') !== null""", timeout=seconds * 1000)
            except PlaywrightError:
                meta = page.locator('[data-md-component="search-result"]').first.inner_text(timeout=1000)
                said = " ".join(meta.split())[:80]
                return [f"search: typing {query!r} on the home page gave no result within {seconds:g} s "
                        f"(the search box says {said!r}): search does not answer"]
        finally:
            context.close()
    return []


def site_problems(site: Path, search: bool = False, browser=None) -> list[str]:
    """Every problem of the built site at site (with search=True, search is also asked in a browser)."""
    if not site.is_dir():
        return [f"{site}: not a folder: nothing was built"]
    causes, problems = cause_paths(site)
    problems += search_problems(site, causes) + nav_problems(site, causes) + page_check_problems(site)
    if search and not any(p.startswith(("search:", SEARCH_INDEXES[0], SEARCH_INDEXES[1])) for p in problems):
        problems += search_answer_problems(site, browser=browser)
    return problems


def main(argv: list[str]) -> int:
    search = "--search" in argv
    args = [a for a in argv if a != "--search"]
    if len(args) != 1:
        print("usage: python tests/builtsite.py [--search] SITE_DIR", file=sys.stderr)
        return 2
    site = Path(args[0])
    problems = site_problems(site, search)
    for problem in problems:
        print(f"{site}/{problem}" if not problem.startswith(str(site)) else problem, file=sys.stderr)
    if problems:
        print(f"error: the site built in {site} is not whole: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{site}: search index, navigation and page checks are whole" + (", and search answers" if search else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
