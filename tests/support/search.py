"""Search as a reader meets it, asked two ways: of the site's own worker directly, and typed into the real box.

Ranking is the worker's (docs/assets/kb-search.js): `Worker` starts it in Chromium with one copy's whole index
(the served site's search/kb-index.json, or the offline copy's search_index.js) and asks it queries as the theme does,
hundreds a second. Which of its results a reader sees as links is the theme's drawing plus docs/assets/results.js,
restated in `drawn_groups` in a few lines; `SearchBox` types into the real box, and a parity test
(tests/browser/test_search_parity.py) holds the two to the same first links.

The query sets are in tests/search/: queries.yaml, dev.yaml and the dev-*.yaml sets, the part search is tuned
against, and heldout.yaml, written with queries.yaml before any tuning and never tuned against; a query passes
when one of its right answers is among the first TOP links a reader sees. They are a benchmark (`make bench`,
and a floor test at TARGET). safety.yaml is a hard gate: every red-flag query opens on its red flag, and no
everyday query opens on any red flag (tests/browser/test_search_safety.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from tests.support import ROOT

QUERY_DIR = ROOT / "tests" / "search"
QUERY_SETS = {"tuning": ("queries.yaml", "dev.yaml", "dev-voices.yaml", "dev-mixed.yaml", "dev-point-of-care.yaml",
                         "dev-stories.yaml", "dev-breadth.yaml", "dev-sites.yaml", "dev-aftercare.yaml",
                         "dev-differentials.yaml"),
              "held-out": ("heldout.yaml",)}
SAFETY_FILE = QUERY_DIR / "safety.yaml"
TOP = 3  # result links that count
TARGET = 0.9
RED_FLAGS_PAGE = "red-flags/"


@dataclass(frozen=True)
class Query:
    """A query as a user types it, and the addresses (relative to the site root) that answer it."""

    text: str
    answers: tuple[str, ...]


def load_queries(name: str) -> list[Query]:
    """The queries of one set ("tuning" or "held-out")."""
    return [Query(item["query"], tuple(item["answers"]))
            for file in QUERY_SETS[name] for item in yaml.safe_load((QUERY_DIR / file).read_text(encoding="utf-8"))]


@dataclass(frozen=True)
class SafetyQueries:
    """safety.yaml: queries that must open on their red flag, and everyday queries that must open on none."""

    red_flags: tuple[tuple[str, str], ...]  # (query, red flag id)
    everyday: tuple[str, ...]


def load_safety(path: Path = SAFETY_FILE) -> SafetyQueries:
    """Read safety.yaml; a malformed entry fails with `file:line: what is wrong`."""
    label = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    if not isinstance(data, dict) or set(data) != {"red_flags", "everyday"}:
        raise ValueError(f"{label}:1: must hold exactly two lists, red_flags and everyday")
    lines = {key.value: [item.start_mark.line + 1 for item in value.value] for key, value in root.value}
    for part, required in (("red_flags", {"query", "red_flag", "why"}), ("everyday", {"query", "why"})):
        for line, item in zip(lines[part], data[part] or [], strict=True):
            if not isinstance(item, dict) or set(item) != required or not all(isinstance(item[k], str) and item[k].strip()
                                                                              for k in required):
                problems.append(f"{label}:{line}: a {part} entry must have {', '.join(sorted(required))} (text), nothing else")
    if problems:
        raise ValueError("\n".join(problems))
    return SafetyQueries(tuple((item["query"], item["red_flag"]) for item in data["red_flags"]),
                         tuple(item["query"] for item in data["everyday"]))


def site_address(href: str, root: str) -> str:
    """A result link as an address relative to the site root, in the online site's form: no `?h=` highlight
    parameter, and the offline copy's `faq.html` or `causes/x.html` written `faq/` or `causes/x/`."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    root_path = unquote(urlsplit(root).path)
    path = path[len(root_path):] if path.startswith(root_path) else path.lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    return path + (f"#{parts.fragment}" if parts.fragment else "")


# ---- What a reader sees: the theme's drawing of the worker's answer, and results.js --------------------------

def _draw(group: list[tuple[str, float]]) -> tuple[list[str], list[str]]:
    """One page of a worker's answer, as drawn: (the links seen, the links folded under "N more on this page").

    The theme draws the page (the group's first location without '#', else its last) and, under it, the sections
    that score as high as the group's first; it folds the rest. results.js turns the page's link into a plain
    label when a section is drawn under it, so a reader sees the sections, or the page alone."""
    docs = list(group)
    top = docs[0][1]
    page = docs.pop(next((i for i, (location, _score) in enumerate(docs) if "#" not in location), -1))
    shown = next((i for i, (_location, score) in enumerate(docs) if score < top), len(docs))
    best, folded = docs[:shown], docs[shown:]
    return [location for location, _score in best or [page]], [location for location, _score in folded]


def drawn_groups(items: list[list[tuple[str, float]]]) -> list[list[str]]:
    """The links drawn for each page of a worker's answer (groups of (location, score), best first), in order,
    the folded ones last in each group."""
    return [seen + folded for seen, folded in map(_draw, items)]


def visible_links(items: list[list[tuple[str, float]]]) -> list[str]:
    """The result links a reader sees, in order: each page's links, not the folded ones."""
    return [location for group in items for location in _draw(group)[0]]


# ---- The site's own worker, asked directly ---------------------------------------------------------------------

# `window.engine(index)` starts the site's worker for an index and returns {ready, ask(query), stop}; ask answers
# with the theme's RESULT message data (SETUP is message 0, QUERY 2, RESULT 3).
ENGINE = """() => {
  window.engine = (index) => {
    const worker = new Worker('assets/kb-search.js');
    const send = (message) => new Promise((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage(message);
    });
    const ready = send({type: 0, data: {config: index.config, docs: index.docs}});
    return {ready, ask: async (query) => { await ready; return (await send({type: 2, data: query})).data; },
            stop: () => worker.terminate()};
  };
}"""

_START = """async (index) => { const start = performance.now(); window.kbEngine = window.engine(index);
  await window.kbEngine.ready; return performance.now() - start; }"""
_ASK = """async ([queries, groups]) => { const out = [];
  for (const query of queries) {
    const start = performance.now();
    const result = await window.kbEngine.ask(query);
    out.push([performance.now() - start,
              result.items.slice(0, groups).map((group) => group.map((doc) => [doc.location, doc.score]))]);
  }
  return JSON.stringify(out); }"""  # one string crosses to Python much faster than thousands of objects


def read_index(site_dir: Path) -> dict:
    """A built copy's whole search index: search/kb-index.json online (the worker fetches it on the first query;
    search_index.json, which the theme fetches on every page, only says where it is), the offline copy's
    search_index.js (a script)."""
    index = site_dir / "search" / "kb-index.json"
    if index.exists():
        return json.loads(index.read_text(encoding="utf-8"))
    text = (site_dir / "search" / "search_index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("{"):text.rindex("}") + 1])


class Worker:
    """The search worker of one built copy, started in a page of that copy (served on 127.0.0.1, since Chromium
    runs no worker from file://) with the copy's own index, and asked queries as the theme asks them."""

    def __init__(self, context, url: str, site_dir: Path) -> None:
        self.root = url
        self.page = context.new_page()
        self.page.goto(url + "404.html")
        self.page.evaluate(ENGINE)
        self.setup_ms = self.page.evaluate(_START, read_index(site_dir))
        self.times_ms: list[float] = []

    def answers(self, queries: list[str], groups: int = TOP) -> list[list[list[tuple[str, float]]]]:
        """Each query's answer: its first groups (pages) of (location, score), best first. Each page drawn shows at
        least one link, so the first TOP pages hold the first TOP links."""
        out = []
        for elapsed, items in json.loads(self.page.evaluate(_ASK, [list(queries), groups])):
            self.times_ms.append(elapsed)
            out.append([[(location, score) for location, score in group] for group in items])
        return out

    def links(self, queries: list[str]) -> list[list[str]]:
        """The links a reader sees for each query, as online addresses (relative to the site root)."""
        return [[site_address(self.root + location, self.root) for location in visible_links(items)]
                for items in self.answers(queries)]

    def first_links(self, query: str, count: int = TOP) -> list[str]:
        return self.links([query])[0][:count]

    def drawn(self, query: str) -> list[list[str]]:
        """Every link drawn for query, one list per page (folded ones included), as online addresses."""
        return [[site_address(self.root + location, self.root) for location in group]
                for group in drawn_groups(self.answers([query], groups=100)[0])]

    def close(self) -> None:
        self.page.evaluate("() => window.kbEngine.stop()")
        self.page.close()


# ---- The real search box, typed into ---------------------------------------------------------------------------

# Material's search asks a web worker once per keystroke and draws each answer as it arrives. Counting
# questions (message type 2) and answers (type 3) tells when the results shown are those of the last key
# typed. The offline copy swaps in its own Worker (an iframe shim) after this runs: the setter wraps it too.
TRACK_SEARCH = """(() => {
  const counts = window.__kbSearch = {asked: 0, answered: 0};
  const wrap = (Native) => Native && class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => { if (event.data && event.data.type === 3) counts.answered += 1; });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) counts.asked += 1;
      return super.postMessage(message, ...rest);
    }
  };
  let current = wrap(window.Worker);
  Object.defineProperty(window, "Worker", {configurable: true, get: () => current, set: (value) => { current = wrap(value); }});
})();"""

SEARCH_ANSWERED = """(query) => { const counts = window.__kbSearch;
    return document.querySelector('input.md-search__input').value === query
        && counts !== undefined && counts.asked > 0 && counts.answered === counts.asked; }"""


def wait_for_search(page, query: str, timeout: float = 20_000) -> None:
    """Wait until the search box holds query and every search typed so far has been answered and drawn.

    The page (or its context) must have been given TRACK_SEARCH with add_init_script before it loaded."""
    page.wait_for_function(SEARCH_ANSWERED, arg=query, timeout=timeout)


# The result links a reader sees, in order: each result's page, then its best sections; not the folded ones.
VISIBLE_LINKS = """() => Array.from(document.querySelectorAll('.md-search-result__list > li a'))
  .filter((a) => !a.closest('details')).map((a) => a.href)"""


class SearchBox:
    """The search box of one open page, reused query after query."""

    def __init__(self, page, root: str) -> None:
        self.page, self.root = page, root
        self.box = page.locator("input.md-search__input")
        # Open the search dialog as its header button does (on a phone the box is hidden until then).
        page.evaluate("() => { const toggle = document.getElementById('__search');"
                      " toggle.checked = true; toggle.dispatchEvent(new Event('change')); }")
        self.box.focus()

    def search(self, query: str, keystrokes: bool = False) -> list[str]:
        """Put query in the box, wait until its results are drawn, and return the first result links. The query is
        typed key by key with keystrokes, else filled in and ended with one key (the theme asks on each key)."""
        self.box.fill("")
        if keystrokes:
            self.box.press_sequentially(query, delay=5)
        else:
            self.box.fill(query)
            self.box.press("End")
        wait_for_search(self.page, query)
        return [site_address(href, self.root) for href in self.page.evaluate(VISIBLE_LINKS)[:TOP]]


def open_search(context, url: str) -> SearchBox:
    """Open url in a new page of context (which must carry TRACK_SEARCH) and ready its search box."""
    page = context.new_page()
    page.goto(url)
    root = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
    return SearchBox(page, root)


# ---- Scores ----------------------------------------------------------------------------------------------------

@dataclass
class Score:
    """How one query set fared on one copy of the site."""

    name: str
    site: str
    passed: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)  # (query, the links seen)

    @property
    def total(self) -> int:
        return self.passed + len(self.failures)

    @property
    def ratio(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.name} on the {self.site} site: {self.passed}/{self.total} ({self.ratio:.0%})"


def score(worker: Worker, name: str, site: str, queries: list[Query] | None = None) -> Score:
    """Ask the worker every query of a set; count those with a right answer among the first TOP links seen."""
    queries = load_queries(name) if queries is None else queries
    result = Score(name, site)
    for query, links in zip(queries, worker.links([q.text for q in queries]), strict=True):
        if any(link in query.answers for link in links[:TOP]):
            result.passed += 1
        else:
            result.failures.append((query.text, links[:TOP]))
    return result


@dataclass
class Speed:
    """How long the site's search worker takes in Chromium: setting up the index, and each query (ms)."""

    setup_ms: float
    query_ms: list[float]

    @property
    def median_ms(self) -> float:
        return sorted(self.query_ms)[len(self.query_ms) // 2]

    @property
    def slowest_ms(self) -> float:
        return max(self.query_ms)

    def __str__(self) -> str:
        return (f"search worker: index set up in {self.setup_ms:.0f} ms; {len(self.query_ms)} queries, median "
                f"{self.median_ms:.1f} ms, slowest {self.slowest_ms:.1f} ms")
