"""`make offline` gives a zip that works from disk (file://) with no network, search included."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def offline_page(browser):
    ctx = browser.new_context()
    network: list[str] = []
    ctx.on("request", lambda request: network.append(request.url) if not request.url.startswith("file://") else None)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    ctx.close()
    assert network == [], f"the offline copy asked the network for {network}"
    assert errors == []


def test_offline_copy_opens_from_disk_and_search_finds_entries(offline_page, offline_copy):
    page = offline_page
    page.goto((offline_copy / "index.html").as_uri())
    assert "Why did the steroid injection not work?" in page.title()
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("meniscus", delay=15)
    # Results for the first letters typed show before those for the whole word: wait for the entry itself.
    result = page.locator('.md-search-result__item a[href*="causes/alternative-pathology.html"][href$="#mechanical-pain"]')
    expect(result.first).to_be_attached(timeout=20_000)


def test_offline_links_work_between_pages_and_anchors(offline_page, offline_copy, kb):
    page = offline_page
    page.goto((offline_copy / "causes" / "index.html").as_uri())
    cause = kb.causes[0]
    facet = cause.facets[0]
    page.locator(f'a[href$="{cause.id}.html#{facet.id}"]').first.click()
    page.wait_for_url(f"**/causes/{cause.id}.html#{facet.id}")
    assert page.locator(f"#{facet.id}").is_visible()


def test_offline_checklist_keeps_marks_across_a_reload(offline_page, offline_copy, kb):
    page = offline_page
    item = kb.checklist_causes[0].checks[0].id
    page.goto((offline_copy / "checklist.html").as_uri())
    page.wait_for_selector("[data-kb-ready]")
    page.locator(f'#{item} input[value="likely"]').check()
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert page.locator(f"#{item} input:checked").get_attribute("value") == "likely"
