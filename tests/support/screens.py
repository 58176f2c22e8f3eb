"""How tall the checklist is on a phone, in screens: the one measurement that tests/browser/test_checklist.py holds
to a ceiling and `make bench` records per checklist site (docs/benchmarks.md)."""
from __future__ import annotations

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def checklist_screens(browser, url: str, sites: list[str]) -> dict[str, dict]:
    """For each site: the checklist's height at 390x844 in screens (its height over the window's), with the site
    chosen, nothing answered, every entry that applies shown with its question and nothing folded away."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url + "checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    out = {}
    for site in sites:
        page.locator('[data-kb-field="site"]').select_option(site)
        out[site] = page.evaluate("""() => {
            const entries = [...document.querySelectorAll('[data-kb-item], [data-kb-flag]')]
              .filter(e => e.getClientRects().length);
            return {
              screens: document.querySelector('[data-kb-checklist]').getBoundingClientRect().height / innerHeight,
              items: entries.filter(e => e.hasAttribute('data-kb-item')).length,
              flags: entries.filter(e => e.hasAttribute('data-kb-flag')).length,
              unasked: entries.filter(e => !e.querySelector('.kb-ask').getClientRects().length).length,
              folded: document.querySelectorAll('[data-kb-checklist] details:not([open])').length,
            }; }""")
    context.close()
    return out
