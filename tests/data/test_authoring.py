"""Authors can start entries, find stale reviews and check the KB without a developer. No build needed.

Every test works on a temporary copy of kb/; the commands run as an author would run them.
"""
from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.scaffold import insert_facet
from tests.support import run_command

ROOT = Path(__file__).resolve().parents[2]
REVIEW_DATE = re.compile(r'("on":\s*)"\d{4}-\d{2}-\d{2}"')
NEXT_REVIEW = re.compile(r'("next":\s*)"\d{4}-\d{2}-\d{2}"')


def run(module: str, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m module args` from the project folder as a real process, as `make` would."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))


def scaffold(kb_dir: Path, *args: str):
    return run_command("macros.kb.scaffold", "--kb", str(kb_dir), *args)


def problems_of(kb_dir: Path) -> list[str]:
    _docs, problems = validate_kb(kb_dir)
    return [str(p) for p in problems]


def snapshot(kb_dir: Path) -> dict[str, str]:
    return {str(p.relative_to(kb_dir)): p.read_text(encoding="utf-8") for p in sorted(kb_dir.rglob("*.yaml"))}


def set_review_dates(kb_dir: Path, date: str, only: str | None = None, next_review: str | None = None) -> None:
    for path in (kb_dir / "causes").glob("*.yaml"):
        if only is None or path.stem == only:
            text = path.read_text(encoding="utf-8")
            assert REVIEW_DATE.search(text) and NEXT_REVIEW.search(text), path.name
            text = REVIEW_DATE.sub(rf'\g<1>"{date}"', text)
            if next_review:
                text = NEXT_REVIEW.sub(rf'\g<1>"{next_review}"', text)
            path.write_text(text, encoding="utf-8")


# --- new-cause ------------------------------------------------------------------------

def test_new_cause_writes_a_skeleton_that_validates_at_once(kb_copy):
    result = run("macros.kb.scaffold", "--kb", str(kb_copy), "new-cause", "nerve-block-missed")  # the command itself, once
    assert result.returncode == 0, result.stderr
    assert problems_of(kb_copy) == []
    cause = load_kb(kb_copy).cause("nerve-block-missed")
    assert cause.source == "kb/causes/nerve-block-missed.yaml"
    assert [f.id for f in cause.facets] == [f"nerve-block-missed-facet-{n}" for n in (1, 2, 3)]
    assert [c.id for c in cause.checks] == [f"nerve-block-missed-facet-{n}-check" for n in (1, 2, 3)]


def test_new_cause_says_where_it_wrote_and_what_to_do_next(kb_copy):
    result = scaffold(kb_copy, "new-cause", "nerve-block-missed")
    assert f"wrote {(kb_copy / 'causes' / 'nerve-block-missed.yaml').resolve()}" in result.stdout
    assert "make serve, then open http://127.0.0.1:8000/causes/nerve-block-missed/" in result.stdout


def test_new_cause_comes_last_and_is_reviewed_today_by_the_editorial_team(kb_copy):
    highest = max(c.order for c in load_kb(kb_copy).causes)
    scaffold(kb_copy, "new-cause", "nerve-block-missed")
    kb = load_kb(kb_copy)
    cause = kb.cause("nerve-block-missed")
    assert cause.order == highest + 1
    assert kb.causes[-1] is cause
    assert cause.reviewed.on == datetime.date.today().isoformat()
    assert cause.reviewed.by == "editorial team (awaiting clinical review)"
    text = (kb_copy / "causes" / "nerve-block-missed.yaml").read_text(encoding="utf-8")
    assert f'"on": "{datetime.date.today().isoformat()}"' in text


def test_new_cause_names_its_schema_and_explains_fields_from_it(kb_copy):
    scaffold(kb_copy, "new-cause", "nerve-block-missed")
    text = (kb_copy / "causes" / "nerve-block-missed.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/cause.schema.json"
    comments = " ".join(line.strip().lstrip("# ") for line in text.splitlines() if line.strip().startswith("#"))
    assert "Position among the causes (unique)." in comments
    assert "Reviewer role, not a name" in comments
    assert "expert-opinion (plausible practice, little direct evidence)" in comments
    assert "One question about one finding" in comments


def test_new_cause_placeholders_meet_the_content_rules(kb_copy):
    scaffold(kb_copy, "new-cause", "nerve-block-missed")
    cause = load_kb(kb_copy).cause("nerve-block-missed")
    for facet in cause.facets:
        assert all(c.ask.endswith("?") for c in facet.checks), facet.id
        assert facet.evidence not in ("supported", "mixed") or facet.references, facet.id
        assert facet.title.startswith("TODO: ") and facet.summary.startswith("TODO: ")
    assert "\n" not in cause.summary and len(cause.title) <= 60


# --- new-facet ------------------------------------------------------------------------

def test_new_facet_adds_a_facet_that_validates(kb_copy):
    result = scaffold(kb_copy, "new-facet", "delayed-effect", "expectations-not-set")
    assert result.returncode == 0, result.stderr
    assert problems_of(kb_copy) == []
    facet = load_kb(kb_copy).cause("delayed-effect").facets[-1]
    assert facet.id == "expectations-not-set"
    assert [c.id for c in facet.checks] == ["expectations-not-set-check"]
    assert "make serve, then open http://127.0.0.1:8000/causes/delayed-effect/#expectations-not-set" in result.stdout


def test_new_facet_keeps_the_authors_comments_and_layout(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    original = path.read_text(encoding="utf-8").replace("facets:\n", "facets:  # a note the author keeps\n", 1)
    path.write_text(original, encoding="utf-8")
    scaffold(kb_copy, "new-facet", "delayed-effect", "expectations-not-set")
    updated = path.read_text(encoding="utf-8")
    assert updated.startswith(original)
    assert "  - id: expectations-not-set\n" in updated[len(original):]


def test_new_facet_goes_after_the_last_facet_even_when_other_keys_follow():
    text = ("id: a\nfacets:\n- id: first\n  explanation: |\n    Two\n\n    paragraphs.\n"
            "# about the review\nreviewed:\n  by: editorial team\n")
    updated = insert_facet(text, "second", "a.yaml")
    lines = updated.splitlines()
    assert lines.index("- id: second") < lines.index("reviewed:")
    assert "# about the review" in lines and lines[:7] == text.splitlines()[:7]


def test_new_facet_leaves_other_files_untouched(kb_copy):
    before = snapshot(kb_copy)
    scaffold(kb_copy, "new-facet", "delayed-effect", "expectations-not-set")
    after = snapshot(kb_copy)
    assert {name for name in before if before[name] != after[name]} == {"causes/delayed-effect.yaml"}


# --- refusals -------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["new-cause", "Nerve_Block"], "error: cause id 'Nerve_Block' must be kebab-case"),
    (["new-cause", "nerve--block"], "error: cause id 'nerve--block' must be kebab-case"),
    (["new-cause", "delayed-effect"], "error: cause 'delayed-effect' already exists"),
    (["new-cause", "onset-takes-time"], "error: id 'onset-takes-time' is already used by a facet at "
                                        "kb/causes/delayed-effect.yaml:"),
    (["new-cause", "knee"], "error: id 'knee' is already used by a region at kb/regions.yaml:"),
    (["new-facet", "delayed-effect", "Expectations"], "error: facet id 'Expectations' must be kebab-case"),
    (["new-facet", "delayed-effect", "post-injection-flare"], "error: id 'post-injection-flare' is already used"),
    (["new-facet", "delayed-effect", "onset-takes-time-check"], "error: id 'onset-takes-time-check' is already"),
    (["new-facet", "delayed-efect", "expectations-not-set"],
     "error: cause 'delayed-efect' does not exist: there is no kb/causes/delayed-efect.yaml "
     "(did you mean 'delayed-effect'?)"),
    (["new-facet", "../faq", "expectations-not-set"], "error: cause '../faq' does not exist"),
], ids=["capitals", "double-hyphen", "cause-exists", "id-of-a-facet", "id-of-a-region", "bad-facet-id",
        "facet-exists", "check-id-taken", "unknown-cause", "path-as-cause"])
def test_refusal_exits_2_with_one_error_line_and_changes_nothing(kb_copy, args, message):
    before = snapshot(kb_copy)
    result = scaffold(kb_copy, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert snapshot(kb_copy) == before


def test_new_facet_refuses_a_cause_file_that_is_not_valid_yaml(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: [unclosed, ", 1), encoding="utf-8")
    result = scaffold(kb_copy, "new-facet", "delayed-effect", "expectations-not-set")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "is not valid YAML yet" in result.stderr
    assert "Traceback" not in result.stderr


# --- stale ----------------------------------------------------------------------------

def test_stale_lists_a_cause_whose_next_review_date_has_passed(kb_copy):
    set_review_dates(kb_copy, "2020-01-01", only="delayed-effect", next_review="2021-01-01")
    result = run("macros.kb.stale", "--kb", str(kb_copy), "--today", "2021-06-01")  # the command itself, once
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "kb/causes/delayed-effect.yaml: review due 2021-01-01 (151 days overdue); "
        "draft, checked 2020-01-01 by editorial team (awaiting clinical review)"
    ]


def test_stale_lists_every_cause_when_today_is_far_in_the_future():
    result = run_command("macros.kb.stale", "--today", "2100-01-01")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(load_kb().causes)
    assert all(re.fullmatch(r"kb/causes/[a-z0-9-]+\.yaml: review due \d{4}-\d\d-\d\d \(\d+ days overdue\); "
                            r"(reviewed|draft, checked) \d{4}-\d\d-\d\d by .+", x) for x in lines), lines


def test_stale_reports_none_when_every_next_review_is_ahead(kb_copy):
    today = datetime.date.today()
    set_review_dates(kb_copy, today.isoformat(), next_review=(today + datetime.timedelta(days=30)).isoformat())
    result = run_command("macros.kb.stale", "--kb", str(kb_copy))
    assert (result.returncode, result.stdout) == (0, "No review is overdue.\n")


def test_stale_follows_the_next_review_date_not_the_age_of_the_last(kb_copy):
    set_review_dates(kb_copy, "2020-01-01", next_review="2026-01-01")
    on_the_day = run_command("macros.kb.stale", "--kb", str(kb_copy), "--today", "2026-01-01")
    day_after = run_command("macros.kb.stale", "--kb", str(kb_copy), "--today", "2026-01-02")
    assert on_the_day.stdout == "No review is overdue.\n"
    assert "(1 days overdue)" in day_after.stdout


def test_a_next_review_before_the_last_is_refused(kb_copy):
    set_review_dates(kb_copy, "2026-01-01", only="delayed-effect", next_review="2025-01-01")
    assert any("delayed-effect.yaml:" in p and "the next review (2025-01-01) must fall after the last one (2026-01-01)" in p
               for p in problems_of(kb_copy))


def test_stale_is_a_report_and_exits_0_even_on_a_broken_kb(kb_copy):
    (kb_copy / "faq.yaml").write_text("# nothing here yet\n", encoding="utf-8")
    result = run_command("macros.kb.stale", "--kb", str(kb_copy))
    assert result.returncode == 0
    assert "kb/faq.yaml:1: is empty" in result.stderr and "Traceback" not in result.stderr

