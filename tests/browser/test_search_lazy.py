"""A lighter first visit: a page does not fetch the search documents until the reader opens the search box.

The theme fetches search/search_index.json on every page; online it holds only where the whole index is
(search/kb-index.json), which the page asks for when the search box opens and the worker fetches on the first
query. A query typed before it arrives is answered when it arrives; if it cannot be fetched, the reader is told
and pointed at the red flags, and the next query tries again. The offline copy keeps its whole index on disk.
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WHOLE_INDEX = "search/kb-index.json"


def open_search(page):
    page.evaluate("() => { const toggle = document.getElementById('__search');"
                  " toggle.checked = true; toggle.dispatchEvent(new Event('change')); }")
    box = page.locator("input.md-search__input")
    box.focus()
    return box


def result_links(page):
    return page.locator(".md-search-result__item a")


@pytest.fixture
def fresh(browser, server):
    """A fresh profile (an empty HTTP cache) and every request it makes."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    yield context, requests
    context.close()


def test_a_page_fetches_no_search_documents_until_the_reader_opens_search(fresh, server):
    context, requests = fresh
    page = context.new_page()
    page.goto(server + "checklist/")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("search/search_index.json") for url in requests), "the theme's start-up index"
    assert not any(url.endswith(WHOLE_INDEX) for url in requests)
    with page.expect_request_finished(lambda r: r.url.endswith(WHOLE_INDEX), timeout=10_000):
        box = open_search(page)
    box.press_sequentially("knee injection", delay=10)
    result_links(page).first.wait_for(timeout=10_000)
    assert result_links(page).count() > 0


def test_a_query_typed_before_the_index_arrives_is_answered_when_it_arrives(fresh, server):
    context, _requests = fresh
    held = []
    context.route("**/" + WHOLE_INDEX, lambda route: held.append(route))  # held until released below
    page = context.new_page()
    page.goto(server)
    box = open_search(page)
    box.press_sequentially("hot swollen knee", delay=10)
    page.wait_for_timeout(500)
    assert held, "the whole index was asked for"
    assert result_links(page).count() == 0
    for route in held:
        route.continue_()
    # Answered when it arrives, and a red-flag query still opens on its red flag.
    page.wait_for_function("""() => {
        const first = document.querySelector(".md-search-result__item a");
        if (!first) return false;
        const link = new URL(first.href);
        return link.pathname.endsWith("/red-flags/") && link.hash === "#joint-infection";
    }""", timeout=10_000)


def test_when_the_index_cannot_load_search_says_so_links_the_red_flags_and_tries_again(fresh, server):
    context, _requests = fresh
    context.route("**/" + WHOLE_INDEX, lambda route: route.abort())
    page = context.new_page()
    page.goto(server + "faq/")
    box = open_search(page)
    box.press_sequentially("knee", delay=10)
    notice = page.locator(".kb-search-read .kb-search-failed")
    notice.wait_for(timeout=10_000)
    assert "Search could not load" in notice.inner_text()
    assert notice.locator("a").get_attribute("href") == server + "red-flags/"
    context.unroute("**/" + WHOLE_INDEX)
    box.press_sequentially(" pain", delay=10)
    result_links(page).first.wait_for(timeout=10_000)
    assert page.locator(".kb-search-read .kb-search-failed").count() == 0


def test_the_offline_copy_keeps_its_whole_index_on_disk(offline_copy):
    assert not (offline_copy / WHOLE_INDEX).exists()
    script = (offline_copy / "search" / "search_index.js").read_text(encoding="utf-8")
    assert '"docs":[{' in script.replace(" ", "")
