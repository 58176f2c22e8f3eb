"""Every built page in real Chromium: accessible, private, and deep links land on their entry."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import ROOT
from sitecheck import PAGE_OF_EACH_TEMPLATE, built_pages

pytestmark = pytest.mark.browser

# Which facets the deep-link test opens: the first, one in the middle and the last of the KB.
FACET_AT = {"first": lambda facets: facets[0], "middle": lambda facets: facets[len(facets) // 2],
            "last": lambda facets: facets[-1]}


def axe_violations(page, server, pages) -> dict:
    axe = Axe()
    found = {}
    for rel in pages:
        url = server + ("" if rel == "./" else rel)
        page.goto(url)
        page.wait_for_load_state("load")
        violations = axe.run(page).response["violations"]
        if violations:
            found[rel] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
    return found


def test_a_page_of_each_template_passes_axe_and_requests_nothing_outside_the_site(page, site, server):
    """axe-core finds no violation of any impact; the context fixture fails on any non-local request."""
    assert set(PAGE_OF_EACH_TEMPLATE.values()) <= set(built_pages(site))
    assert axe_violations(page, server, PAGE_OF_EACH_TEMPLATE.values()) == {}


@pytest.mark.slow
def test_every_page_passes_axe_and_requests_nothing_outside_the_site(page, site, server):
    assert axe_violations(page, server, built_pages(site)) == {}
    assert len(built_pages(site)) >= 18  # the check did visit the site, not an empty folder


@pytest.mark.parametrize("which", FACET_AT)
def test_a_deep_link_opened_fresh_scrolls_to_its_facet(browser, server, kb, which):
    facet = FACET_AT[which](kb.facets)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(f"{server}causes/{facet.cause.id}/#{facet.id}")
    page.wait_for_load_state("load")
    heading = page.locator(f"#{facet.id}")
    page.wait_for_function("(id) => { const r = document.getElementById(id).getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight / 2; }", arg=facet.id)
    assert heading.inner_text().startswith(facet.title)
    ctx.close()


def test_the_screenshots_in_the_readme_come_from_this_suite(browser, server, kb, request, tmp_path):
    """Takes the README's screenshots of the checklist and of its printed page (see --update-screenshots)."""
    out = ROOT / "docs" / "assets" / "screenshots" if request.config.getoption("--update-screenshots") else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
    page = ctx.new_page()
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    page.locator('[data-kb-field="site"]').select_option("knee")
    first, second = [c for c in kb.checklist_causes[0].checks if not c.joints or "knee" in c.joints][:2]
    page.locator(f'#{first.id} input[value="unlikely"]').check()
    page.locator(f'#{second.id} input[value="likely"]').check()
    knee_flags = [f for f in kb.red_flags if not f.joints or "knee" in f.joints]
    for flag in knee_flags[:3]:
        page.locator(f'#kb-flag-{flag.id} input[value="absent"]').check()
    page.locator(f'#kb-flag-{knee_flags[3].id} input[value="present"]').check()
    page.evaluate("() => document.getElementById('kb-red-flags').scrollIntoView()")
    page.screenshot(path=out / "checklist.png")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=out / "checklist-print.png")
    ctx.close()
    for name in ("checklist.png", "checklist-print.png"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000, name
