"""Printing the checklist (Ctrl+P) gives a clean paper form: at most two pages, no split items."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def print_checklist(page, server, paper: str, marks: dict[str, str]) -> list[str]:
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    for item_id, state in marks.items():
        page.locator(f'#{item_id} input[value="{state}"]').check()
    pdf = page.pdf(format=paper, print_background=True)
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def marks_of(kb) -> dict[str, str]:
    """Three marks spread over the checklist: one ruled out near the top, two suspected further down."""
    return {kb.causes[0].checks[0].id: "ruled-out", kb.causes[3].checks[1].id: "suspected",
            kb.causes[7].checks[-1].id: "suspected"}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("marked", [False, True], ids=["blank", "marked"])
def test_printed_checklist_fits_two_pages_without_splitting_an_item(page, server, kb, paper, marked):
    pages = print_checklist(page, server, paper, marks_of(kb) if marked else {})
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages on {paper}"
    # Compared without spaces: the PDF's text has one wherever a line wraps, even after a hyphen ("X- ray").
    unspaced = [text.replace(" ", "") for text in pages]
    for facet in kb.facets:
        for check in facet.checks:
            item = squash(f"{facet.title}: {check.ask}")
            assert sum(item.replace(" ", "") in text for text in unspaced) == 1, f"item split or missing: {item}"


def test_printed_checklist_has_no_site_chrome_but_has_the_form_fields_and_footer(page, server, kb):
    pages = print_checklist(page, server, "A4", {})
    text = " ".join(pages)
    for chrome in ("Search", "Glossary", "Re-evaluation approach", "Copy summary", "Clear all marks", "Skip to content"):
        assert chrome not in text, chrome
    for field in ("Patient initials:", "Date:", "Injection site:", "Date of injection:", "Reviewer:"):
        assert field in pages[0], field
    for number, text in enumerate(pages, start=1):
        assert f"KB version {kb.meta.version}" in text
        assert "http://127.0.0.1:8000/" in text
        assert f"Page {number} of {len(pages)}" in text


def test_printed_marks_show_on_paper_and_blank_boxes_stay_empty(page, server, kb):
    marks = marks_of(kb)
    blank = " ".join(print_checklist(page, server, "A4", {}))
    marked = " ".join(print_checklist(page, server, "A4", marks))
    assert blank.count("\u2715") == 0
    assert marked.count("\u2715") == len(marks)
    total = sum(len(f.checks) for f in kb.facets)
    assert blank.count("Ruled out") == total and blank.count("Suspected") == total
    assert "Open" not in re.sub(r"\bOpen the\b", "", blank)


def test_the_paper_form_puts_the_red_flags_first(page, server, kb):
    pages = print_checklist(page, server, "A4", {})
    first = pages[0]
    assert "Red flags first" in first and first.index("Red flags first") < first.index(f"1. {kb.causes[0].title}")
    assert all(squash(flag.title) in first for flag in kb.red_flags)
    assert first.count("Absent") == len(kb.red_flags) and first.count("Present") == len(kb.red_flags)
