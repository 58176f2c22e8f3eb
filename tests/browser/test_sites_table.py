"""The injection sites page stays readable as it grows: a short row per site, its details on demand (click or
keyboard, with JavaScript or without), a deep link to a site that opens its row, every row on paper, and every
badge linked to the legend entry that explains it. In Debian's Chromium."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

ROWS = ".kb-site"
OPEN = ".kb-site details[open]"


def row(page, site_id: str):
    return page.locator(f"{ROWS}:has(#{site_id})")


def details_of(page, site_id: str):
    """The first cell of a site's details: hidden while the row is closed."""
    return row(page, site_id).locator("summary ~ ul").first


def is_open(site_id: str) -> str:
    return f"() => document.getElementById('{site_id}').closest('.kb-site').querySelector('details').open"


def test_each_site_is_a_short_row_with_its_details_hidden(page, server, kb):
    page.goto(server + "sites/")
    rows = page.locator(ROWS)
    assert rows.count() == len(kb.sites)
    for site in kb.sites:
        assert row(page, site.id).locator("summary").is_visible(), site.id
        heading, summary = row(page, site.id).evaluate(
            "e => [e.querySelector('h2').firstChild.textContent, e.querySelector('summary').textContent]")
        assert heading.strip() == site.name and f"{len(site.red_flags)} red flags" in summary, site.id
        assert len(summary) < 90, f"{site.id}: the short row is not short: {summary!r}"
        assert details_of(page, site.id).is_hidden(), site.id


def test_a_row_opens_on_click_and_by_keyboard(page, server, kb):
    first, second = kb.sites[0], kb.sites[1]
    page.goto(server + "sites/")
    row(page, first.id).locator("summary").click()
    assert details_of(page, first.id).is_visible()
    assert "Image guidance" in details_of(page, first.id).inner_text()
    summary = row(page, second.id).locator("summary")
    summary.focus()
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert details_of(page, second.id).is_visible()
    page.keyboard.press("Space")
    assert details_of(page, second.id).is_hidden()


@pytest.mark.parametrize("position", [0, -1])
def test_a_deep_link_to_a_site_opens_its_row_and_lands_on_it(page, server, kb, position):
    site = kb.sites[position]
    page.goto(f"{server}sites/#{site.id}")
    page.wait_for_function(is_open(site.id))
    assert details_of(page, site.id).is_visible()
    assert page.locator(OPEN).count() == 1
    page.wait_for_function(f"() => {{ const r = document.getElementById('{site.id}').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }")


def test_a_link_to_a_site_from_a_cause_page_opens_its_row(page, server, kb):
    site = next(s for s in kb.sites if s.differentials)
    facet = site.differentials[0]
    page.goto(f"{server}causes/{facet.cause.id}/")
    page.locator(f'a[href$="sites/#{site.id}"]').first.click()
    page.wait_for_url(f"**/sites/#{site.id}")
    page.wait_for_function(is_open(site.id))


def test_without_javascript_a_row_still_opens_by_keyboard(browser, server, kb):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "sites/")
    site = kb.sites[2]
    assert details_of(page, site.id).is_hidden()
    row(page, site.id).locator("summary").focus()
    page.keyboard.press("Enter")
    assert details_of(page, site.id).is_visible()
    ctx.close()


def test_printing_shows_every_site_with_its_details(page, server, kb):
    page.goto(server + "sites/")
    pdf = page.pdf(format="A4")
    text = re.sub(r"\s+", "", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert text.count("Imageguidance:") == len(kb.sites)
    assert text.count("Whentorefer:") == len(kb.sites)
    for site in kb.sites:
        assert re.sub(r"\s+", "", site.name) in text, site.id
    # Printing left the rows as they were on screen.
    assert page.locator(OPEN).count() == 0


def test_every_badge_links_to_a_legend_entry_that_exists(page, server, kb):
    page.goto(server + "sites/")
    badges = page.locator(f"{ROWS} .kb-badge, {ROWS} .kb-urgency")
    expected = sum(len(s.red_flags) + len(s.differentials) for s in kb.sites)
    assert badges.count() == expected
    # A badge is a link to this page's legend (an address on the same page, whatever form the theme gives it).
    found = badges.evaluate_all("""els => els.map(e => [e.tagName,
        e.href && e.pathname === location.pathname ? e.hash : (e.getAttribute('href') || ''),
        e.textContent.trim()])""")
    legend = page.locator("#badge-legend")
    assert legend.is_visible()
    for tag, href, words in found:
        assert tag == "A" and href.startswith("#badge-"), (tag, href, words)
        entry = page.locator(f"{href}")
        assert entry.count() == 1, href
        # The legend entry explains the same badge, in the same words.
        assert entry.evaluate("e => e.closest('.kb-legend') !== null"), href
        assert words == entry.text_content().strip(), href
    levels = {href for _, href, _ in found}
    assert {"#badge-supported", "#badge-expert-opinion", "#badge-emergency", "#badge-same-day"} <= levels
    # Following a badge in an open row lands on its legend entry.
    page.locator(f"{ROWS} summary").first.click()
    badges.first.click()
    page.wait_for_function("() => location.hash.startsWith('#badge-')")
