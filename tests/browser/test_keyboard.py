"""Keyboard only: skip link, navigation, search and the checklist work without a mouse."""
from __future__ import annotations

import pytest

from conftest import TRACK_SEARCH, wait_for_search

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, text: (e.innerText || e.value || '').trim(), href: e.getAttribute('href') || '',
                label: e.getAttribute('aria-label') || ''}; }""")


def tab_until(page, predicate, limit: int = 120) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("never reached by Tab")


def test_the_first_tab_stop_skips_to_the_content(page, server):
    page.goto(server + "faq/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.length > 1")


def test_navigation_is_reachable_and_followed_by_keyboard(page, server):
    page.goto(server)
    tab_until(page, lambda e: e["tag"] == "A" and e["text"] == "FAQ")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/")
    assert page.locator("h1").inner_text().startswith("Frequently asked questions")


def test_search_is_usable_by_keyboard_alone(page, server):
    page.add_init_script(TRACK_SEARCH)
    page.goto(server)
    page.wait_for_load_state("load")
    page.keyboard.press("/")  # Material's shortcut to focus search
    assert focused(page)["label"] == "Search"
    page.keyboard.type("trochanteric", delay=15)
    wait_for_search(page, "trochanteric")  # results for the first letters would be replaced under the focus
    assert page.locator(".md-search-result__item").count() > 0
    page.keyboard.press("ArrowDown")
    target = focused(page)["href"]
    assert target, "the first result did not take the focus"
    path = page.evaluate("(target) => new URL(target, location.href).pathname", target)
    assert path != "/"
    page.keyboard.press("Enter")
    page.wait_for_function("(path) => location.pathname === path", arg=path)


def test_checklist_actions_are_reachable_by_tab_and_work_with_enter(page, server):
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    tab_until(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Copy summary")
    page.keyboard.press("Enter")
    assert page.locator("[data-kb-summary]").is_visible()
    assert "Not assessed: " in page.locator("[data-kb-summary]").input_value()
