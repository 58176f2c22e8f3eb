"""The patient's aftercare sheet in a real browser: one printed page per site on A4 and on Letter, body text at
12 pt or more, the safety-netting box first with who to contact, blanks to fill in, the draft line, the KB version
and its date; nothing from the checklist reaches it, and the checklist links the sheet of the site chosen."""
from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from macros.kb.aftercare import DRAFT_LINE, is_draft, sheet, version_date
from macros.kb.model import JOINTS

pytestmark = pytest.mark.browser

PT_12 = 16.0  # CSS pixels: 12 pt is 16 px


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def printed(page, paper: str) -> list[str]:
    """The sheet printed on this paper, as the text of each PDF page (spaces squashed)."""
    pdf = page.pdf(format=paper, print_background=True)
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def open_sheet(page, server, joint: str) -> None:
    page.goto(server + f"aftercare/{joint}/")
    page.wait_for_selector("[data-kb-aftercare-fill][data-kb-ready]", state="attached")


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("joint", list(JOINTS))
def test_each_sites_sheet_prints_on_one_page_with_every_point_for_that_site(page, server, kb, joint, paper):
    page.clock.set_fixed_time(datetime.datetime(2026, 9, 28, 12))  # the longest print date: "28 September 2026"
    open_sheet(page, server, joint)
    pages = printed(page, paper)
    assert len(pages) == 1, f"the {joint} sheet prints on {len(pages)} pages on {paper}"
    text = pages[0].replace(" ", "")  # the PDF's text breaks lines anywhere: compare without spaces
    for section, points in sheet(kb, joint):
        assert squash(section.heading).replace(" ", "") in text, section.heading
        for point in points:
            assert squash(point.text).replace(" ", "") in text, point.text
    left_out = {p.text for s in kb.aftercare for p in s.points if not p.applies_at(joint)}
    shown = {p.text for _s, points in sheet(kb, joint) for p in points}
    for other in left_out - shown:  # a point for other sites only is not on this sheet
        assert squash(other).replace(" ", "") not in text, other


@pytest.mark.parametrize("joint", ["knee", "spine"])
def test_body_text_prints_at_12_pt_or_more(page, server, joint):
    open_sheet(page, server, joint)
    page.emulate_media(media="print")
    sizes = page.eval_on_selector_all(
        ".kb-aftercare li, .kb-aftercare p, .kb-aftercare h2, .kb-aftercare-draft",
        "els => els.filter(e => e.offsetParent !== null && e.textContent.trim())"
        ".map(e => [e.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(e).fontSize)])")
    assert len(sizes) > 20
    small = [(text, size) for text, size in sizes if size < PT_12]
    assert small == [], f"printed smaller than 12 pt: {small}"


def test_the_safety_netting_box_comes_first_with_who_to_contact_and_nhs_111_and_999(page, server, kb):
    open_sheet(page, server, "knee")
    text = printed(page, "A4")[0]
    box = [s for s in kb.aftercare if s.safety]
    rest = [s for s in kb.aftercare if not s.safety]
    assert box and rest
    last_box = max(text.index(s.heading) for s in box)
    assert all(text.index(s.heading) > last_box for s in rest if s.heading in text)
    assert "Out of hours: NHS 111; emergency: 999." in text
    assert text.index("Your service:") < text.index(rest[0].heading)
    assert text.index("Phone:") < text.index(rest[0].heading)
    # The box is drawn as one bordered box holding every safety-netting section.
    page.emulate_media(media="print")
    headings = page.eval_on_selector_all(".kb-aftercare-box h2", "els => els.map(e => e.id)")
    assert headings == [s.id for s in box]
    assert float(page.eval_on_selector(".kb-aftercare-box", "e => parseFloat(getComputedStyle(e).borderTopWidth)")) >= 2


def test_the_safety_netting_items_the_issue_lists_are_on_every_sheet(page, server):
    """Infection for weeks, a swollen calf (legs), a snap or loss of strength (tendons), and 999 for breathing,
    face or lips, chest pain, bladder or bowel and numbness between the legs, and sudden loss of sight."""
    always = ["Trouble breathing, or swelling of your face, lips or throat", "Chest pain",
              "New trouble passing urine or controlling your bowels, or new numbness between your legs",
              "Sudden loss of sight", "may be an infection, which can start weeks after the injection"]
    for joint in JOINTS:
        open_sheet(page, server, joint)
        text = printed(page, "A4")[0].replace(" ", "")
        for item in always:
            assert item.replace(" ", "") in text, (joint, item)
        calf, snap = "Your calf gets painful or swollen", "You feel a sudden snap, or you suddenly lose strength"
        assert (calf.replace(" ", "") in text) == (joint in ("knee", "hip", "spine", "foot-ankle")), joint
        assert (snap.replace(" ", "") in text) == (joint != "spine"), joint


def test_blanks_print_as_lines_unless_the_clinician_types_them(page, server, kb):
    open_sheet(page, server, "shoulder")
    blank = printed(page, "A4")[0]
    for label in ("Medicine:", "Where:", "Date:", "Your review:", "Your service:", "Phone:"):
        assert label in blank, label
    assert "Left shoulder" not in blank
    page.fill("#kb-aftercare-site", "Left shoulder")
    page.fill("#kb-aftercare-phone", "01234 567890")
    filled = printed(page, "A4")[0]
    assert "Where: Left shoulder" in filled and "Phone: 01234 567890" in filled
    page.reload()
    page.wait_for_selector("[data-kb-aftercare-fill][data-kb-ready]", state="attached")
    assert "Left shoulder" not in printed(page, "A4")[0]  # nothing was kept


def test_nothing_from_the_checklist_reaches_the_sheet(page, server, kb):
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    page.locator('[data-kb-field="site"]').select_option("knee")
    page.locator('[data-kb-field="agent"]').select_option("triamcinolone acetonide")
    page.locator(f'#{kb.causes[0].checks[0].id} input[value="likely"]').check()
    open_sheet(page, server, "knee")
    text = printed(page, "A4")[0]
    assert "riamcinolone" not in text and "Likely" not in text
    assert page.eval_on_selector_all("[data-kb-blank-value]", "els => els.map(e => e.textContent)") == [""] * 6
    for field in page.locator("[data-kb-blank]").all():
        assert field.input_value() == ""


def test_the_sheet_prints_the_draft_line_the_kb_version_its_date_and_the_print_date(page, server, kb):
    assert is_draft(kb), "the sheet is a draft until a clinician reviews it; then this test changes with it"
    open_sheet(page, server, "hip")
    text = printed(page, "Letter")[0]
    assert f"After your steroid injection: hip {DRAFT_LINE}." in text  # under the title, above the box
    assert text.index(DRAFT_LINE) < text.index(kb.aftercare[0].heading)
    assert f"cortisone-kb version {kb.meta.version} of {version_date(kb)}" in text
    assert re.search(r"Printed on \d{1,2} [A-Z][a-z]+ 20\d\d", text)
    robots = page.eval_on_selector_all('meta[name="robots"]', "els => els.map(e => e.content)")
    assert robots == ["noindex"]


def test_the_checklist_offers_to_print_aftercare_for_the_chosen_site(page, server):
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-ready]")
    link = page.get_by_role("link", name="Print aftercare for this site")
    assert not link.is_visible()  # no site chosen: no one sheet to offer
    page.locator('[data-kb-field="site"]').select_option("elbow")
    assert link.is_visible()
    link.click()
    page.wait_for_url(re.compile(r"aftercare/elbow/$"))
    assert page.locator("h1").inner_text().startswith("After your steroid injection: elbow")
