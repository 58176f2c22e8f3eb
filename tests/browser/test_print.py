"""Printing the checklist (Ctrl+P) gives a clean paper form: at most two pages, no split items."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from macros.kb.render import URGENCY_LABELS, URGENCY_MARKS

pytestmark = pytest.mark.browser


BOXES = {"judgement": "Unlikely Likely N/A", "fact": "No Yes N/A"}  # an item's boxes on paper, by answer scheme


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def print_checklist(page, server, paper: str, marks: dict[str, str], site: str = "") -> list[str]:
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    if site:
        page.locator('[data-kb-field="site"]').select_option(site)
    for item_id, state in marks.items():
        page.locator(f'#{item_id} input[value="{state}"]').check()
    pdf = page.pdf(format=paper, print_background=True)
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def marks_of(kb) -> dict[str, str]:
    """Four answers spread over the checklist: unlikely near the top, N/A, and two likely further down."""
    def yes(check) -> str:
        return "yes" if check.answer == "fact" else "likely"

    return {kb.causes[0].checks[0].id: "unlikely", kb.causes[1].checks[0].id: "na",
            kb.causes[3].checks[1].id: yes(kb.causes[3].checks[1]), kb.causes[7].checks[-1].id: yes(kb.causes[7].checks[-1])}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("marked", [False, True], ids=["blank", "marked"])
def test_printed_checklist_fits_two_pages_without_splitting_an_item(page, server, kb, paper, marked):
    pages = print_checklist(page, server, paper, marks_of(kb) if marked else {})
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages on {paper}"
    # Compared without spaces: the PDF's text has one wherever a line wraps, even after a hyphen ("X- ray").
    unspaced = [text.replace(" ", "") for text in pages]
    for check in kb.checks:  # on paper an item is its question, with its three boxes
        item = squash(f"{check.ask} {BOXES[check.answer]}")
        assert sum(item.replace(" ", "") in text for text in unspaced) == 1, f"item split or missing: {item}"


def test_printed_checklist_has_no_site_chrome_but_has_the_fields_notes_and_footer(page, server, kb):
    pages = print_checklist(page, server, "A4", {})
    text = " ".join(pages)
    for chrome in ("Search", "Glossary", "Re-evaluation approach", "Copy summary", "New patient", "Skip to content",
                   "with all next steps", "Not chosen"):
        assert chrome not in text, chrome
    for field in ("Site:", "Side:", "Weeks since the injection:", "Steroid given:", "Dose given (mg):",
                  "Volume given (ml):", "Image guidance:", "Relief during the anaesthetic phase:"):
        assert field in pages[0], field
    assert f"Version {kb.meta.version}. Printed: 20" in pages[0]
    assert "Notes" in pages[-1] and "Plan" in pages[-1]
    assert pages[-1].rindex("Plan") > pages[-1].index(kb.checklist_causes[-1].checks[-1].ask[:30])
    for number, page_text in enumerate(pages, start=1):
        assert f"KB version {kb.meta.version}" in page_text
        assert "http://127.0.0.1:8000/" in page_text
        assert f"Page {number} of {len(pages)}" in page_text


def test_printed_answers_show_on_paper_and_blank_boxes_stay_empty(page, server, kb):
    marks = marks_of(kb)
    blank = " ".join(print_checklist(page, server, "A4", {}))
    marked = " ".join(print_checklist(page, server, "A4", marks))
    assert blank.count("\u2715") == 0
    assert marked.count("\u2715") == len(marks)
    total = len(kb.checks)
    judgements = len([c for c in kb.checks if c.answer == "judgement"])
    # A box per answer of each item's scheme, N/A included; "Not assessed" is the empty row.
    assert blank.count("Unlikely") == judgements and blank.count("N/A") == total
    assert len(re.findall(r"(?<!Un)likely", blank, flags=re.IGNORECASE)) >= judgements
    assert len(re.findall(r"\bNo Yes N/A\b", blank)) == total - judgements
    assert "Not assessed" not in blank


def test_the_chosen_site_prints_and_items_for_other_joints_print_as_not_applicable(page, server, kb):
    off_site = [c for c in kb.checks if c.joints and "knee" not in c.joints]
    off_flags = [f for f in kb.red_flags if f.joints and "knee" not in f.joints]
    assert off_site and off_flags, "the KB has items and red flags that concern other joints only"
    for paper in ("A4", "Letter"):
        on_site = {item: state for item, state in marks_of(kb).items() if item not in {c.id for c in off_site}}
        pages = print_checklist(page, server, paper, on_site, site="knee")
        assert len(pages) <= 2
        text = " ".join(pages)
        assert "Site: Knee" in pages[0]
        assert text.count("N/A (other site)") == len(off_site) + len(off_flags)
        for check in off_site:
            assert squash(f"{check.ask} N/A (other site)").replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_paper_form_puts_the_red_flags_first_each_with_its_question_and_urgency_mark(page, server, kb, paper):
    pages = print_checklist(page, server, paper, {})
    first = pages[0]
    assert "Red flags first" in first and first.index("Red flags first") < first.index(f"1. {kb.causes[0].title}")
    assert first.count("Absent") == len(kb.red_flags) and first.count("Present") == len(kb.red_flags)
    unspaced = first.replace(" ", "")
    for flag in kb.red_flags:
        entry = squash(f"{URGENCY_MARKS[flag.urgency]} {flag.title}. {flag.ask}").replace(" ", "")
        assert entry in unspaced, flag.id
    for level in {flag.urgency for flag in kb.red_flags}:  # one heading per urgency, with its mark
        assert squash(f"{URGENCY_MARKS[level]} {URGENCY_LABELS[level]}").replace(" ", "").lower() in unspaced.lower(), level


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_cause_that_continues_on_a_new_page_repeats_its_heading_there(page, server, kb, paper):
    pages = [text.replace(" ", "") for text in print_checklist(page, server, paper, {})]
    continued = 0
    for check in kb.checks:
        ask = squash(check.ask).replace(" ", "")
        heading = f"{check.facet.cause.order}.{check.facet.cause.title}".replace(" ", "")
        on = [n for n, text in enumerate(pages) if ask in text]
        assert len(on) == 1, check.id
        assert heading in pages[on[0]], (check.id, paper)  # on whichever page the item lands, so does its heading
        continued += on[0] > 0 and heading in pages[0]
    assert continued or len(pages) == 1 or paper == "A4"  # on Letter a cause runs over the page break


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_notes_and_plan_take_the_space_left_on_the_last_page(page, server, paper):
    """Laid out for print, the Notes and Plan lines end less than one line above the foot of the last page."""
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    page.evaluate("""() => { window.printed = [];
        matchMedia('print').addEventListener('change', event => { if (!event.matches) return;
          const notes = document.querySelector('[data-kb-print-notes]'), page = document.documentElement.scrollHeight;
          const line = notes.querySelector('.kb-print-field').getBoundingClientRect().height;
          const bottom = notes.getBoundingClientRect().bottom;
          printed.push({left: Math.ceil(bottom / page) * page - bottom, line, lines: notes.children.length}); }); }""")
    pdf = page.pdf(format=paper, print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 2
    (printed,) = page.evaluate("printed")
    assert 0 <= printed["left"] < printed["line"], printed
    assert page.locator("[data-kb-added]").count() == 0  # printed: the screen's page is as it was


def test_the_title_prints_in_full_black(page, server):
    page.goto(server + "checklist/")
    page.emulate_media(media="print")
    assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"


def test_an_answered_red_flag_for_another_joint_prints_with_its_answer_and_action(page, server, kb):
    """Marked Present, then the knee chosen: on paper it keeps its marked box and its action, never "N/A (other site)"."""
    red_flag = next(f for f in kb.red_flags if f.joints and "knee" not in f.joints)
    off_flags = [f for f in kb.red_flags if f.joints and "knee" not in f.joints]
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    page.locator(f'#kb-flag-{red_flag.id} input[value="present"]').check()
    page.locator('[data-kb-field="site"]').select_option("knee")
    pages = [squash(p.extract_text()) for p in PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True))).pages]
    text = " ".join(pages)
    assert len(pages) <= 2
    assert text.count("N/A (other site)") == len([c for c in kb.checks if c.joints and "knee" not in c.joints]) + \
        len(off_flags) - 1
    assert text.count("\u2715") == 1  # its Present box, marked
    action = squash(red_flag.action)[:40].replace(" ", "")
    assert action in text.replace(" ", "")
