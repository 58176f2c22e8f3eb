"""Worked cases and the response timeline: what a trainee is taught is written by hand and checked before it is built.

The self-test's right answers are the KB's, never generated; where a story holds a red flag, acting on it is the only
right first step; a broken case fails at its file and line; hostile text in a case is refused, and what reaches a
page is text. Each breaking case edits a temporary copy of kb/.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.markup import MARKDOWN_EXTENSIONS
from macros.kb.model import CASE_STAGES, JOINTS
from macros.kb.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
CASES = "cases.yaml"
TIMELINE = "timeline.yaml"
RED_FLAG_CASE = "hot-knee-on-day-four"


def problems_of(kb_dir: Path) -> list[str]:
    _docs, problems = validate_kb(kb_dir)
    return [str(p) for p in problems]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def case_text(kb_dir: Path, case_id: str) -> tuple[str, int]:
    """The YAML of one case and the line it starts on."""
    text = (kb_dir / CASES).read_text(encoding="utf-8")
    start = text.index(f"- id: {case_id}\n")
    end = text.find("\n- id: ", start + 1)
    return text[start: end if end > 0 else len(text)], text[:start].count("\n") + 1


def edit_case(kb_dir: Path, case_id: str, old: str, new: str) -> int:
    """Replace old by new inside one case only; return the line where the edit starts."""
    path = kb_dir / CASES
    text = path.read_text(encoding="utf-8")
    block, first = case_text(kb_dir, case_id)
    assert old in block, f"{old!r} not in case {case_id}"
    at = block.index(old)
    path.write_text(text.replace(block, block.replace(old, new, 1), 1), encoding="utf-8")
    return first + block[:at].count("\n")


# --- the cases the KB holds --------------------------------------------------------------------------------

def test_there_are_at_least_eight_cases_covering_every_site_and_a_red_flag(kb):
    assert len(kb.cases) >= 8
    joints = {case.site.region.joint for case in kb.cases}
    assert set(JOINTS) <= joints, f"no case at {set(JOINTS) - joints}"
    assert "trochanteric-region" in {case.site.id for case in kb.cases}
    assert any(case.red_flags_present for case in kb.cases), "one case at least must hold a red flag"


def test_each_case_reveals_ask_found_reasoning_and_done_in_order(kb):
    for case in kb.cases:
        assert [s.stage for s in case.steps] == list(CASE_STAGES), case.id


def test_each_question_has_exactly_one_right_choice_and_feedback_for_every_choice(kb):
    for case in kb.cases:
        for question in (case.reason, case.first):
            assert sum(choice.right for choice in question.choices) == 1, case.id
            assert len(question.choices) >= 3
            for choice in question.choices:
                assert choice.option.strip() and choice.feedback.strip(), case.id
                assert "\n" not in choice.feedback, "one line of feedback per choice"
            options = [c.option.lower() for c in question.choices]
            assert len(set(options)) == len(options), f"{case.id}: the same choice twice"


def test_when_a_story_holds_a_red_flag_acting_on_it_is_the_only_right_first_choice(kb):
    held = [case for case in kb.cases if case.red_flags_present]
    assert RED_FLAG_CASE in [case.id for case in held]
    for case in held:
        present = {flag.id for flag in case.red_flags_present}
        right = [c for c in case.first.choices if c.right]
        assert len(right) == 1 and right[0].red_flag in present, case.id
        wrong_acting = [c.option for c in case.first.choices if not c.right and c.red_flag in present]
        assert wrong_acting == [], f"{case.id}: acting on the red flag is marked wrong"
        # The flag the story holds is in what the feedback links, and the reasoning names it.
        assert set(present) <= {e.id for e in case.reading("first")}
        assert any(flag in {f.id for f in s.red_flags} for s in case.steps for flag in present), case.id


def test_a_red_flag_the_story_holds_is_one_the_checklist_asks_at_the_case_site(kb):
    for case in kb.cases:
        for flag in case.red_flags_present:
            assert not flag.joints or case.site.region.joint in flag.joints, (case.id, flag.id)


def test_every_case_cites_verified_sources_or_says_it_is_expert_opinion(kb):
    """kb/references.yaml holds only the verified list (test_references.py compares them), so citing from it is
    citing a verified source."""
    verified = {r.id for r in kb.references}
    for case in kb.cases:
        if case.evidence in ("supported", "mixed"):
            assert case.references, case.id
        else:
            assert "expert opinion" in case.evidence_note.lower(), case.id
        assert {r.id for r in case.references} <= verified, case.id
        cited = set(re.findall(r"\[@([a-z0-9-]+)\]", case.evidence_note))
        assert cited == {r.id for r in case.references}, f"{case.id}: each source is cited where its claim is"


def test_no_case_gives_a_dose(kb):
    dose = re.compile(r"(?i)\d\s*(?:mg|ml|milligrams?|millilitres?)\b|\bdose of\b")
    for case in kb.cases:
        texts = [case.story, case.evidence_note, *case.learning_points, *(s.text for s in case.steps),
                 *(t for q in (case.reason, case.first) for c in q.choices for t in (c.option, c.feedback))]
        assert not [t for t in texts if dose.search(t)], case.id


def test_the_timeline_fills_each_cell_once_and_puts_worse_than_before_first(kb):
    cells = {}
    for cell in kb.timeline:
        for row in (("relief", "no-relief") if cell.anaesthetic == "either" else (cell.anaesthetic,)):
            assert (row, cell.steroid) not in cells
            cells[row, cell.steroid] = cell
    assert len(cells) == 6
    worse = cells["relief", "worse"]
    assert worse is cells["no-relief", "worse"]
    assert "joint-infection" in [f.id for f in worse.red_flags]
    from macros.kb.model import STEROID_RESPONSES
    assert next(iter(STEROID_RESPONSES)) == "worse", "red flags first: the worse row heads the table"


def test_each_case_names_the_timeline_cell_it_shows(kb):
    for case in kb.cases:
        assert case in case.timeline.cases
    assert next(c for c in kb.cases if c.id == RED_FLAG_CASE).timeline.id == "timeline-worse-than-before"


# --- a broken case fails at its file and line ------------------------------------------------------------

def test_a_right_first_choice_that_ignores_the_red_flag_is_refused(kb_copy):
    line = edit_case(kb_copy, RED_FLAG_CASE, "        right: true\n        red_flag: joint-infection\n",
                     "        right: true\n")
    problems = problems_of(kb_copy)
    assert (f"kb/cases.yaml:{line - 1}: entry '{RED_FLAG_CASE}': the story holds the red flag 'joint-infection': the "
            "right 'first' choice must act on it ('red_flag: <id>'), since a red flag comes before everything else"
            in problems), problems


def test_marking_the_red_flag_choice_wrong_and_another_right_is_refused(kb_copy):
    edit_case(kb_copy, RED_FLAG_CASE, "        right: true\n        red_flag: joint-infection\n",
              "        red_flag: joint-infection\n")
    line = edit_case(kb_copy, RED_FLAG_CASE, "      - option: Stronger painkillers and review in a week\n",
                     "      - option: Stronger painkillers and review in a week\n        right: true\n")
    problems = problems_of(kb_copy)
    assert f"kb/cases.yaml:{line}: entry '{RED_FLAG_CASE}': the story holds the red flag 'joint-infection': the right " \
           "'first' choice must act on it ('red_flag: <id>'), since a red flag comes before everything else" in problems
    first_choice = line_of(kb_copy / CASES, "Act on the joint infection red flag now")
    assert f"kb/cases.yaml:{first_choice}: entry '{RED_FLAG_CASE}': choice 1 of 'first' acts on the red flag " \
           "'joint-infection' but is marked wrong: acting on a red flag the story holds is never a wrong first step" \
           in problems, problems


@pytest.mark.parametrize("count", [0, 2])
def test_a_question_without_exactly_one_right_choice_is_refused(kb_copy, count):
    if count == 0:
        edit_case(kb_copy, "knee-never-eased", "        right: true\n        feedback: Hip rotation",
                  "        feedback: Hip rotation")
    else:
        edit_case(kb_copy, "knee-never-eased", "      - option: A post-injection flare\n",
                  "      - option: A post-injection flare\n        right: true\n")
    line = line_of(kb_copy / CASES, "  reason:")
    assert f"kb/cases.yaml:{line}: entry 'knee-never-eased': 'reason' must have exactly one right choice " \
           f"('right: true'), found {count}" in problems_of(kb_copy)


def test_a_choice_acting_on_a_red_flag_the_story_does_not_hold_is_refused(kb_copy):
    line = edit_case(kb_copy, "knee-never-eased", "        right: true\n        feedback: Test the diagnosis",
                     "        right: true\n        red_flag: joint-infection\n        feedback: Test the diagnosis") + 1
    assert f"kb/cases.yaml:{line}: entry 'knee-never-eased': choice 1 of 'first' acts on the red flag " \
           "'joint-infection', which the story does not hold: list it in 'red_flags_present', or remove it from the " \
           "choice" in problems_of(kb_copy)


def test_steps_out_of_order_are_refused(kb_copy):
    edit_case(kb_copy, "knee-never-eased", "      stage: reasoning\n", "      stage: STAGE\n")
    edit_case(kb_copy, "knee-never-eased", "      stage: found\n", "      stage: reasoning\n")
    edit_case(kb_copy, "knee-never-eased", "      stage: STAGE\n", "      stage: found\n")
    line = line_of(kb_copy / CASES, "  steps:")
    assert f"kb/cases.yaml:{line}: entry 'knee-never-eased': 'steps' must reveal ask, found, reasoning, done once " \
           "each, in that order (got ask, reasoning, found, done)" in problems_of(kb_copy)


BROKEN = [
    ("  evidence: supported\n  evidence_note: |\n    Nearly", "  evidence: supported\n  evidnce_note: x\n  evidence_note: "
     "|\n    Nearly", "evidnce_note", 1,
     "entry 'knee-never-eased': unknown key 'evidnce_note' (did you mean 'evidence_note'?)"),
    ("      facets: [referred-pain-missed, anaesthetic-wears-off]", "      facets: [referred-pain-mised, anaesthetic-wears-off]",
     "referred-pain-mised", 1,
     "entry 'knee-never-eased-ask': facet 'referred-pain-mised' does not exist (did you mean 'referred-pain-missed'?)"),
    ("      red_flags: [joint-infection, insufficiency-fracture-or-osteonecrosis]",
     "      red_flags: [joint-infecton, insufficiency-fracture-or-osteonecrosis]", "joint-infecton", 1,
     "entry 'knee-never-eased-ask': red flag 'joint-infecton' does not exist (did you mean 'joint-infection'?)"),
    ("      sites: [knee-joint, hip-joint]", "      sites: [knee-joint, hip-jiont]", "hip-jiont", 1,
     "entry 'knee-never-eased-found': injection site 'hip-jiont' does not exist (did you mean 'hip-joint'?)"),
    ("  site: knee-joint\n", "  site: kneejoint\n", "site: kneejoint", 1,
     "entry 'knee-never-eased': injection site 'kneejoint' does not exist (did you mean 'knee-joint'?)"),
    ("  timeline: timeline-never-relieved\n", "  timeline: referred-pain-missed\n", "timeline: referred-pain-missed", 1,
     "entry 'knee-never-eased': 'timeline' must name a timeline cell, but 'referred-pain-missed' is a facet"),
    ("    - id: knee-never-eased-found\n", "    - id: knee-never-eased-ask\n", "- id: knee-never-eased-ask", 2,
     "duplicate id 'knee-never-eased-ask': already used by a case step at kb/cases.yaml:"),
    ("No further knee injection.", "No further knee injection at 40 mg.", "40 mg", 1,
     "entry 'knee-never-eased': a worked case gives no doses: point to the product information instead"),
]


@pytest.mark.parametrize("old,new,needle,occurrence,message", BROKEN, ids=[b[2] for b in BROKEN])
def test_a_broken_case_is_reported_at_its_file_and_line(kb_copy, old, new, needle, occurrence, message):
    edit_case(kb_copy, "knee-never-eased", old, new)
    line = line_of(kb_copy / CASES, needle, occurrence)
    problems = problems_of(kb_copy)
    assert [p for p in problems if p.startswith(f"kb/cases.yaml:{line}: ") and message in p], (line, problems)


def test_a_case_id_cannot_take_the_teaching_page(kb_copy):
    replace_in(kb_copy / CASES, "- id: knee-never-eased\n", "- id: index\n")
    line = line_of(kb_copy / CASES, "- id: index")
    assert f"kb/cases.yaml:{line}: worked case id 'index' would replace the page docs/cases/index.md: choose another " \
           "id" in problems_of(kb_copy)


def test_a_timeline_cell_twice_or_missing_is_refused(kb_copy):
    replace_in(kb_copy / TIMELINE, "  anaesthetic: no-relief\n  steroid: shorter\n",
               "  anaesthetic: relief\n  steroid: shorter\n")
    line = line_of(kb_copy / TIMELINE, "steroid: shorter", 2)
    problems = problems_of(kb_copy)
    assert f"kb/timeline.yaml:{line}: entry 'timeline-late-relief-only': the timeline already has a cell for " \
           "anaesthetic 'relief' and steroid 'shorter' ('timeline-shorter-each-time'): one cell each" in problems
    assert "kb/timeline.yaml:1: the timeline has no cell for no-relief/shorter (anaesthetic/steroid): fill every cell " \
           "of the table" in problems


# --- hostile text in a case is refused at its line --------------------------------------------------------

HOSTILE = [
    ("story", "He has knee pain.", "He has <script>alert(1)</script> knee pain.", "'story' contains raw HTML"),
    ("story", "He has knee pain.", "He has <img src=x onerror=alert(1)> knee pain.", "'story' contains raw HTML"),
    ("story", "He has knee pain.", "He has {{ config.site_name }} knee pain.", "'story' contains template syntax"),
    ("story", "He has knee pain.", "He has {% include 'mkdocs.yml' %} knee pain.", "'story' contains template syntax"),
    ("story", "He has knee pain.", "He has [knee pain](javascript:alert(1)).", "contains a script URL"),
    ("story", "He has knee pain.", "He has knee pain. { onclick=alert(1) }", "'story' contains a curly brace"),
    ("story", "He has knee pain.", "He has ![knee pain](https://evil.example/p.png).", "shows an image"),
    ("story", "He has knee pain.", "He has [knee pain](../../faq/).", "links to the relative address"),
    ("option", "Hip osteoarthritis felt in the knee", "Hip [osteoarthritis](https://evil.example/o) felt in the knee",
     "'option' is plain text"),
    ("option", "Hip osteoarthritis felt in the knee", "Hip osteoarthritis](https://evil.example/o) [felt",
     "'option' has a ']' that is not part of a link"),
    ("feedback", "Six weeks is past the usual onset", "Six {{ 7*7 }} weeks is past the usual onset",
     "'feedback' contains template syntax"),
    ("feedback", "Six weeks is past the usual onset", "Six weeks &lt;script&gt; is past the usual onset",
     "'feedback' contains an HTML character reference"),
    ("learning point", "Mild changes on an X-ray may not be what hurts.",
     "Mild changes on an X-ray [may not](https://evil.example/x) be what hurts.", "'learning_points' is plain text"),
    ("title", "A knee injection that never touched the pain", "A knee injection \u202ethat never touched the pain",
     "'title' contains an invisible or direction-changing character"),
]


@pytest.mark.parametrize("field,old,new,message", HOSTILE, ids=[f"{f}:{n[:28]}" for f, _o, n, _m in HOSTILE])
def test_hostile_text_in_a_case_is_refused_at_its_line(kb_copy, field, old, new, message):
    if field == "story":
        line = edit_case(kb_copy, "knee-never-eased", "    A retired teacher in her late sixties has had right knee pain",
                         "    " + new + "\n    A retired teacher in her late sixties has had right knee pain")
    else:
        line = edit_case(kb_copy, "knee-never-eased", old, new)
    problems = problems_of(kb_copy)
    assert [p for p in problems if p.startswith(f"kb/cases.yaml:{line}: ") and message in p], (line, problems)


def test_hostile_text_in_the_timeline_is_refused_at_its_line(kb_copy):
    replace_in(kb_copy / TIMELINE, "  title: The target or the diagnosis", '  title: "The target <svg onload=alert(1)>"')
    line = line_of(kb_copy / TIMELINE, "<svg")
    assert f"kb/timeline.yaml:{line}: entry 'timeline-never-relieved': 'title' contains raw HTML ('<s'...): write " \
           "plain Markdown text" in problems_of(kb_copy)


# --- what reaches the page is text -------------------------------------------------------------------------

def test_the_self_test_draws_kb_text_as_text_whatever_it_holds():
    """Even text that got past the validator (set in the model here) reaches the case page escaped, as text."""
    kb = load_kb()
    case = kb.cases[0]
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    object.__setattr__(case.reason.choices[0], "option", evil)
    object.__setattr__(case.reason.choices[1], "feedback", evil)
    object.__setattr__(case, "learning_points", (evil,))
    html = markdown.markdown(Renderer(kb).render("case.md.j2", "cases/x.md", case=case),
                             extensions=list(MARKDOWN_EXTENSIONS))
    assert "<img" not in html and "<script" not in html and "onerror=\"alert" not in html
    assert html.count("&lt;img src=x onerror=") >= 3


def test_the_case_script_never_writes_markup():
    script = (ROOT / "docs" / "assets" / "cases.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function(",
                 "localStorage", "sessionStorage", "fetch(", "XMLHttpRequest", "sendBeacon"):
        assert sink not in script, sink


def test_cases_and_the_timeline_are_in_the_export_with_every_field(kb):
    from macros.kb.export import export_kb

    data = export_kb(kb, "https://kb.example.org/")
    case = next(c for c in data["cases"] if c["id"] == RED_FLAG_CASE)
    assert case["url"] == f"https://kb.example.org/cases/{RED_FLAG_CASE}/"
    assert [s["url"] for s in case["steps"]][0] == f"https://kb.example.org/cases/{RED_FLAG_CASE}/#{RED_FLAG_CASE}-ask"
    assert case["first"]["choices"][0] == {
        "option": "Act on the joint infection red flag now, by the sepsis pathway as he may have sepsis",
        "feedback": "The story holds a red flag; acting on it comes before everything else.", "right": True,
        "red_flag": "joint-infection"}
    assert case["red_flags_present"] == ["joint-infection"] and case["site"] == "knee-joint"
    assert {c["id"] for c in data["timeline"]} == {c.id for c in kb.timeline}
    json.dumps(data)  # plain JSON all through
