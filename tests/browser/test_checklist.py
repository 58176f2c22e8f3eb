"""The checklist in real Chromium: marks persist, survive instant navigation, and stay private."""
from __future__ import annotations

import json
import re
from typing import NamedTuple

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


class Items(NamedTuple):
    """The checklist items these tests mark: two of the first cause the approach examines, one of the last."""

    first: object  # the first cause on the checklist
    a: str
    b: str
    c: str


@pytest.fixture(scope="module")
def items(kb) -> Items:
    first = kb.checklist_causes[0]
    return Items(first, first.checks[0].id, first.checks[1].id, kb.checklist_causes[-1].checks[0].id)


def open_checklist(page, server):
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")


def mark(page, item_id, state):
    page.locator(f'#{item_id} input[value="{state}"]').check()


def state_of(page, item_id):
    return page.locator(f"#{item_id} input[type=radio]:checked").get_attribute("value")


def stored(page):
    return page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('cortisone-kb:'))
        .map(k => [k, localStorage.getItem(k)])""")


def test_items_follow_the_causes_order_and_link_to_their_facet(page, server, kb, items):
    open_checklist(page, server)
    groups = page.locator("h2[data-kb-group]").evaluate_all("els => els.map(e => e.id)")
    assert groups == [c.id for c in kb.checklist_causes]
    facet = items.first.checks[0].facet
    link = page.locator(f"#{items.a} .kb-why a")
    assert link.get_attribute("href").endswith(f"causes/{items.first.id}/#{facet.id}")


def test_marks_survive_a_reload(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "ruled-out")
    mark(page, items.c, "suspected")
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "ruled-out"
    assert state_of(page, items.c) == "suspected"
    assert state_of(page, items.b) == "open"
    (key, value), = stored(page)
    data = json.loads(value)
    assert page.evaluate("saved => Date.now() - saved", data.pop("saved")) in range(0, 60_000)
    assert data == {"version": 1, "marks": {items.a: "ruled-out", items.c: "suspected"}, "flags": {}}


def test_progress_counts_update_per_cause_and_overall(page, server, kb, items):
    open_checklist(page, server)
    total = sum(len(c.checks) for c in kb.causes)
    assert page.locator("[data-kb-progress-overall]").inner_text() == f"0 of {total}"
    mark(page, items.a, "ruled-out")
    mark(page, items.b, "suspected")
    group = page.locator(f'[data-kb-progress-for="{items.first.id}"]').inner_text()
    assert group == f"2 of {len(items.first.checks)} checked · 1 suspected"
    assert page.locator("[data-kb-progress-overall]").inner_text() == f"2 of {total}"


def test_marks_survive_instant_navigation_away_and_back(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "suspected")
    page.locator(".md-nav--primary a", has_text="FAQ").first.click()
    page.wait_for_url("**/faq/")
    assert page.evaluate("() => typeof document$ !== 'undefined'")  # instant navigation is on
    page.locator(".md-nav--primary a", has_text="Checklist").first.click()
    page.wait_for_url("**/checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    assert state_of(page, items.a) == "suspected"
    mark(page, items.b, "ruled-out")  # still wired up after the page swap
    assert "1 suspected" in page.locator(f'[data-kb-progress-for="{items.first.id}"]').inner_text()
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "suspected"
    assert state_of(page, items.b) == "ruled-out"


@pytest.mark.parametrize("saved", ["{not json", '{"version": 99, "marks": {}}', '["a list"]', '{"version": 1, "marks": 5}'])
def test_corrupt_or_foreign_saved_data_is_discarded_with_a_notice(page, server, items, saved):
    open_checklist(page, server)
    assert stored(page) == []  # nothing saved before the first mark
    mark(page, items.a, "ruled-out")
    (key, _value), = stored(page)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, saved])
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    notice = page.locator("[data-kb-notice]")
    assert notice.is_visible()
    assert "discarded" in notice.inner_text()
    assert state_of(page, items.a) == "open"
    assert stored(page) == []


def test_saved_ids_that_no_longer_exist_are_ignored(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "ruled-out")
    (key, _value), = stored(page)
    saved = {"version": 1, "saved": page.evaluate("Date.now()"),
             "marks": {items.a: "suspected", "a-check-removed-long-ago": "suspected"}}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(saved)])
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "suspected"
    assert page.locator("[data-kb-notice]").is_hidden()


def test_clear_asks_first_and_empties_only_after_confirmation(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "ruled-out")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Clear all marks").click()
    assert state_of(page, items.a) == "ruled-out"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear all marks").click()
    assert state_of(page, items.a) == "open"
    assert stored(page) == []
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "open"


def test_copy_summary_puts_a_note_on_the_clipboard_and_in_a_visible_box(context, page, server, kb, items):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    open_checklist(page, server)
    mark(page, items.a, "ruled-out")
    mark(page, items.c, "suspected")
    page.get_by_role("button", name="Copy summary").click()
    expect(page.locator("[data-kb-notice]")).to_contain_text("Summary copied to the clipboard")
    box = page.locator("[data-kb-summary]")
    assert box.is_visible()
    text = box.input_value()
    assert page.evaluate("() => navigator.clipboard.readText()") == text
    facet_a, facet_c = (next(c.facet for c in kb.checks if c.id == item) for item in (items.a, items.c))
    lines = text.splitlines()
    assert lines[1].startswith("Date: 20")
    assert f"Checklist version: {kb.meta.version}" in lines
    ruled = lines.index("Ruled out (1):")
    assert lines[ruled + 1] == f"- {facet_a.title} ({facet_a.cause.title})"
    suspected = lines.index("Suspected (1):")
    assert lines[suspected + 1] == f"- {facet_c.title} ({facet_c.cause.title})"
    assert lines[suspected + 2] == "  Next steps:"
    assert len([line for line in lines if line.startswith("    - ")]) == len(facet_c.next_steps)
    total = sum(len(c.checks) for c in kb.causes)
    assert f"Not yet checked: {total - 2} of {total}" in lines


def test_summary_box_is_the_fallback_when_the_clipboard_is_refused(page, server, items):
    open_checklist(page, server)
    page.evaluate("() => { Object.defineProperty(navigator, 'clipboard', { value: undefined }); }")
    mark(page, items.a, "suspected")
    page.get_by_role("button", name="Copy summary").click()
    assert page.locator("[data-kb-summary]").is_visible()
    assert "Suspected (1):" in page.locator("[data-kb-summary]").input_value()
    assert "select it and copy" in page.locator("[data-kb-notice]").inner_text()


def test_items_are_operable_by_keyboard_with_visible_focus(page, server, items):
    open_checklist(page, server)
    radio = page.locator(f'#{items.a} input[value="open"]')
    radio.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    assert focused == [items.a, "ruled-out"]
    assert state_of(page, items.a) == "ruled-out"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    labels = page.locator(f"#{items.a} label").all_inner_texts()
    assert [label.strip() for label in labels] == ["Open", "Ruled out", "Suspected"]


def test_suspected_items_show_their_next_steps(page, server, items):
    open_checklist(page, server)
    steps = page.locator(f"#{items.a} .kb-next")
    assert steps.is_hidden()
    mark(page, items.a, "suspected")
    assert steps.is_visible()


def test_without_javascript_the_checklist_is_readable_and_static(browser, server, kb, items):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "checklist/")
    assert page.locator(f"#{items.a} legend").is_visible()
    assert page.locator(".kb-checklist input[type=radio]").count() == 3 * (sum(len(c.checks) for c in kb.causes)
                                                                           + len(kb.red_flags))
    assert page.locator("[data-kb-tools]").is_hidden()
    ctx.close()


def test_the_page_has_no_free_text_fields(page, server):
    open_checklist(page, server)
    editable = page.locator("input:not([type=radio]):not([type=checkbox]):not([type=hidden]), "
                            "textarea:not([readonly]), [contenteditable]")
    # Material's own search box is the one text field on every page; it never leaves the browser.
    assert editable.evaluate_all("els => els.map(e => e.name || e.className)") == ["query"]


# --- red flags first ------------------------------------------------------------------------------

def flag_item(flag_id):
    return f"#kb-flag-{flag_id}"


def test_the_red_flags_come_before_every_cause_most_urgent_first(page, server, kb):
    open_checklist(page, server)
    order = page.evaluate("""() => [...document.querySelectorAll('[data-kb-flag], [data-kb-group]')]
        .map(e => e.getAttribute('data-kb-flag') ? 'flag' : 'cause')""")
    assert order[: len(kb.red_flags)] == ["flag"] * len(kb.red_flags) and "flag" not in order[len(kb.red_flags):]
    shown = page.evaluate("() => [...document.querySelectorAll('[data-kb-flag]')].map(e => e.getAttribute('data-kb-flag'))")
    ranks = {f.id: f.urgency_rank for f in kb.red_flags}
    assert [ranks[i] for i in shown] == sorted(ranks[i] for i in shown)


def test_a_present_red_flag_shows_its_urgency_and_action_at_once(page, server, kb):
    flag = next(f for f in kb.red_flags if f.urgency == "emergency")
    open_checklist(page, server)
    action = page.locator(f"{flag_item(flag.id)} .kb-flag-action")
    assert not action.is_visible()
    page.locator(f'{flag_item(flag.id)} input[value="present"]').check()
    assert action.is_visible()
    assert "Emergency: refer now" in action.text_content() and "EMERGENCY" in action.inner_text()
    alert = page.locator("[data-kb-flag-alert]")
    assert alert.is_visible() and flag.title in alert.inner_text() and alert.get_attribute("role") == "alert"


def test_a_present_red_flag_heads_the_summary_and_survives_a_reload(context, page, server, kb, items):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    flag, other = kb.red_flags[0], kb.red_flags[1]
    open_checklist(page, server)
    page.locator(f'{flag_item(flag.id)} input[value="present"]').check()
    page.locator(f'{flag_item(other.id)} input[value="absent"]').check()
    mark(page, items.c, "suspected")
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert page.locator(f"{flag_item(flag.id)} input:checked").get_attribute("value") == "present"
    page.get_by_role("button", name="Copy summary").click()
    lines = page.locator("[data-kb-summary]").input_value().splitlines()
    first = lines.index("RED FLAGS PRESENT (1):")
    assert first < lines.index("Suspected (1):")
    assert lines[first + 1].startswith(f"- {flag.title}: ")
    assert lines[first + 2] == f"Other red flags: absent 1, not assessed {len(kb.red_flags) - 2}"


def test_with_no_red_flag_present_the_summary_says_so_neutrally(page, server, kb):
    open_checklist(page, server)
    page.locator(f'{flag_item(kb.red_flags[0].id)} input[value="absent"]').check()
    page.get_by_role("button", name="Copy summary").click()
    lines = page.locator("[data-kb-summary]").input_value().splitlines()
    assert f"Red flags: none marked present (absent 1 of {len(kb.red_flags)}, not assessed {len(kb.red_flags) - 1})" in lines


def test_clearing_also_clears_the_red_flags(page, server, kb):
    open_checklist(page, server)
    page.locator(f'{flag_item(kb.red_flags[0].id)} input[value="present"]').check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear all marks").click()
    assert page.locator(f"{flag_item(kb.red_flags[0].id)} input:checked").get_attribute("value") == "open"
    assert not page.locator("[data-kb-flag-alert]").is_visible()


# --- safe on a shared computer ----------------------------------------------------------------------

def test_the_page_says_when_the_marks_were_saved(page, server, items):
    open_checklist(page, server)
    assert page.locator("[data-kb-saved]").inner_text() == "No marks saved."
    mark(page, items.a, "ruled-out")
    assert re.fullmatch(r"Marks saved in this browser at \d\d:\d\d today; cleared after 12 hours\.",
                        page.locator("[data-kb-saved]").inner_text())


@pytest.mark.parametrize("age_hours", [13, None], ids=["13 hours old", "no time recorded"])
def test_marks_older_than_12_hours_are_cleared_on_load_with_a_notice(page, server, items, age_hours):
    open_checklist(page, server)
    mark(page, items.a, "suspected")
    (key, value), = stored(page)
    data = json.loads(value)
    if age_hours is None:
        del data["saved"]
    else:
        data["saved"] -= age_hours * 3600 * 1000
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(data)])
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "open"
    assert "more than 12 hours ago were cleared" in page.locator("[data-kb-notice]").inner_text()
    assert stored(page) == []


def test_marks_younger_than_12_hours_stay(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "suspected")
    (key, value), = stored(page)
    data = json.loads(value)
    data["saved"] -= 11 * 3600 * 1000
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, json.dumps(data)])
    page.reload()
    page.wait_for_selector("[data-kb-ready]")
    assert state_of(page, items.a) == "suspected"


def test_new_patient_clears_everything_in_one_step_and_undo_restores_it(page, server, kb, items):
    open_checklist(page, server)
    mark(page, items.a, "suspected")
    page.locator(f'#kb-flag-{kb.red_flags[0].id} input[value="present"]').check()
    page.get_by_role("button", name="New patient").click()
    assert state_of(page, items.a) == "open" and stored(page) == []
    assert page.locator(f"#kb-flag-{kb.red_flags[0].id} input:checked").get_attribute("value") == "open"
    assert "new patient" in page.locator("[data-kb-notice]").inner_text()
    page.get_by_role("button", name="Undo").click()
    assert state_of(page, items.a) == "suspected"
    assert page.locator(f"#kb-flag-{kb.red_flags[0].id} input:checked").get_attribute("value") == "present"
    assert len(stored(page)) == 1


def test_the_undo_offer_goes_away_after_a_few_seconds(page, server, items):
    page.clock.install()
    open_checklist(page, server)
    mark(page, items.a, "suspected")
    page.get_by_role("button", name="New patient").click()
    undo = page.locator("[data-kb-undo]")
    assert undo.is_visible()
    page.clock.run_for(11_000)
    expect(undo).to_be_hidden()


# --- never hidden under the sticky tools ------------------------------------------------------------

def visible_below_the_tools(page, element_id):
    return page.evaluate("""id => {
        const tools = document.querySelector('[data-kb-tools]').getBoundingClientRect();
        const target = document.getElementById(id).getBoundingClientRect();
        return target.top >= tools.bottom - 1 && target.top < innerHeight; }""", element_id)


def test_a_deep_link_to_an_item_lands_below_the_sticky_tools(browser, server, kb):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    item = kb.causes[2].checks[0].id
    page.goto(f"{server}checklist/#{item}")
    page.wait_for_selector("[data-kb-ready]")
    page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                           " return r.top > 0 && r.top < innerHeight; }", arg=item)
    assert visible_below_the_tools(page, item)
    ctx.close()

