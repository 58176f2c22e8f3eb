"""The checklist in real Chromium: red flags first, one joint at a time, answers that persist for 12 hours
at most and never change meaning, a summary that fits a clinical note, and controls always in reach."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from macros.kb.render import URGENCY_LABELS, URGENCY_MARKS
from tests.support.screens import checklist_screens

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "checklist-knee.yaml"
# The answers of each scheme, in the order a row shows them: the finding that points to the cause third.
ANSWERS = {"judgement": ["Not assessed", "Unlikely", "Likely", "N/A"], "fact": ["Not assessed", "No", "Yes", "N/A"]}
ANSWER_VALUES = {"judgement": ("unlikely", "likely"), "fact": ("no", "yes")}  # each scheme's two answers, as saved
SUMMARY_LINES, SUMMARY_WIDTH = 15, 100


class Items(NamedTuple):
    """The checklist items these tests mark: two of the first cause on the checklist, one of the last."""

    first: object  # the first cause on the checklist
    a: str
    b: str
    c: str


@pytest.fixture(scope="module")
def items(kb) -> Items:
    first = kb.checklist_causes[0]
    return Items(first, first.checks[0].id, first.checks[1].id, kb.checklist_causes[-1].checks[0].id)


@pytest.fixture(scope="module")
def scenario() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def open_checklist(page, server):
    page.goto(server + "checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")


def reload(page):
    page.reload()
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")


def mark(page, item_id, state):
    page.locator(f'#{item_id} input[value="{state}"]').check()


def flag(page, flag_id, state):
    page.locator(f'#kb-flag-{flag_id} input[value="{state}"]').check()


def state_of(page, item_id):
    return page.locator(f"#{item_id} input[type=radio]:checked").get_attribute("value")


def stored(page):
    return page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('cortisone-kb:'))
        .map(k => [k, localStorage.getItem(k)])""")


def put(page, key, value):
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, value])


def resave(page, change):
    """Edit the one saved checklist as another visit or version might have left it, then reload."""
    (key, value), = stored(page)
    data = json.loads(value)
    change(data)
    put(page, key, json.dumps(data))
    reload(page)


def fill_fields(page, fields: dict[str, str]):
    for name, value in fields.items():
        field = page.locator(f'[data-kb-field="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def copy_summary(page, long=False) -> str:
    page.locator("[data-kb-long]").set_checked(long)
    page.locator("[data-kb-tools]").get_by_role("button", name="Copy summary").click()
    box = page.locator("[data-kb-summary]")
    expect(box).to_be_visible()
    return box.input_value()


def knee_items(kb):
    return [c for c in kb.checks if not c.joints or "knee" in c.joints]


def play(page, scenario):
    """The fixture's answers: the fields, every red flag shown for the site absent, the named items."""
    fill_fields(page, scenario["fields"])
    for el in page.locator("[data-kb-flag]:not([data-kb-off-site])").all():
        el.locator('input[value="absent"]').check()
    for state in ("likely", "unlikely"):
        for item in scenario[state]:
            mark(page, item, state)


DRAFT_LINE = "Draft: this checklist's content is not yet clinically reviewed."


def drafts(kb) -> list:
    """The causes behind the checklist not yet clinically reviewed (as their own pages decide)."""
    return [cause for cause in kb.checklist_causes if not cause.reviewed.done]


def expected_summary(scenario, kb, address):
    today = "2026-11-25"
    text = scenario["summary"].format(date=today, version=kb.meta.version, address=address,
                                      draft=DRAFT_LINE if drafts(kb) else "")
    return [line for line in text.rstrip("\n").splitlines() if line.strip()]


# --- one order, one way of asking ------------------------------------------------------------------

def test_items_follow_the_causes_order_and_link_to_their_facet(page, server, kb, items):
    open_checklist(page, server)
    groups = page.locator("h2[data-kb-group]").evaluate_all("els => els.map(e => e.id)")
    assert groups == [c.id for c in kb.checklist_causes]
    headings = page.locator("h2[data-kb-group]").all_inner_texts()
    assert [h.split(". ", 1)[0] for h in headings] == [str(c.order) for c in kb.checklist_causes]
    facet = items.first.checks[0].facet
    link = page.locator(f"#{items.a} .kb-why a")
    assert link.get_attribute("href").endswith(f"causes/{items.first.id}/#{facet.id}")


def test_every_item_is_answered_by_its_scheme_with_nothing_preselected_but_not_assessed(page, server, kb):
    open_checklist(page, server)
    assert {check.answer for check in kb.checks} == {"fact", "judgement"}  # both schemes are in use
    for check in kb.checks:
        labels = page.locator(f"#{check.id} label").all_inner_texts()
        assert [label.strip() for label in labels] == ANSWERS[check.answer], check.id
        assert page.locator(f"#{check.id} input:checked").get_attribute("value") == "open", check.id
    # No control answers more than one entry: each radio group is one entry's, and each entry has one group.
    names = page.locator("[data-kb-checklist] input[type=radio]").evaluate_all("""els => els.map(e =>
        [e.name, (e.closest('[data-kb-item]') || e.closest('[data-kb-flag]')).id])""")
    assert len({name for name, _ in names}) == len({entry for _, entry in names}) == len(kb.checks) + len(kb.red_flags)
    assert all(entry in (name, f"kb-flag-{name[len('kb-flag-'):]}") for name, entry in names)


def test_items_are_operable_by_keyboard_with_visible_focus(page, server, items):
    open_checklist(page, server)
    page.locator(f'#{items.a} input[value="open"]').focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    assert focused == [items.a, "unlikely"]
    assert state_of(page, items.a) == "unlikely"
    # The radio button fills its answer's cell; the cell shows the focus.
    assert page.evaluate("() => getComputedStyle(document.activeElement.closest('.kb-mark')).outlineStyle") != "none"


def test_likely_items_show_their_next_steps(page, server, items):
    open_checklist(page, server)
    steps = page.locator(f"#{items.a} .kb-next")
    assert steps.is_hidden()
    mark(page, items.a, "unlikely")
    assert steps.is_hidden()
    mark(page, items.a, "likely")
    assert steps.is_visible()


def test_progress_counts_update_per_cause_and_overall(page, server, kb, items):
    open_checklist(page, server)
    total = len(kb.checks)
    assert page.locator("[data-kb-progress-overall]").inner_text() == f"0 of {total}"
    mark(page, items.a, "unlikely")
    mark(page, items.b, "likely")
    group = page.locator(f'[data-kb-progress-for="{items.first.id}"]').inner_text()
    assert group == f"2 of {len(items.first.checks)} answered · 1 likely"
    assert page.locator("[data-kb-progress-overall]").inner_text() == f"2 of {total}"


# --- red flags first ------------------------------------------------------------------------------

def test_the_red_flags_come_before_every_cause_most_urgent_first(page, server, kb):
    open_checklist(page, server)
    order = page.evaluate("""() => [...document.querySelectorAll('[data-kb-flag], [data-kb-group], [data-kb-field]')]
        .map(e => e.hasAttribute('data-kb-flag') ? 'flag' : e.hasAttribute('data-kb-field') ? e.getAttribute('data-kb-field')
             : 'cause')""")
    n = len(kb.red_flags)
    # Only the site (which decides the red flags shown) and the side come before the red flags.
    assert order[:2] == ["site", "side"] and order[2: n + 2] == ["flag"] * n and "flag" not in order[n + 2:]
    shown = page.evaluate("() => [...document.querySelectorAll('[data-kb-flag]')].map(e => e.getAttribute('data-kb-flag'))")
    ranks = {f.id: f.urgency_rank for f in kb.red_flags}
    assert [ranks[i] for i in shown] == sorted(ranks[i] for i in shown)


def test_the_red_flags_are_grouped_by_urgency_under_one_heading_each_every_flag_asking_its_question(page, server, kb):
    open_checklist(page, server)
    groups = page.evaluate("""() => [...document.querySelectorAll('.kb-flag-group')].map(h => [h.textContent.trim(),
        [...h.nextElementSibling.querySelectorAll('[data-kb-flag]')].map(e => e.getAttribute('data-kb-flag'))])""")
    levels = sorted({f.urgency for f in kb.red_flags}, key=lambda u: next(f.urgency_rank for f in kb.red_flags if f.urgency == u))
    assert len(groups) == len(levels)
    for (heading, ids), level in zip(groups, levels, strict=True):
        assert heading == f"{URGENCY_MARKS[level]} {URGENCY_LABELS[level]}", heading
        assert ids == [f.id for f in sorted(kb.red_flags, key=lambda f: f.urgency_rank) if f.urgency == level]
    assert page.locator(".kb-flag-group").first.get_attribute("role") == "heading"
    for red_flag in kb.red_flags:
        row = page.locator(f"#kb-flag-{red_flag.id}")
        assert row.locator(".kb-ask").is_visible() and row.locator(".kb-ask").inner_text() == red_flag.ask
        assert row.locator(".kb-flag-title").inner_text() == red_flag.title


def test_a_present_red_flag_shows_its_urgency_and_action_at_once(page, server, kb):
    emergency = next(f for f in kb.red_flags if f.urgency == "emergency")
    open_checklist(page, server)
    action = page.locator(f"#kb-flag-{emergency.id} .kb-flag-action")
    assert not action.is_visible()
    flag(page, emergency.id, "present")
    assert action.is_visible()
    assert "Emergency: refer now" in action.text_content() and "EMERGENCY" in action.inner_text()
    alert = page.locator("[data-kb-flag-alert]")
    assert alert.is_visible() and emergency.title in alert.inner_text() and alert.get_attribute("role") == "alert"


def test_a_present_red_flag_heads_the_summary_and_survives_a_reload(context, page, server, kb, items):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    first, other = kb.red_flags[0], kb.red_flags[1]
    open_checklist(page, server)
    flag(page, first.id, "present")
    flag(page, other.id, "absent")
    mark(page, items.c, "likely")
    reload(page)
    assert page.locator(f"#kb-flag-{first.id} input:checked").get_attribute("value") == "present"
    lines = copy_summary(page).splitlines()
    assert lines[1] == f"RED FLAG PRESENT ({first.urgency.replace('-', ' ')}): {first.title}"
    assert lines[2] == f"Other red flags: 1 absent, {len(kb.red_flags) - 2} not assessed"


def test_with_no_red_flag_present_the_summary_says_so_neutrally(page, server, kb):
    open_checklist(page, server)
    flag(page, kb.red_flags[0].id, "absent")
    lines = copy_summary(page).splitlines()
    assert lines[1] == f"Red flags: 1 absent, {len(kb.red_flags) - 1} not assessed"
    for el in page.locator("[data-kb-flag]").all():
        el.locator('input[value="absent"]').check()
    assert copy_summary(page).splitlines()[1] == f"Red flags: all {len(kb.red_flags)} absent"


# --- one joint at a time -------------------------------------------------------------------------

def test_choosing_a_site_hides_the_items_and_red_flags_of_other_joints(page, server, kb):
    open_checklist(page, server)
    page.locator('[data-kb-field="site"]').select_option("knee")
    shown = page.locator("[data-kb-item]:visible").evaluate_all("els => els.map(e => e.id)")
    assert shown == [c.id for c in kb.checklist_causes for c in c.checks if not c.joints or "knee" in c.joints]
    assert len(shown) < len(kb.checks)  # the knee is spared the shoulder, spine and wrist items
    flags = page.locator("[data-kb-flag]:visible").evaluate_all("els => els.map(e => e.getAttribute('data-kb-flag'))")
    assert set(flags) == {f.id for f in kb.red_flags if not f.joints or "knee" in f.joints}
    assert "joint-infection" in flags
    hidden = len(kb.checks) - len(shown)
    assert page.locator("[data-kb-progress-overall]").inner_text() == f"0 of {len(shown)}"
    lines = copy_summary(page).splitlines()
    assert f"Not assessed: {len(shown)}; not applicable to this site: {hidden} (of {len(kb.checks)} items)" in lines
    page.locator('[data-kb-field="site"]').select_option("other")
    assert page.locator("[data-kb-item]:visible").count() == len(kb.checks)


# The 1.6.0 sites (issue 26): choosing the checklist site a new site maps to shows the item about its usual missed
# diagnosis, and the spinal injection red flag only where spinal injections are given.
@pytest.mark.parametrize("joint, item, elsewhere", [
    ("hand-wrist", "thumb-base-arthritis-missed-check", "knee"),
    ("foot-ankle", "metatarsal-stress-fracture-missed-check", "hand-wrist"),
    ("spine", "sacroiliac-joint-pain-missed-check", "shoulder"),
])
def test_choosing_the_site_a_new_injection_site_maps_to_shows_its_item(page, server, joint, item, elsewhere):
    open_checklist(page, server)
    site = page.locator('[data-kb-field="site"]')
    site.select_option(joint)
    expect(page.locator(f"#{item}")).to_be_visible()
    spinal = page.locator('[data-kb-flag="spinal-injection-complication"]')
    expect(spinal).to_be_visible() if joint == "spine" else expect(spinal).to_be_hidden()
    site.select_option(elsewhere)
    expect(page.locator(f"#{item}")).to_be_hidden()


def test_any_item_can_be_marked_not_applicable_and_the_summary_counts_it(page, server, kb, items):
    open_checklist(page, server)
    mark(page, items.a, "na")
    lines = copy_summary(page).splitlines()
    assert f"Not assessed: {len(kb.checks) - 1}; N/A: 1 (of {len(kb.checks)} items)" in lines


def test_the_fields_and_the_site_are_saved_with_the_answers(page, server, scenario):
    open_checklist(page, server)
    fill_fields(page, scenario["fields"])
    reload(page)
    for name, value in scenario["fields"].items():
        assert page.locator(f'[data-kb-field="{name}"]').input_value() == value, name
    (key, value), = stored(page)
    assert json.loads(value)["fields"] == scenario["fields"]


@pytest.mark.parametrize("fields", [{"weeks": "-3"}, {"dose": "1e9"}, {"site": "moon"}, {"agent": "<b>x</b>"}, {"weeks": 6}],
                         ids=["negative", "huge", "unknown site", "unknown agent", "not text"])
def test_saved_fields_out_of_range_are_dropped(page, server, fields):
    open_checklist(page, server)
    fill_fields(page, {"side": "left"})
    resave(page, lambda data: data["fields"].update(fields))
    for name in fields:
        assert page.locator(f'[data-kb-field="{name}"]').input_value() == ""
    assert page.locator('[data-kb-field="side"]').input_value() == "left"


# --- the summary -----------------------------------------------------------------------------------

def test_the_fixture_scenario_end_to_end_gives_the_committed_summary(context, page, server, kb, scenario):
    """Knee, left, 6 weeks, red flags absent, four items likely and three unlikely: the note, line for line."""
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page.clock.set_fixed_time("2026-11-25T10:00:00")
    open_checklist(page, server)
    page.locator('[data-kb-field="site"]').select_option("knee")
    play(page, scenario)
    reload(page)
    page.locator(".md-nav--primary a", has_text="FAQ").first.click()
    page.wait_for_url("**/faq/")
    page.locator(".md-nav--primary a", has_text="Checklist").first.click()
    page.wait_for_url("**/checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    text = copy_summary(page)
    assert page.evaluate("() => navigator.clipboard.readText()") == text
    lines = text.splitlines()
    assert lines == expected_summary(scenario, kb, page.locator("link[rel=canonical]").get_attribute("href"))
    assert len(lines) <= SUMMARY_LINES
    assert max(len(line) for line in lines) <= SUMMARY_WIDTH
    expect(page.locator("[data-kb-notice]")).to_contain_text("Summary copied")


def test_the_long_form_adds_every_next_step_of_each_likely_item(page, server, kb, scenario):
    open_checklist(page, server)
    play(page, scenario)
    lines = copy_summary(page, long=True).splitlines()
    for item in scenario["likely"]:
        check = next(c for c in kb.checks if c.id == item)
        start = lines.index(f"Likely: {check.label} ({check.facet.cause.title}). Next steps:")
        steps = lines[start + 1: start + 1 + len(check.facet.next_steps)]
        assert len(steps) == len(check.facet.next_steps) and all(s.startswith("  - ") for s in steps)


def test_every_possible_summary_line_fits_a_note(kb):
    """Whatever is marked, the short form's lines stay within the width (the validator checks items)."""
    for check in kb.checks:
        assert len(f"Likely: {check.label}. Next: {check.key_step}") <= SUMMARY_WIDTH, check.id
    for red_flag in kb.red_flags:
        assert len(f"RED FLAG PRESENT ({red_flag.urgency.replace('-', ' ')}): {red_flag.title}") <= SUMMARY_WIDTH


def test_the_summary_box_is_the_fallback_when_the_clipboard_is_refused(page, server, items):
    open_checklist(page, server)
    page.evaluate("() => { Object.defineProperty(navigator, 'clipboard', { value: undefined }); }")
    mark(page, items.a, "likely")
    assert "Likely: " in copy_summary(page)
    assert "select it and copy" in page.locator("[data-kb-notice]").inner_text()


# --- marks never silently change meaning -------------------------------------------------------------

def test_an_item_reworded_since_it_was_answered_loses_its_answer_and_is_flagged(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    mark(page, items.b, "unlikely")
    # The fingerprint of a question worded otherwise.
    resave(page, lambda data: data["answers"][items.a].__setitem__(1, "0123456789ab"))
    assert state_of(page, items.a) == "open"
    assert state_of(page, items.b) == "unlikely"
    note = page.locator(f"#{items.a} .kb-changed-note")
    assert note.is_visible() and "Changed since you answered it" in note.inner_text()
    assert "1 item was reworded since you answered" in page.locator("[data-kb-notice]").inner_text()
    mark(page, items.a, "unlikely")  # answering again clears the flag
    assert page.locator(f"#{items.a} .kb-changed-note").count() == 0


@pytest.mark.parametrize("version", [1, 2])
def test_answers_saved_by_the_previous_version_are_not_carried_over_and_it_says_so_once(page, server, items, version):
    """Version 2 answered every item Unlikely / Likely: read under the answer schemes, a "likely" could become a "yes"."""
    open_checklist(page, server)
    key = page.evaluate("() => location.pathname.replace(/checklist\\/$/, '')")
    fp = page.locator(f"#{items.a}").get_attribute("data-kb-fp")
    now = page.evaluate("Date.now()")
    old = ({"version": 1, "saved": now, "marks": {items.a: "suspected"}, "flags": {}} if version == 1
           else {"version": 2, "saved": now, "fields": {}, "flags": {}, "answers": {items.a: ["likely", fp]}})
    put(page, f"cortisone-kb:{key}:checklist:v{version}", json.dumps(old))
    reload(page)
    assert state_of(page, items.a) == "open"
    assert "earlier version of this checklist were not carried over" in page.locator("[data-kb-notice]").inner_text()
    assert stored(page) == []
    reload(page)
    assert page.locator("[data-kb-notice]").is_hidden()


@pytest.mark.parametrize("saved", ["{not json", '{"version": 99, "answers": {}}', '["a list"]',
                                   '{"version": 3, "answers": 5, "flags": {}, "fields": {}}'])
def test_corrupt_or_foreign_saved_data_is_discarded_with_a_notice(page, server, items, saved):
    open_checklist(page, server)
    assert stored(page) == []  # nothing saved before the first answer
    mark(page, items.a, "unlikely")
    (key, _value), = stored(page)
    put(page, key, saved)
    reload(page)
    assert "discarded" in page.locator("[data-kb-notice]").inner_text()
    assert state_of(page, items.a) == "open"
    assert stored(page) == []


def test_saved_ids_that_no_longer_exist_and_unknown_answers_are_ignored(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "unlikely")
    mark(page, items.b, "unlikely")

    def unknown_ids_and_answers(data):
        fp = data["answers"][items.a][1]
        data["answers"] = {items.a: ["likely", fp], "a-check-removed-long-ago": ["likely", fp],
                           items.b: ["suspected", data["answers"][items.b][1]], "constructor": ["likely", fp]}

    resave(page, unknown_ids_and_answers)
    assert state_of(page, items.a) == "likely"
    assert state_of(page, items.b) == "open"
    assert page.locator("[data-kb-notice]").is_hidden()


def test_a_saved_answer_is_kept_only_if_it_is_one_of_that_items_own_answers(page, server, kb, items):
    """A "likely" saved for a fact (answered Yes / No) is dropped, never shown as "Yes"; and a "yes" for a judgement."""
    fact = next(c for c in kb.checks if c.answer == "fact")
    open_checklist(page, server)
    mark(page, fact.id, "yes")
    mark(page, items.a, "likely")

    def swap(data):
        data["answers"][fact.id][0] = "likely"
        data["answers"][items.a][0] = "yes"

    resave(page, swap)
    assert state_of(page, fact.id) == "open" and state_of(page, items.a) == "open"
    mark(page, fact.id, "no")
    reload(page)
    assert state_of(page, fact.id) == "no"


# --- safe on a shared computer ----------------------------------------------------------------------

def test_the_page_says_when_the_answers_were_saved(page, server, items):
    open_checklist(page, server)
    assert page.locator("[data-kb-saved]").inner_text() == "Nothing saved."
    mark(page, items.a, "unlikely")
    assert re.fullmatch(r"Saved in this browser at \d\d:\d\d today; cleared after 12 hours\.",
                        page.locator("[data-kb-saved]").inner_text())


@pytest.mark.parametrize("age_hours", [13, None], ids=["13 hours old", "no time recorded"])
def test_answers_older_than_12_hours_are_cleared_on_load_with_a_notice(page, server, items, scenario, age_hours):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    fill_fields(page, scenario["fields"])

    def age(data):
        if age_hours is None:
            del data["saved"]
        else:
            data["saved"] -= age_hours * 3600 * 1000

    resave(page, age)
    assert state_of(page, items.a) == "open"
    assert page.locator('[data-kb-field="site"]').input_value() == ""
    assert "more than 12 hours ago were cleared" in page.locator("[data-kb-notice]").inner_text()
    assert stored(page) == []


def test_answers_younger_than_12_hours_stay(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    resave(page, lambda data: data.__setitem__("saved", data["saved"] - 11 * 3600 * 1000))
    assert state_of(page, items.a) == "likely"


def test_new_patient_clears_everything_in_one_step_and_undo_restores_it(page, server, kb, items, scenario):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    flag(page, kb.red_flags[0].id, "present")
    fill_fields(page, scenario["fields"])
    page.get_by_role("button", name="New patient").click()
    assert state_of(page, items.a) == "open" and stored(page) == []
    assert page.locator(f"#kb-flag-{kb.red_flags[0].id} input:checked").get_attribute("value") == "open"
    assert page.locator('[data-kb-field="site"]').input_value() == ""
    assert not page.locator("[data-kb-flag-alert]").is_visible()
    assert "new patient" in page.locator("[data-kb-notice]").inner_text()
    page.get_by_role("button", name="Undo").click()
    assert state_of(page, items.a) == "likely"
    assert page.locator(f"#kb-flag-{kb.red_flags[0].id} input:checked").get_attribute("value") == "present"
    assert page.locator('[data-kb-field="site"]').input_value() == scenario["fields"]["site"]
    assert len(stored(page)) == 1


def test_the_undo_offer_goes_away_after_a_few_seconds(page, server, items):
    page.clock.install()
    open_checklist(page, server)
    mark(page, items.a, "likely")
    page.get_by_role("button", name="New patient").click()
    undo = page.locator("[data-kb-undo]")
    assert undo.is_visible()
    page.clock.run_for(11_000)
    expect(undo).to_be_hidden()


def test_answers_survive_a_reload_and_are_saved_with_their_fingerprints(page, server, kb, items):
    open_checklist(page, server)
    mark(page, items.a, "unlikely")
    mark(page, items.c, "likely")
    reload(page)
    assert (state_of(page, items.a), state_of(page, items.c), state_of(page, items.b)) == ("unlikely", "likely", "open")
    (key, value), = stored(page)
    data = json.loads(value)
    assert page.evaluate("saved => Date.now() - saved", data.pop("saved")) in range(0, 60_000)
    fp = {c.id: page.locator(f"#{c.id}").get_attribute("data-kb-fp") for c in kb.checks}
    assert data == {"version": 3, "fields": {}, "flags": {},
                    "answers": {items.a: ["unlikely", fp[items.a]], items.c: ["likely", fp[items.c]]}}
    assert len(set(fp.values())) == len(fp)


def test_answers_survive_instant_navigation_away_and_back(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    page.locator(".md-nav--primary a", has_text="FAQ").first.click()
    page.wait_for_url("**/faq/")
    assert page.evaluate("() => typeof document$ !== 'undefined'")  # instant navigation is on
    page.locator(".md-nav--primary a", has_text="Checklist").first.click()
    page.wait_for_url("**/checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    assert state_of(page, items.a) == "likely"
    mark(page, items.b, "unlikely")  # still wired up after the page swap
    assert "1 likely" in page.locator(f'[data-kb-progress-for="{items.first.id}"]').inner_text()


def test_without_javascript_the_checklist_is_readable_and_static(browser, server, kb, items):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "checklist/")
    assert page.locator(f"#{items.a} legend").is_visible()
    radios = page.locator(".kb-checklist input[type=radio]").count()
    assert radios == 4 * len(kb.checks) + 3 * len(kb.red_flags)
    assert page.locator("[data-kb-tools]").is_hidden()
    assert page.locator("[data-kb-flag-named]").evaluate_all("els => els.filter(e => e.offsetParent).length") == 0
    if [cause for cause in kb.checklist_causes if not cause.reviewed.done]:
        assert page.locator(".kb-checklist-draft").is_visible()
    ctx.close()


def test_the_page_has_no_free_text_about_the_patient(page, server):
    open_checklist(page, server)
    editable = page.locator("input:not([type=radio]):not([type=checkbox]):not([type=hidden]):not([type=number]), "
                            "textarea:not([readonly]), [contenteditable]")
    # Material's own search box is the one text field on every page; it never leaves the browser.
    assert editable.evaluate_all("els => els.map(e => e.name || e.className)") == ["query"]


# --- in reach and never hidden ------------------------------------------------------------------------

PHONE = {"width": 390, "height": 740}


def covered(page, selector):
    """How far the element is hidden under the header, the sticky tools or the bottom bar (0 if clear)."""
    return page.evaluate("""sel => {
        const el = document.querySelector(sel).closest('.kb-mark, .kb-field') || document.querySelector(sel);
        const r = el.getBoundingClientRect();
        let top = document.querySelector('.md-header').getBoundingClientRect().bottom;
        const tools = document.querySelector('[data-kb-tools]');
        if (getComputedStyle(tools).position === 'sticky') top = Math.max(top, tools.getBoundingClientRect().bottom);
        const bar = document.querySelector('[data-kb-bottom-bar]');
        const bottom = getComputedStyle(bar).display === 'none' ? innerHeight : bar.getBoundingClientRect().top;
        return Math.max(0, top - r.top) + Math.max(0, r.bottom - bottom); }""", selector)


def test_a_deep_link_to_an_item_lands_below_the_sticky_tools(browser, server, kb):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    item = kb.checklist_causes[2].checks[0].id
    page.goto(f"{server}checklist/#{item}")
    page.wait_for_selector("[data-kb-ready]")
    page.wait_for_function("id => { const r = document.getElementById(id).getBoundingClientRect();"
                           " return r.top > 0 && r.top < innerHeight; }", arg=item)
    assert covered(page, f"#{item} legend") == 0
    ctx.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_a_focused_control_is_never_covered_by_a_sticky_bar(browser, server, kb, viewport):
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    open_checklist(page, server)
    for check in kb.checklist_causes[3].checks[:2] + kb.checklist_causes[5].checks[:1]:
        no, yes = (value for value in ANSWER_VALUES[check.answer])
        radio = f'#{check.id} input[value="{yes}"]'
        for edge in ("top", "bottom"):
            # Put the control just under the top bars, or just under the bottom bar, then tab to it.
            page.evaluate("""([sel, edge]) => { const r = document.querySelector(sel).getBoundingClientRect();
                scrollBy(0, edge === 'top' ? r.top - 70 : r.bottom - innerHeight + 10); }""", [radio, edge])
            page.locator(f'#{check.id} input[value="{no}"]').focus()
            page.keyboard.press("ArrowRight")
            assert page.evaluate("() => document.activeElement.value") == yes
            assert covered(page, radio) == 0, (check.id, edge, viewport)
    ctx.close()


def test_on_a_phone_the_summary_slides_up_from_the_bar_red_flag_line_first_with_copy_and_close(browser, server, kb, items):
    ctx = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = ctx.new_page()
    open_checklist(page, server)
    bar, panel = page.locator("[data-kb-bottom-bar]"), page.locator("[data-kb-summary-box]")
    assert bar.is_visible() and panel.is_hidden()
    assert page.locator("[data-kb-tools]").evaluate("e => getComputedStyle(e).position") != "sticky"
    flag(page, "joint-infection", "present")
    page.locator(f"#{items.c}").scroll_into_view_if_needed()
    mark(page, items.c, "likely")
    assert page.locator("[data-kb-progress-bar]").inner_text().startswith("1 of ")
    assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= PHONE["height"] + 1
    opener = bar.get_by_role("button", name="Summary")
    opener.click()
    expect(panel).to_be_visible()
    assert opener.get_attribute("aria-expanded") == "true"
    # Fixed above the bar, within the window: read where the thumb already is, wherever the page is scrolled.
    page.wait_for_function("() => document.querySelector('[data-kb-summary-box]').getAnimations().length === 0")
    box, top_of_bar = panel.bounding_box(), bar.bounding_box()["y"]
    assert panel.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert abs(box["y"] + box["height"] - top_of_bar) <= 1 and box["y"] >= 0
    # The red-flag line first, then Copy, then the note.
    red_flag = next(f for f in kb.red_flags if f.id == "joint-infection")
    order = panel.evaluate("""e => [...e.querySelectorAll('[data-kb-summary-flags], [data-kb-action="copy"], textarea')]
        .map(x => x.matches('textarea') ? 'note' : x.matches('button') ? 'copy' : 'flags')""")
    assert order == ["flags", "copy", "note"]
    assert panel.locator("[data-kb-summary-flags]").inner_text().splitlines()[0] == present_line(red_flag)
    panel.get_by_role("button", name="Copy summary").click()
    expect(bar).to_contain_text("Summary copied")
    text = page.evaluate("() => navigator.clipboard.readText()")
    assert text == page.locator("[data-kb-summary]").input_value() and "Likely: " in text
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()
    assert opener.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.getAttribute('data-kb-action')") == "open-summary"
    opener.click()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    ctx.close()


def test_on_a_desktop_the_summary_is_an_area_of_the_page_with_a_close_control_not_over_the_form(page, server, kb, items):
    open_checklist(page, server)
    mark(page, items.c, "likely")  # far down the page
    copy_summary(page)
    panel = page.locator("[data-kb-summary-box]")
    assert panel.evaluate("e => getComputedStyle(e).position") == "static"
    assert not page.locator("[data-kb-tools]").evaluate("(tools, panel) => tools.contains(panel)", panel.element_handle())
    assert panel.is_visible() and panel.locator("[data-kb-summary-flags]").inner_text().startswith("Red flags: ")
    # Scrolled on, the form is not covered: the sticky tools stay small and the summary scrolls away with the page.
    page.locator(f"#{kb.checklist_causes[4].id}").scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, 300)")
    tools = page.locator("[data-kb-tools]").bounding_box()
    assert tools["height"] < page.viewport_size["height"] / 4
    assert panel.bounding_box()["y"] + panel.bounding_box()["height"] < tools["y"]
    page.evaluate("() => window.scrollTo(0, 0)")
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()


def test_a_fact_marked_yes_is_found_in_the_note_and_a_judgement_marked_likely_is_likely(page, server, kb, items):
    fact = next(c for c in kb.checks if c.answer == "fact" and not c.joints)
    other = next(c for c in kb.checks if c.answer == "fact" and c != fact)
    judgement = next(c for c in kb.checks if c.id == items.a)
    open_checklist(page, server)
    mark(page, fact.id, "yes")
    mark(page, other.id, "no")
    mark(page, judgement.id, "likely")
    mark(page, items.b, "unlikely")
    lines = copy_summary(page).splitlines()
    assert f"Found: {fact.label}. Next: {fact.key_step}" in lines
    assert f"Likely: {judgement.label}. Next: {judgement.key_step}" in lines
    assert not any(line.startswith("Likely: " + fact.label) for line in lines)  # a fact is never put as a probability
    assert f"Not found: {other.label}" in lines
    assert any(line.startswith("Unlikely: ") and "Not found" not in line for line in lines)
    assert page.locator(f"#{fact.id} .kb-next").is_visible()  # its next steps show, as for Likely
    mark(page, fact.id, "open")
    mark(page, judgement.id, "open")
    assert "Found or likely: none marked" in page.locator("[data-kb-summary]").input_value().splitlines()


def test_on_a_desktop_the_bottom_bar_is_not_shown(page, server):
    open_checklist(page, server)
    assert page.locator("[data-kb-bottom-bar]").is_hidden()


def test_the_page_reflows_at_320_px_without_horizontal_scrolling(browser, server, scenario):
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    open_checklist(page, server)
    fill_fields(page, scenario["fields"])
    copy_summary(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    wide = page.evaluate("""() => [...document.querySelectorAll('.kb-checklist *')]
        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > 320.5)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wide == []
    ctx.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_every_answer_is_a_target_of_at_least_24_by_24_px(browser, server, viewport):
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    open_checklist(page, server)
    small = page.evaluate("""() => [...document.querySelectorAll(
            '.kb-mark, .kb-field select, .kb-field input, .kb-long, .kb-checklist button')]
        .filter(e => e.getClientRects().length)
        .map(e => [e.textContent.trim() || e.id, e.getBoundingClientRect()])
        .filter(([, r]) => r.width < 24 || r.height < 24).map(([t]) => t).slice(0, 5)""")
    assert small == []
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("where", ["desktop", "phone"])
def test_axe_finds_nothing_on_the_checklist_in_either_scheme_with_answers_shown(browser, server, kb, scenario, scheme, where):
    """With the summary open: an area of the page on a desktop, the panel over the form on a phone."""
    screen = {"viewport": {"width": 1280, "height": 900}} if where == "desktop" else {
        "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    ctx = browser.new_context(**screen, color_scheme=scheme)
    page = ctx.new_page()
    open_checklist(page, server)
    assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == (
        "slate" if scheme == "dark" else "default")
    play(page, scenario)
    flag(page, kb.red_flags[0].id, "present")
    copy_summary(page)
    for state in ("answered", "cleared"):
        # Measure settled colours: not a button caught mid-way through the theme's hover transition.
        page.mouse.move(0, 0)
        page.evaluate("() => document.activeElement.blur()")
        page.wait_for_timeout(400)
        violations = Axe().run(page).response["violations"]
        assert not violations, (state, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations])
        page.get_by_role("button", name="New patient").click()  # then the notice and its Undo button show
    ctx.close()


# --- safe in use: a note that follows the answers, a tab that forgets, answers that stay in view ----------

DEVICES = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
           "desktop": {"viewport": {"width": 1280, "height": 900}}}
STALE = "Changed since copied: copy again"


@pytest.fixture(params=list(DEVICES))
def device(request, browser, server):
    """A page on a phone or a desktop, with the clipboard allowed; console errors fail the test."""
    ctx = browser.new_context(**DEVICES[request.param])
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    pg = ctx.new_page()
    pg.device = request.param
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    ctx.close()
    assert not errors, f"console errors: {errors}"


def press_copy(page):
    """Copy summary as the device offers it: on a phone the bar's Summary opens a panel holding Copy summary; on a
    desktop the tools hold it."""
    if page.device == "phone":
        panel = page.locator("[data-kb-summary-box]")
        if panel.is_hidden():
            page.locator("[data-kb-bottom-bar]").get_by_role("button", name="Summary").click()
        if panel.is_visible():  # not when the tap found the last patient's answers and cleared them
            panel.get_by_role("button", name="Copy summary").click()
        return
    page.locator("[data-kb-tools]").get_by_role("button", name="Copy summary").click()


def clipboard(page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def named(page):
    """Where the device names a present red flag without scrolling: the bottom bar or the sticky tools."""
    return page.locator("[data-kb-bottom-bar] [data-kb-flag-named]" if page.device == "phone"
                        else "[data-kb-tools] [data-kb-flag-named]")


def in_view(page, selector) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def present_line(red_flag) -> str:
    return f"RED FLAG PRESENT ({red_flag.urgency.replace('-', ' ')}): {red_flag.title}"


def test_after_copy_a_changed_answer_changes_the_note_and_asks_for_a_new_copy(device, server, kb, items):
    page = device
    infection = next(f for f in kb.red_flags if f.id == "joint-infection")
    open_checklist(page, server)
    flag(page, infection.id, "absent")
    press_copy(page)
    expect(page.locator("[data-kb-notice]")).to_contain_text("Summary copied")
    copied = clipboard(page)
    assert copied == page.locator("[data-kb-summary]").input_value() and present_line(infection) not in copied
    flag(page, infection.id, "present")
    note = page.locator("[data-kb-summary]").input_value()
    assert note.splitlines()[1] == present_line(infection)  # the box follows the answers at once
    assert clipboard(page) == copied  # only the Copy button writes to the clipboard
    expect(page.locator("[data-kb-summary-state]")).to_have_text(STALE + ".")
    assert "Summary copied" not in page.locator("[data-kb-notice]").inner_text()
    assert STALE in page.locator("[data-kb-notice]").inner_text()
    if page.device == "phone":
        expect(page.locator("[data-kb-bottom-bar]")).to_contain_text(STALE)
    mark(page, items.a, "likely")
    assert "Likely: " in page.locator("[data-kb-summary]").input_value() and clipboard(page) == copied
    press_copy(page)
    expect(page.locator("[data-kb-summary-state]")).to_be_hidden()
    assert clipboard(page) == page.locator("[data-kb-summary]").input_value() != copied
    assert STALE not in page.locator("[data-kb-notice]").inner_text()


def test_the_note_follows_the_long_form_switch_too(page, server, items):
    open_checklist(page, server)
    mark(page, items.a, "likely")
    short = copy_summary(page)
    page.locator("[data-kb-long]").check()
    assert page.locator("[data-kb-summary]").input_value() != short
    expect(page.locator("[data-kb-summary-state]")).to_have_text(STALE + ".")


TRIGGERS = {
    "an answer": lambda page, knee: page.locator(f'#{knee[1]} input[value="unlikely"]').click(),
    "focus": lambda page, knee: page.evaluate("() => window.dispatchEvent(new Event('focus'))"),
    "the tab shown again": lambda page, knee: page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))"),
    "Copy summary": lambda page, knee: press_copy(page),
    "a minute passing": lambda page, knee: page.clock.run_for(61_000),
}


@pytest.mark.parametrize("trigger", list(TRIGGERS))
def test_a_tab_left_open_13_hours_forgets_the_last_patient_at_the_next_interaction(device, server, kb, trigger):
    page = device
    knee = [c.id for c in knee_items(kb)[:2]]
    page.clock.install(time="2026-11-25T17:30:00")
    open_checklist(page, server)
    page.evaluate("() => navigator.clipboard.writeText('the previous note')")
    fill_fields(page, {"site": "knee", "side": "left"})
    flag(page, "joint-infection", "present")
    mark(page, knee[0], "likely")
    page.clock.set_system_time("2026-11-26T06:30:00")  # the clock moves on; no timer runs, the page sits as it was
    assert state_of(page, knee[0]) == "likely"
    TRIGGERS[trigger](page, knee)
    expect(page.locator("[data-kb-notice]")).to_contain_text("more than 12 hours ago were cleared")
    assert (state_of(page, knee[0]), state_of(page, knee[1])) == ("open", "open")
    assert page.locator("#kb-flag-joint-infection input:checked").get_attribute("value") == "open"
    assert page.locator('[data-kb-field="site"]').input_value() == ""
    assert page.locator("[data-kb-flag-alert]").is_hidden() and named(page).is_hidden()
    assert page.locator("[data-kb-saved]").inner_text() == "Nothing saved."
    assert stored(page) == []
    assert clipboard(page) == "the previous note"  # yesterday's patient never reaches a note


def test_a_tab_used_within_12_hours_keeps_its_answers_and_says_when_they_were_saved(page, server, items):
    page.clock.install(time="2026-11-25T17:30:00")
    open_checklist(page, server)
    mark(page, items.a, "likely")
    page.clock.set_system_time("2026-11-26T05:00:00")
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    assert state_of(page, items.a) == "likely"
    assert page.locator("[data-kb-saved]").inner_text().startswith("Saved in this browser at 17:30 yesterday")


def test_the_age_check_follows_the_checklist_through_instant_navigation(page, server, items):
    page.clock.install(time="2026-11-25T17:30:00")
    open_checklist(page, server)
    page.locator(".md-nav--primary a", has_text="FAQ").first.click()
    page.wait_for_url("**/faq/")
    page.locator(".md-nav--primary a", has_text="Checklist").first.click()
    page.wait_for_url("**/checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    mark(page, items.a, "likely")
    page.clock.set_system_time("2026-11-26T06:30:00")
    page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    expect(page.locator("[data-kb-notice]")).to_contain_text("more than 12 hours ago were cleared")
    assert state_of(page, items.a) == "open" and stored(page) == []


def off_knee(entries):
    return next(e for e in entries if e.joints and "knee" not in e.joints)


def test_an_answered_red_flag_and_item_survive_a_change_of_site(device, server, kb):
    """Marked Present for one joint, then the knee chosen: still shown, in the alert, the bar, the note and print."""
    page = device
    red_flag, absent_flag, check = off_knee(kb.red_flags), off_knee(kb.red_flags[::-1]), off_knee(kb.checks)
    assert red_flag != absent_flag
    open_checklist(page, server)
    flag(page, red_flag.id, "present")
    flag(page, absent_flag.id, "absent")
    mark(page, check.id, "likely")
    page.locator('[data-kb-field="site"]').select_option("knee")
    for entry in (f"#kb-flag-{red_flag.id}", f"#kb-flag-{absent_flag.id}", f"#{check.id}"):
        assert page.locator(entry).is_visible(), entry
        assert page.locator(entry).get_attribute("data-kb-off-site") is None, entry
    expect(page.locator("[data-kb-flag-alert]")).to_contain_text(red_flag.title)
    expect(named(page)).to_contain_text(red_flag.title)
    assert named(page).is_visible()
    press_copy(page)
    lines = page.locator("[data-kb-summary]").input_value().splitlines()
    assert lines[1] == present_line(red_flag)
    assert f"Likely: {check.label}. Next: {check.key_step}" in lines
    unanswered = off_knee([f for f in kb.red_flags if f not in (red_flag, absent_flag)])
    assert page.locator(f"#kb-flag-{unanswered.id}").is_hidden()  # only unanswered entries for other joints go
    page.emulate_media(media="print")
    for entry in (f"#kb-flag-{red_flag.id}", f"#{check.id}"):
        assert page.locator(f"{entry} .kb-mark--likely, {entry} .kb-mark--present").is_visible(), entry
        assert page.locator(entry).evaluate("e => getComputedStyle(e.querySelector('.kb-marks'), '::after').content") \
            in ("none", "normal"), entry  # not "N/A (other site)"
    assert page.locator(f"#kb-flag-{red_flag.id} .kb-flag-action").is_visible()


def test_a_present_red_flag_is_named_in_the_bar_or_panel_wherever_the_page_is_scrolled(device, server, kb):
    page = device
    emergency = next(f for f in kb.red_flags if f.urgency == "emergency")
    open_checklist(page, server)
    assert named(page).is_hidden()
    flag(page, emergency.id, "present")
    for scroll in ("document.body.scrollHeight / 2", "document.body.scrollHeight"):
        page.evaluate(f"() => window.scrollTo(0, {scroll})")
        expect(named(page)).to_have_text(f"Red flag present: {emergency.title}")
        assert in_view(page, "[data-kb-bottom-bar] [data-kb-flag-named]" if page.device == "phone"
                       else "[data-kb-tools] [data-kb-flag-named]"), scroll
    assert named(page).get_attribute("href") == f"#kb-flag-{emergency.id}"
    flag(page, emergency.id, "absent")
    assert named(page).is_hidden()


def test_marking_a_red_flag_present_by_keyboard_keeps_the_control_in_view(device, server, kb):
    """The alert opens above the red flags, and the tools or the bar grow to name it: the control stays put."""
    page = device
    open_checklist(page, server)
    for red_flag in (kb.red_flags[0], kb.red_flags[-1]):
        present = f'#kb-flag-{red_flag.id} input[value="present"]'
        # The control near the bottom of what can be seen, as when working down the list.
        page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
            const bar = document.querySelector('[data-kb-bottom-bar]');
            const bottom = getComputedStyle(bar).display === 'none' ? innerHeight : bar.getBoundingClientRect().top;
            scrollBy(0, r.bottom - bottom + 20); }""", present)
        page.locator(f'#kb-flag-{red_flag.id} input[value="absent"]').focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("() => [document.activeElement.name, document.activeElement.value]") == [
            f"kb-flag-{red_flag.id}", "present"]
        assert covered(page, present) == 0, red_flag.id
        flag(page, red_flag.id, "absent")


def test_the_checklist_and_its_note_say_while_the_content_is_a_draft(device, server, kb, items):
    page = device
    open_checklist(page, server)
    banner = page.locator(".kb-checklist-draft")
    intro = page.locator(".kb-checklist-intro").inner_text()
    assert "records and repeats your answers; it does not score or conclude" in intro
    mark(page, items.a, "likely")
    press_copy(page)
    expect(page.locator("[data-kb-summary]")).not_to_have_value("")  # drawn on the click, read once it is there
    lines = page.locator("[data-kb-summary]").input_value().splitlines()
    if drafts(kb):
        assert banner.is_visible() and "Draft: not yet clinically reviewed" in banner.inner_text()
        order = page.evaluate("""() => [...document.querySelectorAll('.kb-checklist-draft, [data-kb-field="site"]')]
            .map(e => e.matches('.kb-checklist-draft') ? 'draft' : 'site')""")
        assert order == ["draft", "site"]  # at the top, before anything is asked
        assert lines.count(DRAFT_LINE) == 1 and lines.index(DRAFT_LINE) == len(lines) - 3
    else:
        assert banner.count() == 0 and DRAFT_LINE not in lines
    assert not any(re.search(r"\bscore|diagnos|ruled out|conclu", line, re.IGNORECASE) for line in lines)


# --- compact: the knee in a few screens, deep links that say where they went, taps that land -------------

# Issue 27: the knee checklist was 19.0 screens at 390x844 (one 235 px card per item); one row per question brought
# it to 7.5. Re-measured with the 1.6.0 content merged (issue 26: 47 items and 16 red flags for the knee, was 46 and
# 15): 7.78 screens, the same layout holding more questions. The target is still 6 and is not met; this ceiling is
# the measured figure, so that it may not grow back further.
KNEE_SCREENS_CEILING = 7.8


def test_the_knee_checklist_fits_in_its_ceiling_of_phone_screens_with_every_question_shown(browser, server):
    measured = checklist_screens(browser, server, ["knee"])["knee"]
    assert measured["unasked"] == 0 and measured["folded"] == 0  # nothing hidden to make it short
    assert measured["items"] > 40 and measured["flags"] > 10
    assert measured["screens"] <= KNEE_SCREENS_CEILING, measured


def test_a_deep_link_to_an_item_the_chosen_site_hides_says_so_and_offers_to_show_it(browser, server, kb):
    ctx = browser.new_context(**DEVICES["phone"])
    page = ctx.new_page()
    open_checklist(page, server)
    page.locator('[data-kb-field="site"]').select_option("knee")
    hidden = off_knee(kb.checks)
    page.goto(f"{server}checklist/#{hidden.id}")
    page.reload()
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    notice = page.locator("[data-kb-hidden-target]")
    expect(notice).to_be_visible()
    assert in_view(page, "[data-kb-hidden-target]")
    assert "is hidden: it does not concern the knee" in notice.inner_text() and hidden.ask in notice.inner_text()
    assert page.locator(f"#{hidden.id}").is_hidden()
    notice.get_by_role("button", name="Show it").click()
    expect(page.locator(f"#{hidden.id}")).to_be_visible()
    assert covered(page, f"#{hidden.id} legend") == 0 and notice.is_hidden()
    assert page.locator('[data-kb-field="site"]').input_value() == "knee"  # the site stays chosen
    page.goto(f"{server}checklist/#{knee_items(kb)[0].id}")  # an item the site shows: no notice
    page.reload()
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    assert notice.is_hidden()
    ctx.close()


def test_a_tap_just_above_the_bottom_bar_lands_on_the_control_there(browser, server, kb):
    ctx = browser.new_context(**DEVICES["phone"])
    page = ctx.new_page()
    open_checklist(page, server)
    check = kb.checklist_causes[3].checks[1]
    yes = ANSWER_VALUES[check.answer][1]
    cell = page.locator(f"#{check.id} .kb-mark--{yes}")
    top_of_bar = page.locator("[data-kb-bottom-bar]").bounding_box()["y"]
    # The answer's bottom edge 1 px above the bar's top edge; then a tap on its last pixel row.
    page.evaluate("""([sel, bar]) => { const r = document.querySelector(sel).getBoundingClientRect();
        scrollBy(0, r.bottom - bar + 1); }""", [f"#{check.id} .kb-mark--{yes}", top_of_bar])
    box = cell.bounding_box()
    assert box["y"] + box["height"] <= top_of_bar + 0.5 and box["y"] + box["height"] > top_of_bar - 4
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] - 1)
    assert state_of(page, check.id) == yes
    ctx.close()


def test_the_home_page_puts_start_the_checklist_in_the_red_flag_box_on_the_first_phone_screen(browser, server):
    ctx = browser.new_context(**DEVICES["phone"])
    page = ctx.new_page()
    page.goto(server)
    content = page.locator(".md-content .md-typeset").first
    first = content.evaluate("e => [...e.children].find(c => !c.matches('h1, .headerlink, a.md-content__button')).className")
    assert "kb-red-flags" in first  # the red-flag box still comes first (SAFETY.md H1)
    start = page.locator(".kb-red-flags .kb-red-flags-title").get_by_role("link", name="Start the checklist")
    box = start.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    start.click()
    page.wait_for_url("**/checklist/")
    page.wait_for_selector("[data-kb-checklist][data-kb-ready]")
    ctx.close()
