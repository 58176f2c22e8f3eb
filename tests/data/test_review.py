"""Review that means something: a clinical review is stored with a fingerprint of the text it covered, on every
kind the registry marks `reviewed` (causes, red flags, injection sites). Any edit of that text returns the entry to
draft on the site, and the editors' page lists it as changed since its review."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.export import export_files
from macros.kb.generate import REVIEW_PAGE, cause_pages, generated_files
from macros.kb.kinds import KINDS
from macros.kb.render import Renderer
from macros.kb.review import changed_since_review, text_fingerprint

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "kb" / "schema"

# (kind, file in kb/, the line that opens the entry, a line of its text to edit, the edit)
ENTRIES = {
    "cause": ("causes/delayed-effect.yaml", None, "title: Delayed effect", "title: Delayed effect of the steroid"),
    "red-flag": ("red-flags.yaml", "- id: joint-infection",
                 "  urgency: emergency\n", "  urgency: same-day\n"),
    "site": ("sites.yaml", "- id: knee-joint", "  name: Knee joint", "  name: Knee joint (tibiofemoral)"),
    "case": ("cases.yaml", "- id: hot-knee-on-day-four", "  title: A knee that is worse on day four",
             "  title: A knee that is worse on the fourth day"),
    "aftercare": ("aftercare.yaml", "- id: call-999", '  heading: "Call 999 now if you have:"',
                  '  heading: "Call 999 at once if you have:"'),
}
RECORD = ('reviewed:\n  status: reviewed\n  "on": "2026-12-01"\n  by: consultant rheumatologist\n'
          '  "next": "2027-12-01"\n')


def problems_of(kb_dir: Path) -> list[str]:
    return [str(p) for p in validate_kb(kb_dir)[1]]


def set_record(kb_dir: Path, kind: str, fingerprint: str | None = None) -> tuple[Path, int]:
    """Write a 'reviewed' record on the kind's test entry (a cause's replaces its draft record); return the file
    and the line of its status."""
    name, opener, _old, _new = ENTRIES[kind]
    path = kb_dir / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    record = RECORD + (f"  fingerprint: {fingerprint}\n" if fingerprint else "")
    if opener is None:  # a cause: its file is the entry, its record is at the top level
        start = next(i for i, line in enumerate(lines) if line.startswith("reviewed:"))
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
        lines[start:end] = [record]
        status = start + 2
    else:  # an item of a list: the record goes at the end of the item, indented under it
        start = next(i for i, line in enumerate(lines) if line.startswith(opener))
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- id:")), len(lines))
        old = next((i for i in range(start, end) if lines[i].startswith("  reviewed:")), None)
        if old is not None:  # replace the record written before
            stop = next((i for i in range(old + 1, len(lines)) if not lines[i].startswith("    ")), len(lines))
            del lines[old:stop]
            end -= stop - old
        while not lines[end - 1].strip():
            end -= 1
        lines[end:end] = ["".join("  " + line for line in record.splitlines(keepends=True))]
        status = end + 2
    path.write_text("".join(lines), encoding="utf-8")
    return path, status


def edit(kb_dir: Path, kind: str) -> None:
    name, _opener, old, new = ENTRIES[kind]
    path = kb_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entry(kb, kind: str):
    attr = next(k.attr for k in KINDS if k.name == kind)
    wanted = {"cause": "delayed-effect", "red-flag": "joint-infection", "site": "knee-joint", "case": "hot-knee-on-day-four",
              "aftercare": "call-999"}[kind]
    return next(e for e in getattr(kb, attr) if e.id == wanted)


def review_in_editors_way(kb_copy: Path, kind: str):
    """The editor's way: set status reviewed; `make check` names the fingerprint to record; record it."""
    path, line = set_record(kb_copy, kind)
    [problem] = problems_of(kb_copy)
    match = re.search(r"add `fingerprint: ([0-9a-f]{16})`", problem)
    assert match and problem.startswith(f"kb/{ENTRIES[kind][0]}:{line}: "), problem
    set_record(kb_copy, kind, match.group(1))
    assert problems_of(kb_copy) == []
    return load_kb(kb_copy)


def test_every_reviewed_kind_declares_the_same_review_record_in_its_schema():
    reviewed = [k for k in KINDS if k.reviewed]
    assert {k.name for k in reviewed} >= {"cause", "red-flag", "site", "case", "aftercare"}
    records = []
    for kind in reviewed:
        schema = json.loads((SCHEMA / f"{kind.schema}.schema.json").read_text(encoding="utf-8"))
        item = schema if kind.file.endswith("/") else schema["items"]
        record = item["properties"].get("reviewed")
        assert record, f"kb/schema/{kind.schema}.schema.json: declare `reviewed` (copy the cause schema's)"
        assert record["properties"]["fingerprint"]["pattern"] == "^[0-9a-f]{16}$"
        records.append((sorted(record["required"]), {k: {key: v.get(key) for key in ("type", "enum", "pattern")}
                                                     for k, v in record["properties"].items()}))
    assert all(r == records[0] for r in records)


@pytest.mark.parametrize("kind", ENTRIES)
def test_a_reviewed_entry_is_reviewed_until_its_text_is_edited_then_draft_again(kb_copy, kind):
    kb = review_in_editors_way(kb_copy, kind)
    assert entry(kb, kind).reviewed.done and entry(kb, kind).reviewed.by == "consultant rheumatologist"
    assert changed_since_review(kb) == []
    edit(kb_copy, kind)
    assert problems_of(kb_copy) == []  # a web edit still publishes...
    kb = load_kb(kb_copy)
    shown = entry(kb, kind)
    assert not shown.reviewed.done and shown.review.changed  # ...as a draft
    assert [(k.name, e.id) for k, e, _s in changed_since_review(kb)] == [(kind, shown.id)]


@pytest.mark.parametrize("kind", ENTRIES)
def test_the_editors_page_lists_the_entry_changed_since_its_review(kb_copy, kind):
    kb = review_in_editors_way(kb_copy, kind)
    page = generated_files(kb)[REVIEW_PAGE]
    assert "robots: noindex" in page and "exclude: true" in page  # not for search engines, not in the site's search
    assert "No entry was edited after its clinical review." in page
    edit(kb_copy, kind)
    kb = load_kb(kb_copy)
    state = entry(kb, kind).review
    page = generated_files(kb)[REVIEW_PAGE]
    changed = page.split("## Changed since their review")[1].split("## Every reviewed entry")[0]
    assert "1 entry was edited after a clinical review and is shown as draft again" in changed
    assert f"`kb/{ENTRIES[kind][0]}:{state.line}`" in changed and f"`{state.fingerprint}`" in changed
    assert "2026-12-01, consultant rheumatologist" in changed


def test_an_edited_red_flag_and_site_say_draft_again_on_their_pages(kb_copy):
    review_in_editors_way(kb_copy, "red-flag")
    review_in_editors_way(kb_copy, "site")
    kb = load_kb(kb_copy)
    renderer = Renderer(kb)
    flags = renderer.render("red-flags.md.j2", "red-flags.md", entries=kb.red_flags)
    assert "Draft again" not in flags
    assert f"{len(kb.red_flags) - 1} of these {len(kb.red_flags)} red flags have had no clinical review" in flags
    edit(kb_copy, "red-flag")
    edit(kb_copy, "site")
    kb = load_kb(kb_copy)
    renderer = Renderer(kb)
    flags = renderer.render("red-flags.md.j2", "red-flags.md", entries=kb.red_flags)
    sites = renderer.render("sites.md.j2", "sites.md", entries=kb.sites)
    mark = "<strong>Draft again:</strong> edited since its clinical review on 2026-12-01; not yet reviewed again."
    for page, first in ((flags, "joint-infection"), (sites, "knee-joint")):
        section = page.split(f"{{ #{first}")[1].split("\n## ")[0]
        assert mark in section
        assert page.count(mark) == 1
    assert f"None of these {len(kb.red_flags)} red flags has had a clinical review yet" in flags


def test_an_edited_cause_is_a_draft_page_again(kb_copy):
    kb = review_in_editors_way(kb_copy, "cause")
    page = cause_pages(kb)["causes/delayed-effect.md"]
    assert "robots: noindex" not in page.split("---")[1]
    edit(kb_copy, "cause")
    page = cause_pages(load_kb(kb_copy))["causes/delayed-effect.md"]
    assert "robots: noindex" in page.split("---")[1]


def test_rewrapping_a_paragraph_is_not_an_edit_but_changing_a_word_is():
    flag = {"id": "x", "action": "Refer the same day\n to the team.", "reviewed": {"status": "reviewed"}}
    assert text_fingerprint(flag) == text_fingerprint({"id": "x", "action": "Refer the same day to the team."})
    assert text_fingerprint(flag) == text_fingerprint(dict(flag, reviewed={"status": "draft"}))
    assert text_fingerprint(flag) != text_fingerprint({"id": "x", "action": "Refer the next day to the team."})


def test_a_review_with_a_fingerprint_is_checked_like_the_rest(kb_copy):
    path, line = set_record(kb_copy, "red-flag", "not-a-fingerprint")
    [problem] = problems_of(kb_copy)
    assert problem.startswith(f"kb/red-flags.yaml:{line + 4}: ") and "fingerprint" in problem


def test_the_fingerprint_is_for_the_editors_and_never_exported(kb_copy):
    kb = review_in_editors_way(kb_copy, "cause")
    files = export_files(kb)
    assert "fingerprint" not in files["kb.json"] and "fingerprint" not in files["kb.schema.json"]
    assert "x-not-exported" not in files["kb.schema.json"]
    assert json.loads(files["kb.json"])["causes"][[c.id for c in kb.causes].index("delayed-effect")]["reviewed"][
        "status"] == "reviewed"


def test_a_kind_joins_review_by_one_flag_in_its_registry_row(kb_copy):
    """What adding review to cases or the aftercare sheet takes: `reviewed=True` in the kind's row (and the record
    in its schema, which the schema test above asks for). Tried here on the FAQ, whose model declares nothing."""
    from macros.kb.kinds import KINDS_BY_NAME

    faq = KINDS_BY_NAME["faq"]
    object.__setattr__(faq, "reviewed", True)  # the row is frozen: set as the registry line would
    try:
        kb = load_kb(kb_copy)
        first = kb.faq[0]
        assert not first.reviewed.done and first.review.recorded == "" and first.review.file == "kb/faq.yaml"
        page = generated_files(kb)[REVIEW_PAGE]
        assert f"| FAQ entry | Draft | none recorded | `kb/faq.yaml:{first.review.line}` |" in page
    finally:
        object.__setattr__(faq, "reviewed", False)
