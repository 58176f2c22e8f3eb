"""The reading of search results that the quality and safety tests rely on (the worker asked directly, the theme's
drawing and results.js restated in tests/support/search.py) gives the same first three links as the real search
box: about 30 queries typed online and 10 in the offline copy opened from disk, taken evenly from every query set
and the safety set, plus the cases the drawing rule turns on."""
from __future__ import annotations

import pytest

from tests.support.search import QUERY_SETS, TOP, TRACK_SEARCH, load_queries, load_safety, open_search

pytestmark = pytest.mark.browser

# A page that is itself the best match keeps its link; entries under a page make its heading a label; sections
# that score below a page's best are folded; a query that matches nothing shows no link.
RULE_CASES = ["red flags", "fever after joint injection", "steroid injection knee", "the"]


def sample(count: int) -> list[str]:
    """count queries, taken evenly from the query sets and the safety set (the same ones on every run)."""
    safety = load_safety()
    queries = [q.text for name in QUERY_SETS for q in load_queries(name)]
    queries += [query for query, _flag in safety.red_flags] + list(safety.everyday)
    step = len(queries) / count
    return [queries[int(i * step)] for i in range(count)]


ONLINE = RULE_CASES + sample(26)
OFFLINE = RULE_CASES[:2] + sample(8)


@pytest.fixture(scope="module")
def search_context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(TRACK_SEARCH)
    yield ctx
    ctx.close()


def disagreements(box, worker, queries) -> list[str]:
    expected = worker.links(queries)
    return [f"  {query!r}: box {typed}, worker read as drawn {links[:TOP]}"
            for query, links in zip(queries, expected, strict=True) if (typed := box.search(query)) != links[:TOP]]


def test_the_worker_read_as_drawn_agrees_with_the_search_box_online(search_context, server, online_worker):
    wrong = disagreements(open_search(search_context, server), online_worker, ONLINE)
    assert not wrong, "\n".join(wrong)


def test_the_worker_read_as_drawn_agrees_with_the_search_box_offline(search_context, offline_copy, offline_worker):
    wrong = disagreements(open_search(search_context, (offline_copy / "index.html").as_uri()), offline_worker, OFFLINE)
    assert not wrong, "\n".join(wrong)


def test_a_query_typed_key_by_key_shows_what_the_worker_answers_for_the_whole_query(search_context, server,
                                                                                     online_worker):
    """Every key asks the worker again; the links shown are those of the last answer."""
    query = "numb bum after epidural"
    assert open_search(search_context, server).search(query, keystrokes=True) == online_worker.first_links(query)
