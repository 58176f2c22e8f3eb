"""Links in training material keep working: old addresses land on the moved entry; each entry has a copy link."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import build_site, copy_project, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory):
    """A build where a facet and a whole cause were renamed, with the redirects an author declares."""
    project = copy_project(tmp_path_factory.mktemp("renamed"))
    kb = project / "kb"
    (kb / "causes" / "delayed-effect.yaml").rename(kb / "causes" / "late-effect.yaml")
    for path in kb.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("referred-pain-missed", "referred-pain-overlooked").replace("delayed-effect", "late-effect")
        path.write_text(text, encoding="utf-8")
    (kb / "redirects.yaml").write_text(
        "- from: causes/incorrect-diagnosis/#referred-pain-missed\n  to: referred-pain-overlooked\n"
        "- from: checklist/#referred-pain-missed-check\n  to: referred-pain-overlooked-check\n"
        "- from: checklist/#delayed-effect\n  to: late-effect\n"
        "- from: causes/delayed-effect/\n  to: late-effect\n", encoding="utf-8")
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(project / "site") as url:
        yield url


def land(browser, url: str):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(url)
    return ctx, page


def test_an_old_facet_address_lands_on_the_renamed_facet(browser, renamed_site):
    ctx, page = land(browser, renamed_site + "causes/incorrect-diagnosis/#referred-pain-missed")
    page.wait_for_function("() => location.hash === '#referred-pain-overlooked'")
    assert page.url.endswith("causes/incorrect-diagnosis/#referred-pain-overlooked")
    assert page.locator("#referred-pain-overlooked").is_visible()
    ctx.close()


def test_an_old_cause_page_address_keeps_its_facet_anchor(browser, renamed_site):
    ctx, page = land(browser, renamed_site + "causes/delayed-effect/#onset-takes-time")
    page.wait_for_url("**/causes/late-effect/#onset-takes-time")
    page.wait_for_function("() => { const r = document.getElementById('onset-takes-time').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < innerHeight; }")
    ctx.close()


def test_without_javascript_an_old_anchor_shows_where_the_entry_went(browser, renamed_site):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(renamed_site + "checklist/#referred-pain-missed-check")
    alias = page.locator("#referred-pain-missed-check")
    assert "This entry has moved" in alias.inner_text()
    assert alias.locator("a").get_attribute("href").endswith("#referred-pain-overlooked-check")
    ctx.close()


def test_each_entry_heading_has_a_copy_link_that_copies_its_address(context, page, server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page.goto(server + "causes/delayed-effect/")
    button = page.get_by_role("button", name="Copy link to Pain flare in the first days after injection")
    button.click()
    expect(button).to_have_text("Link copied")  # said once the clipboard has the address
    assert page.evaluate("() => navigator.clipboard.readText()") == server + "causes/delayed-effect/#post-injection-flare"
    page.goto(server + "faq/")
    assert page.locator("h2[id] .kb-copy-link").count() == page.locator(".md-content h2[id]").count() > 5
