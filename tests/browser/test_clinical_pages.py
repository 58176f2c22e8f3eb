"""Red flags first, urgency readable in black and white, and glossary terms explained by mouse, keyboard,
touch and on paper: in Debian's Chromium."""
from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

URGENCY_WORDS = {"emergency": "Emergency: refer now", "same-day": "Same day", "urgent": "Urgent: within days",
                 "routine": "Routine referral"}


@pytest.mark.parametrize("address", ["", "approach/"])
def test_the_home_page_and_the_approach_open_with_the_red_flags(page, server, address):
    page.goto(server + address)
    first = page.locator("article.md-content__inner > :not(h1)").first
    assert "kb-red-flags" in (first.get_attribute("class") or "")
    assert first.inner_text().startswith("Red flags first.")
    assert first.locator("a").count() >= 10


def test_each_red_flag_says_its_urgency_in_words_and_a_mark_not_by_colour(page, server, kb):
    page.goto(server + "red-flags/")
    for flag in kb.red_flags:
        section = page.locator(f"#{flag.id} ~ p .kb-urgency").first
        text = section.text_content()
        assert URGENCY_WORDS[flag.urgency] in text and re.search(r"[▲◆○]", text), flag.id
    page.emulate_media(media="print")
    # Printed in black and white, the urgency still has its own border and words: nothing rests on colour.
    border = page.locator(".kb-urgency--emergency").first.evaluate("e => getComputedStyle(e).borderTopWidth")
    assert border != "0px"


def test_a_red_flag_has_a_permanent_anchor_that_lands_on_it(page, server, kb):
    flag = kb.red_flags[len(kb.red_flags) // 2]
    page.goto(f"{server}red-flags/#{flag.id}")
    page.wait_for_function(f"() => {{ const r = document.getElementById('{flag.id}').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < innerHeight / 2; }")


def shown(content: str) -> str:
    """The text of a CSS content value ('"a \\"b\\""' is 'a "b"'); "" for none."""
    if not content.startswith('"'):
        return ""
    return re.sub(r"\\(.)", r"\1", content[1:-1])


def test_a_glossary_term_explains_itself_on_keyboard_focus(page, server):
    page.goto(server + "causes/incorrect-diagnosis/")
    term = page.locator("abbr.kb-term").first
    title = term.get_attribute("title")
    assert title and ":" in title
    hidden = term.evaluate("e => getComputedStyle(e, '::after').content")
    term.focus()
    assert hidden in ("none", "normal")
    assert shown(term.evaluate("e => getComputedStyle(e, '::after').content")) == title


def test_a_glossary_term_explains_itself_on_a_tap(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(server + "causes/incorrect-diagnosis/")
    term = page.locator("abbr.kb-term").first
    term.scroll_into_view_if_needed()
    term.tap()
    assert term.evaluate("e => document.activeElement === e")
    assert shown(term.evaluate("e => getComputedStyle(e, '::after').content")) == term.get_attribute("title")
    ctx.close()


def test_a_tapped_term_near_the_right_edge_of_a_phone_shows_its_whole_definition_on_screen(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(server + "causes/incorrect-diagnosis/")
    terms = page.locator("abbr.kb-term")
    rights = terms.evaluate_all("all => all.map(e => e.getBoundingClientRect().right)")
    term = terms.nth(rights.index(max(rights)))
    assert max(rights) > 300, "no term near the right edge to tap"
    term.scroll_into_view_if_needed()
    term.tap()
    assert term.evaluate("e => document.activeElement === e")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    box = term.evaluate("""e => { const s = getComputedStyle(e, '::after');
        return {content: s.content, left: parseFloat(s.left), top: parseFloat(s.top), width: parseFloat(s.width),
                height: parseFloat(s.height), overflow: s.overflowY}; }""")
    title = term.get_attribute("title")
    assert shown(box["content"]) == title and "…" not in title
    assert box["left"] >= 0 and box["left"] + box["width"] <= 390
    assert box["top"] >= 0 and box["top"] + box["height"] <= 844
    ctx.close()


def test_an_abbreviation_is_expanded_at_its_first_use_in_print(page, server, tmp_path):
    page.goto(server + "causes/incorrect-diagnosis/")
    first = page.locator("abbr.kb-term[data-kb-expansion]").first
    word, expansion = first.inner_text(), first.get_attribute("data-kb-expansion")
    page.emulate_media(media="print")
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages).split())
    assert f"{word} ({expansion})" in text
    assert text.count(f"({expansion})") == 1
