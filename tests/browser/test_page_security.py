"""The browser's own line of defence: every page's Content-Security-Policy holds with nothing blocked,
and the theme keeps working (search included) when its saved settings are corrupt."""
from __future__ import annotations

import pytest

from sitecheck import PAGE_OF_EACH_TEMPLATE, built_pages

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


@pytest.mark.parametrize("which", [
    "a page of each template",
    pytest.param("every page", marks=pytest.mark.slow),
])
def test_every_page_has_a_policy_and_nothing_is_blocked(context, site, server, which):
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    found = {}
    pages = built_pages(site) if which == "every page" else PAGE_OF_EACH_TEMPLATE.values()
    assert set(pages) <= set(built_pages(site))
    for rel in pages:
        page.goto(server + ("" if rel == "./" else rel))
        page.wait_for_load_state("load")
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        violations = page.evaluate("window.__cspViolations")
        if violations:
            found[rel] = violations
    assert found == {}


def test_the_policy_blocks_an_injected_inline_script(context, server):
    """A negative control: the policy is enforced, so a script that got into a page would not run."""
    page = context.new_page()
    page.goto(server + "faq/")
    ran = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', () => resolve('blocked'), { once: true });
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.appendChild(s);
        setTimeout(() => resolve(window.__injected ? 'ran' : 'silent'), 2000);
    })""")
    assert ran == "blocked"


def test_instant_navigation_and_search_run_under_the_policy(context, server):
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(server)
    page.locator("nav.md-nav a[href*='faq']").first.click()
    page.wait_for_url("**/faq/")
    page.locator("input.md-search__input").click()
    page.keyboard.type("infection")
    page.wait_for_selector(".md-search-result__item")
    assert page.evaluate("window.__cspViolations") == []


CORRUPT_VALUES = ["{not json", "", "undefined", '{"index": "x", "color": 5}', '{"color": null}', "[]", "42",
                  # the right type, the wrong shape
                  '{"index": 0.5, "color": {"scheme": "slate"}}', '{"index": -3, "color": {}}',
                  '{"index": 1, "color": {"scheme": ["slate"]}}', '{"index": 0, "color": []}', '{"0": "a"}']


@pytest.mark.parametrize("corrupt", CORRUPT_VALUES)
def test_search_works_when_every_saved_setting_is_corrupt(browser, server, corrupt):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server)
    page.locator("label[for='__palette_1']").first.click()  # saves a colour scheme, as a reader would
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.endsWith('__palette'))")
    page.evaluate("""corrupt => {
        for (const store of [localStorage, sessionStorage]) {
            for (const key of Object.keys(store)) store.setItem(key, corrupt);
            store.setItem('/.__palette', corrupt);
        }
    }""", corrupt)
    page.reload()
    page.wait_for_load_state("load")
    page.locator("input.md-search__input").click()
    page.keyboard.type("infection")
    page.wait_for_selector(".md-search-result__item")
    assert errors == []
    ctx.close()


BLOCKED_STORAGE = """(() => {
  const blocked = () => { throw new DOMException("The operation is insecure.", "SecurityError"); };
  for (const name of ["localStorage", "sessionStorage"]) Object.defineProperty(window, name, {get: blocked});
})();"""


def test_search_and_the_colour_switch_work_when_storage_is_blocked(browser, server):
    """Cookies blocked: reading localStorage throws, and the theme's own scripts must not stop."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(BLOCKED_STORAGE)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server)
    assert page.evaluate("() => { try { localStorage; return false; } catch (e) { return true; } }")
    page.locator("label[for='__palette_1']").first.click()
    page.locator("input.md-search__input").click()
    page.keyboard.type("infection")
    page.wait_for_selector(".md-search-result__item")
    assert errors == []
    ctx.close()
