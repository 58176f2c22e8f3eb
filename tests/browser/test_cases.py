"""Worked cases in a real browser: reveal, score and feedback, a link to one step, keyboard, phone, print on one A4
page with and without the answers, and the response timeline on the approach page."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

RED_FLAG_CASE = "hot-knee-on-day-four"
PATHS = "els => els.map(a => new URL(a.href).pathname + new URL(a.href).hash)"  # each link as the site path it opens


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def case_of(kb, case_id: str):
    return next(case for case in kb.cases if case.id == case_id)


def open_case(page, server, case_id: str, hash_: str = "") -> None:
    page.goto(f"{server}cases/{case_id}/{hash_}")
    page.wait_for_selector("[data-kb-case][data-kb-ready]")


def visible_steps(page) -> list[str]:
    return page.locator("[data-kb-step]").evaluate_all(
        "els => els.filter(e => !e.hidden && e.offsetParent).map(e => e.dataset.kbStep)")


def choose(page, question: str, option: str) -> None:
    page.locator(f'[data-kb-question="{question}"] label', has_text=option).click()


def test_steps_are_revealed_one_at_a_time_in_order(page, server, kb):
    case = kb.cases[0]
    open_case(page, server, case.id)
    assert page.locator("#kb-story").is_visible()
    assert visible_steps(page) == []
    assert page.locator("[data-kb-self-test]").is_hidden()
    for n, step in enumerate(case.steps, start=1):
        button = page.get_by_role("button", name=f"Show {step.heading[0].lower()}{step.heading[1:]}")
        assert button.is_visible() and page.locator("[data-kb-reveal]:visible").count() == 1
        button.click()
        assert visible_steps(page) == [s.id for s in case.steps[:n]]
        assert page.evaluate("() => document.activeElement.id") == step.id  # the reader lands on what was revealed
        assert squash(step.text)[:40] in squash(page.locator(f"#kb-box-{step.id}").inner_text())
        if step.stage == "found":
            assert page.locator("[data-kb-self-test]").is_visible()
    assert page.locator("[data-kb-case-after]").is_visible()
    assert page.locator("[data-kb-case-after] li").count() == len(case.learning_points)


def test_a_link_to_one_step_opens_the_case_at_that_step(page, server, kb):
    case = kb.cases[1]
    step = case.steps[2]  # the reasoning: the steps before it come too
    open_case(page, server, case.id, f"#{step.id}")
    assert visible_steps(page) == [s.id for s in case.steps[:3]]
    assert page.locator(f"#{step.id}").is_visible()
    assert page.evaluate("() => document.activeElement.id") == step.id


def test_the_self_test_scores_and_explains_each_choice(page, server, kb):
    case = kb.cases[0]
    open_case(page, server, case.id)
    page.get_by_role("button", name="Show every step").click()
    wrong = next(c for c in case.reason.choices if not c.right)
    choose(page, "reason", wrong.option)
    choose(page, "first", case.first.answer.option)
    page.get_by_role("button", name="Check my answers").click()
    assert page.locator("[data-kb-score]").inner_text() == "Score: 1 of 2."
    reason = page.locator('[data-kb-question="reason"]')
    assert reason.locator("[data-kb-result]").inner_text().startswith("Not the best answer")
    chosen = reason.locator(".kb-feedback--chosen")
    assert chosen.count() == 1 and wrong.feedback in chosen.inner_text()
    best = reason.locator(".kb-feedback--right")
    assert f"Best answer: {case.reason.answer.option}" in squash(best.inner_text())
    for choice in case.reason.choices:  # one line of feedback for every choice, written in the KB
        assert choice.feedback in reason.locator("[data-kb-answer]").inner_text()
    links = reason.locator("[data-kb-answer] a").evaluate_all(PATHS)
    assert links == [f"/causes/{e.cause.id}/#{e.id}" if hasattr(e, "cause") else f"/red-flags/#{e.id}"
                     for e in case.reading("reason")]
    assert page.locator('[data-kb-question="first"] [data-kb-result]').inner_text() == "Right."
    # Try again clears the answers and hides the feedback.
    page.get_by_role("button", name="Try again").click()
    assert reason.locator("[data-kb-answer]").is_hidden()
    assert page.locator("[data-kb-question] input:checked").count() == 0
    assert page.locator("[data-kb-score]").inner_text() == ""
    kept = page.evaluate("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    assert [key for key in kept if "cortisone-kb" in key or "case" in key] == []  # nothing kept, nothing sent


def test_in_the_red_flag_case_only_acting_on_the_flag_scores_as_the_right_first_step(page, server, kb):
    case = case_of(kb, RED_FLAG_CASE)
    open_case(page, server, case.id)
    page.get_by_role("button", name="Show every step").click()
    for choice in case.first.choices:
        choose(page, "reason", case.reason.answer.option)
        choose(page, "first", choice.option)
        page.get_by_role("button", name="Check my answers").click()
        result = page.locator('[data-kb-question="first"] [data-kb-result]').inner_text()
        assert (result == "Right.") == (choice.red_flag == "joint-infection"), choice.option
        page.get_by_role("button", name="Try again").click()
    first = page.locator('[data-kb-question="first"] [data-kb-answer]')
    assert "/red-flags/#joint-infection" in first.locator("a").evaluate_all(PATHS)


def tab_to(page, script: str, wanted: str, limit: int = 40) -> None:
    """Press Tab until script (run on the focused element) gives wanted."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return {script}; }}") == wanted:
            return
    raise AssertionError(f"never reached by Tab: {wanted}")


def test_a_case_works_by_keyboard_alone(page, server, kb):
    case = kb.cases[0]
    open_case(page, server, case.id)
    page.locator('[data-kb-action="start-again"]').focus()
    for step in case.steps[:2]:
        tab_to(page, "e.dataset.kbReveal || ''", step.id)
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == step.id
    tab_to(page, "e.name || ''", "kb-q-reason")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # a question's choices are one tab stop: the next is the second question
    assert page.evaluate("() => document.activeElement.name") == "kb-q-first"
    page.keyboard.press("ArrowDown")
    tab_to(page, "e.dataset.kbAction || ''", "check")
    page.keyboard.press("Enter")
    assert re.fullmatch(r"Score: [0-2] of 2\.", page.locator("[data-kb-score]").inner_text())
    assert page.evaluate("() => document.activeElement.hasAttribute('data-kb-score')")
    assert page.locator("[data-kb-question] input:checked").count() == 2


def test_a_case_and_the_timeline_fit_a_phone(browser, server, kb):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(f"{server}cases/{RED_FLAG_CASE}/")
        page.wait_for_selector("[data-kb-ready]")
        page.get_by_role("button", name="Show every step").tap()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        heights = page.locator(".kb-choices label").evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
        assert min(heights) >= 40, "each choice is a comfortable tap target"
        page.locator('[data-kb-question="reason"] label').first.tap()
        page.locator('[data-kb-question="first"] label').first.tap()
        page.get_by_role("button", name="Check my answers").tap()
        assert page.locator("[data-kb-score]").is_visible()
        page.goto(f"{server}approach/")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        # On a phone the table stacks: each cell under its row, naming its column.
        cell = page.locator("#timeline-anaesthetic-only")
        assert cell.evaluate("e => getComputedStyle(e).display") == "block"
        assert "Pain eased while the anaesthetic acted" in cell.evaluate("e => getComputedStyle(e, '::before').content")
    finally:
        ctx.close()


def print_case(page, server, case_id: str, answers: bool) -> list[str]:
    open_case(page, server, case_id)
    box = page.locator("#kb-print-answers")
    box.set_checked(answers)
    pdf = page.pdf(format="A4", print_background=True)
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("answers", [False, True], ids=["tutorial", "tutor"])
def test_each_case_prints_on_one_a4_page_with_and_without_its_answers(page, server, kb, answers):
    for case in kb.cases:
        pages = print_case(page, server, case.id, answers)
        assert len(pages) == 1, f"{case.id}: {len(pages)} pages"
        text = pages[0].replace(" ", "")

        def has(value: str, text: str = text) -> bool:
            return squash(value)[:60].replace(" ", "") in text

        assert has(case.title) and has(case.story) and has(case.step("found").text)
        assert has(case.reason.choices[-1].option) and f"KBversion{kb.meta.version}" in text
        for hidden in ("Show every step", "Check my answers", "Print with answers", "Report a problem"):
            assert hidden.replace(" ", "") not in text, hidden
        answer_only = [case.step("reasoning").text, case.step("done").text, case.reason.answer.feedback,
                       case.first.choices[1].feedback, case.learning_points[0]]
        if answers:
            assert all(has(value) for value in answer_only), case.id
            assert "Bestanswer" in text
        else:
            assert not any(has(value) for value in answer_only), case.id
            assert "Bestanswer" not in text and "Whatwouldyouask?" in text


def test_the_print_buttons_choose_the_copy_and_print(page, server, kb):
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    open_case(page, server, kb.cases[0].id)
    page.get_by_role("button", name="Print with answers").click()
    assert page.locator("#kb-print-answers").is_checked() and page.evaluate("() => window.__printed") == 1
    page.get_by_role("button", name="Print without answers").click()
    assert not page.locator("#kb-print-answers").is_checked() and page.evaluate("() => window.__printed") == 2


def test_without_javascript_every_step_and_answer_shows(browser, server, kb):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    try:
        case = kb.cases[0]
        page.goto(f"{server}cases/{case.id}/")
        for step in case.steps:
            assert page.locator(f"#{step.id}").is_visible()
        assert page.locator(".kb-feedback--right").first.is_visible()
        assert page.locator("[data-kb-case-tools]").is_hidden() and page.locator("[data-kb-reveal]").first.is_hidden()
        assert page.locator("#kb-print-answers").is_visible()  # printing with the answers needs no script
    finally:
        ctx.close()


def test_the_timeline_table_names_each_pattern_and_links_its_entries(page, server, kb):
    page.goto(f"{server}approach/")
    table = page.locator(".kb-timeline table")
    rows = table.locator("tbody th[scope=row]").all_inner_texts()
    assert rows[0].startswith("Worse than before"), "red flags first: the worse row heads the table"
    for cell in kb.timeline:
        box = page.locator(f"#{cell.id}")
        assert cell.title in box.inner_text() and cell.suggests[:40] in squash(box.inner_text())
        hrefs = box.locator("a:not(.kb-report, .kb-edit)").evaluate_all(PATHS)  # the entries it links, in order
        assert box.locator("a.kb-report").count() == 1 and box.locator("a.kb-edit").count() == 1  # as every entry has
        assert hrefs == ([f"/red-flags/#{flag.id}" for flag in cell.red_flags]
                         + [f"/causes/{facet.cause.id}/#{facet.id}" for facet in cell.facets]
                         + [f"/cases/{case.id}/" for case in cell.cases])
    worse = page.locator("#timeline-worse-than-before")
    assert worse.get_attribute("colspan") == "2"
    text = worse.inner_text()
    assert text.index("Red flags first") < text.index("Read:")
