"""Bad input fails with `file:line: what is wrong`: never a traceback, never a silent skip.

Each test breaks a temporary copy of kb/ and asserts the exact line an author would read.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from macros.kb import KbError, load_kb, validate_kb

ROOT = Path(__file__).resolve().parents[2]


def problems_of(kb_dir: Path) -> list[str]:
    _docs, problems = validate_kb(kb_dir)
    return [str(p) for p in problems]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line number of the n-th line containing needle."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def add_to_list(path: Path, key: str, item: str) -> int:
    """Add item first in the first list under `key:` (inline or block style); return its line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for n, line in enumerate(lines):
        if line.strip().startswith(f"{key}:"):
            if "[" in line:
                lines[n] = line.replace("[", f"[{item}, ", 1)
                number = n + 1
            else:
                following = lines[n + 1]
                indent = following[: len(following) - len(following.lstrip())]
                lines.insert(n + 1, f"{indent}- {item}\n")
                number = n + 2
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no {key}: in {path.name}")


def test_invalid_yaml_names_file_and_line(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    replace_in(path, "title: ", "title: [unclosed, ")
    problems = problems_of(kb_copy)
    assert len(problems) == 1
    assert problems[0].startswith("kb/causes/delayed-effect.yaml:")
    assert "is not valid YAML" in problems[0]


def test_empty_file_is_an_error(kb_copy):
    (kb_copy / "faq.yaml").write_text("# nothing here yet\n", encoding="utf-8")
    assert "kb/faq.yaml:1: is empty: it must hold at least one entry" in problems_of(kb_copy)


def test_missing_required_field_names_the_facet(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    replace_in(path, "    examples:\n", "    exampels:\n")
    facet_line = line_of(path, "  - id: onset-takes-time")
    key_line = line_of(path, "    exampels:")
    assert problems_of(kb_copy) == [
        f"kb/causes/delayed-effect.yaml:{facet_line}: facet 'onset-takes-time': missing required field 'examples'",
        f"kb/causes/delayed-effect.yaml:{key_line}: facet 'onset-takes-time': unknown key 'exampels' (did you mean 'examples'?)",
    ]


def test_wrong_type_says_what_was_expected(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    replace_in(path, "order: 8", "order: last")
    line = line_of(path, "order: last")
    assert problems_of(kb_copy) == [
        f"kb/causes/delayed-effect.yaml:{line}: 'order' must be a whole number, not text 'last'"]


def test_misspelt_key_at_top_level_suggests_the_right_one(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    replace_in(path, "\noverview:", "\noverveiw:")
    line = line_of(path, "overveiw:")
    problems = problems_of(kb_copy)
    assert f"kb/causes/delayed-effect.yaml:{line}: unknown key 'overveiw' (did you mean 'overview'?)" in problems


def test_unknown_key_in_a_list_file_names_the_entry(kb_copy):
    path = kb_copy / "faq.yaml"
    replace_in(path, "  question:", "  colour: blue\n  question:")
    line = line_of(path, "colour: blue")
    entry = problems_of(kb_copy)
    assert len(entry) == 1 and entry[0].startswith(f"kb/faq.yaml:{line}: entry '")
    assert entry[0].endswith("unknown key 'colour' (allowed: id, question, answer, synonyms, causes, facets, red_flags, "
                             "references)")


def test_duplicate_id_across_files_points_at_the_first(kb_copy):
    path = kb_copy / "glossary.yaml"
    replace_in(path, "- id: bursa\n", "- id: referred-pain-missed\n")
    line = line_of(path, "- id: referred-pain-missed")
    first = line_of(kb_copy / "causes" / "incorrect-diagnosis.yaml", "- id: referred-pain-missed")
    assert (f"kb/glossary.yaml:{line}: duplicate id 'referred-pain-missed': already used by a facet at "
            f"kb/causes/incorrect-diagnosis.yaml:{first}") in problems_of(kb_copy)


def test_duplicate_id_within_a_file(kb_copy):
    path = kb_copy / "faq.yaml"
    replace_in(path, "- id: how-technique-matters", "- id: how-long-to-wait")
    line = line_of(path, "- id: how-long-to-wait", 2)
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"kb/faq.yaml:{line}: duplicate id 'how-long-to-wait'") for p in problems), problems


def test_duplicate_key_in_one_entry(kb_copy):
    path = kb_copy / "regions.yaml"
    replace_in(path, "  name: Knee\n", "  name: Knee\n  name: Knees\n")
    line = line_of(path, "name: Knees")
    assert f"kb/regions.yaml:{line}: key 'name' appears twice in the same entry" in problems_of(kb_copy)


def test_dangling_reference_names_file_and_line(kb_copy):
    path = kb_copy / "faq.yaml"
    line = add_to_list(path, "causes", "delayed-efect")
    entry_id = path.read_text(encoding="utf-8").split("- id: ")[1].split("\n")[0]
    assert problems_of(kb_copy) == [
        f"kb/faq.yaml:{line}: entry '{entry_id}': cause 'delayed-efect' does not exist (did you mean 'delayed-effect'?)"]


def test_reference_to_the_wrong_kind_of_entry(kb_copy):
    path = kb_copy / "approach.yaml"
    line = add_to_list(path, "causes", "onset-takes-time")
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"kb/approach.yaml:{line}: ") and "'causes' must name a cause, but 'onset-takes-time' is a facet" in p
               for p in problems), problems


def test_unknown_reference_id_is_caught(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    line = add_to_list(path, "references", "smith-2099-invented")
    assert any(p.startswith(f"kb/causes/delayed-effect.yaml:{line}: ") and "reference 'smith-2099-invented' does not exist" in p
               for p in problems_of(kb_copy))


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</p>"])
def test_raw_html_in_text_is_rejected(kb_copy, markup):
    path = kb_copy / "glossary.yaml"
    replace_in(path, "  definition: ", f"  definition: {markup} ")
    line = line_of(path, markup)
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/glossary.yaml:{line}: entry '")
    assert "'definition' contains raw HTML" in problems[0]


def test_script_url_in_text_is_rejected(kb_copy):
    path = kb_copy / "glossary.yaml"
    replace_in(path, "  definition: ", "  definition: see [this](javascript:alert(1)) ")
    assert any("contains a script URL" in p for p in problems_of(kb_copy))


def test_id_must_be_kebab_case(kb_copy):
    path = kb_copy / "regions.yaml"
    replace_in(path, "- id: knee\n", "- id: Knee_Joint\n")
    line = line_of(path, "Knee_Joint")
    assert (f"kb/regions.yaml:{line}: entry 'Knee_Joint': "
            "id 'Knee_Joint' must be kebab-case: lower-case letters, digits and single hyphens"
            in problems_of(kb_copy))


def test_cause_file_must_be_named_by_its_id(kb_copy):
    (kb_copy / "causes" / "delayed-effect.yaml").rename(kb_copy / "causes" / "late-effect.yaml")
    problems = problems_of(kb_copy)
    assert any(p.startswith("kb/causes/late-effect.yaml:") and "must match its file name ('late-effect.yaml')" in p
               for p in problems), problems


def test_unused_condition_is_an_orphan(kb_copy):
    path = kb_copy / "conditions.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- id: frostbite\n  name: Frostbite\n", encoding="utf-8")
    line = line_of(path, "- id: frostbite")
    expected = f"kb/conditions.yaml:{line}: condition 'frostbite' is not used by any entry: use it or remove it"
    assert expected in problems_of(kb_copy)


def test_stray_file_in_kb_is_reported_not_skipped(kb_copy):
    (kb_copy / "notes.yaml").write_text("- id: x\n", encoding="utf-8")
    assert any(p.startswith("kb/notes.yaml:1: is not a KB file") for p in problems_of(kb_copy))


def test_every_problem_is_reported_in_one_pass_sorted(kb_copy):
    add_to_list(kb_copy / "faq.yaml", "causes", "no-such-cause")
    replace_in(kb_copy / "causes" / "delayed-effect.yaml", "order: 8", "order: last")
    problems = problems_of(kb_copy)
    assert len(problems) == 2 and problems == sorted(problems)
    with pytest.raises(KbError) as caught:
        load_kb(kb_copy)
    assert str(caught.value).splitlines() == problems


def test_check_command_prints_problems_without_traceback(kb_copy):
    add_to_list(kb_copy / "faq.yaml", "causes", "no-such-cause")
    result = subprocess.run([sys.executable, "-m", "macros.kb", str(kb_copy)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "kb/faq.yaml:" in result.stderr and "cause 'no-such-cause' does not exist" in result.stderr


@pytest.mark.parametrize("breakage", ["dangling reference", "invalid yaml"])
def test_mkdocs_build_fails_with_file_and_line_and_no_traceback(project_copy, tmp_path, breakage):
    from conftest import build_site

    if breakage == "dangling reference":
        add_to_list(project_copy / "kb" / "faq.yaml", "causes", "no-such-cause")
        expected = "cause 'no-such-cause' does not exist"
    else:
        replace_in(project_copy / "kb" / "regions.yaml", "  name: Knee\n", "  name: [Knee\n")
        expected = "is not valid YAML"
    result = build_site(project_copy, tmp_path / "out")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert any(line.startswith("kb/") and expected in line for line in output.splitlines()), output


def test_a_check_that_is_not_a_question_is_rejected(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("ask: ") + len("ask: ")
    end = text.index("?", start)
    path.write_text(text[:end] + "." + text[end + 1:], encoding="utf-8")
    line = line_of(path, "ask: ")
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/causes/delayed-effect.yaml:{line}: check '")
    assert problems[0].endswith("'ask' must be a question ending in '?'")


def first_check(kb_copy, field: str) -> tuple[Path, int, str]:
    """The first check of delayed-effect.yaml: its file, the line of one of its fields, and that line."""
    path = kb_copy / "causes" / "delayed-effect.yaml"
    line = line_of(path, f" {field}: ", occurrence=1) if field != "ask" else line_of(path, "ask: ")
    return path, line, path.read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("ask, message", [
    ("Is the pain worse at night? Is it worse on waking?", "'ask' must be one question (one '?'), found 2"),
    ("Is there stiffness and/or swelling?", "'ask' must not join two findings with 'and/or'"),
])
def test_a_check_asks_one_question_about_one_finding(kb_copy, ask, message):
    path, line, text = first_check(kb_copy, "ask")
    replace_in(path, text, text[: text.index("ask: ") + 5] + ask)
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/causes/delayed-effect.yaml:{line}: check '")
    assert message in problems[0]


@pytest.mark.parametrize("field, value", [("label", "A *bold* label"), ("key_step", "Review in clinic.")])
def test_a_checks_summary_words_are_plain_text(kb_copy, field, value):
    path, line, text = first_check(kb_copy, field)
    replace_in(path, text, text[: text.index(f"{field}: ") + len(field) + 2] + value)
    problems = problems_of(kb_copy)
    assert problems == [f"kb/causes/delayed-effect.yaml:{line}: {problems[0].split(': ', 2)[1]}: '{field}' is plain "
                        "text for the summary: no markup characters, no final full stop"]


def test_a_checks_summary_line_must_fit_a_note(kb_copy):
    path, line, text = first_check(kb_copy, "key_step")
    _label_path, _label_line, label = first_check(kb_copy, "label")
    replace_in(path, label, label[: label.index("label: ") + 7] + "L" * 40)
    replace_in(path, text, text[: text.index("key_step: ") + 10] + "S" * 60)
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/causes/delayed-effect.yaml:{line}: check '")
    assert "the summary line 'Likely: <label>. Next: <key_step>' is 116 characters" in problems[0]


def test_a_check_with_an_unknown_answer_scheme_names_file_and_line(kb_copy):
    path, line, text = first_check(kb_copy, "key_step")
    indent = text[: len(text) - len(text.lstrip())]
    replace_in(path, text, f"{text}\n{indent}answer: probability")
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/causes/delayed-effect.yaml:{line + 1}: check '")
    assert problems[0].endswith("'answer' must be one of: judgement, fact (got 'probability')")


def test_a_fact_s_summary_line_is_measured_as_found(kb_copy):
    path, line, text = first_check(kb_copy, "key_step")
    _label_path, _label_line, label = first_check(kb_copy, "label")
    indent = text[: len(text) - len(text.lstrip())]
    replace_in(path, label, label[: label.index("label: ") + 7] + "L" * 40)
    replace_in(path, text, text[: text.index("key_step: ") + 10] + "S" * 54 + f"\n{indent}answer: fact")
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and "the summary line 'Found: <label>. Next: <key_step>' is 109 characters" in problems[0]


def test_a_check_may_only_name_regions_that_are_joints(kb_copy):
    path, line, text = first_check(kb_copy, "key_step")
    indent = text[: len(text) - len(text.lstrip())]
    replace_in(path, text, f"{text}\n{indent}regions: [knee, whole-body]")
    problems = problems_of(kb_copy)
    assert len(problems) == 1 and problems[0].startswith(f"kb/causes/delayed-effect.yaml:{line + 1}: check '")
    assert "region 'whole-body' is not a joint the checklist offers" in problems[0]


def test_supported_evidence_without_a_reference_is_rejected(kb_copy):
    path = kb_copy / "alternatives.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "- id: extra-option\n  title: Extra option\n  summary: One line.\n  detail: Text.\n"
                    "  facets: [onset-takes-time]\n  evidence: supported\n  evidence_note: Says so.\n", encoding="utf-8")
    line = line_of(path, "evidence: supported", occurrence=text.count("evidence: supported") + 1)
    assert (f"kb/alternatives.yaml:{line}: entry 'extra-option': evidence 'supported' must cite at least one reference"
            in problems_of(kb_copy))


def test_ordinary_prose_with_a_colon_after_data_is_not_a_script_url(kb_copy):
    path = kb_copy / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '- id: data-colon-example\n  term: Bursa\n'
                    '  definition: "Trial data: mixed; see the data: tables."\n', encoding="utf-8")
    assert problems_of(kb_copy) == []


def test_a_citation_token_must_name_one_of_its_entrys_references(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    evidence_note: |\n") + len("    evidence_note: |\n")
    claim = "      A claim [@koutsianas-2016-usgi] and [@no-such-source].\n"
    path.write_text(text[:start] + claim + text[start:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"kb/causes/delayed-effect.yaml:{line}: facet '") and
               "'[@koutsianas-2016-usgi]' cites a source that is not in this facet's references" in p for p in problems)
    assert any(p.startswith(f"kb/causes/delayed-effect.yaml:{line}: ") and "'[@no-such-source]'" in p for p in problems)


def test_a_citation_token_cannot_sit_in_a_title(kb_copy):
    path = kb_copy / "causes" / "delayed-effect.yaml"
    replace_in(path, "title: Delayed effect", "title: Delayed effect [@koutsianas-2016-usgi]")
    line = line_of(path, "title: Delayed effect")
    assert any(p.startswith(f"kb/causes/delayed-effect.yaml:{line}: 'title' cannot hold a citation")
               for p in problems_of(kb_copy))


# --- a site's red flags come from the red flags' not_at ----------------------------------------------

def test_a_hand_list_of_red_flags_in_the_site_table_is_refused_with_a_pointer_to_not_at(kb_copy):
    path = kb_copy / "sites.yaml"
    replace_in(path, "  region: knee\n", "  region: knee\n  red_flags: [joint-infection]\n")
    line = line_of(path, "  red_flags: [joint-infection]")
    assert problems_of(kb_copy) == [
        f"kb/sites.yaml:{line}: entry 'knee-joint': 'red_flags' is no longer used: a site's red flags are derived "
        "from kb/red-flags.yaml: every red flag is asked at the site's joint unless its not_at leaves that joint "
        "out with a reason; change not_at there"]


def test_a_site_in_a_region_the_checklist_does_not_offer_names_file_and_line(kb_copy):
    path = kb_copy / "sites.yaml"
    replace_in(path, "  region: knee\n", "  region: whole-body\n")
    line = line_of(path, "  region: whole-body")
    assert problems_of(kb_copy) == [
        f"kb/sites.yaml:{line}: entry 'knee-joint': region 'whole-body' is not a joint the checklist offers: a "
        "site's red flags are those asked at its joint, so give a region that has one"]


# --- where a red flag is not asked ------------------------------------------------------------------

def test_a_red_flag_left_out_at_an_unknown_site_names_file_and_line(kb_copy):
    path = kb_copy / "red-flags.yaml"
    replace_in(path, "    - site: spine\n", "    - site: lumbar\n")
    line = line_of(path, "- site: lumbar")
    assert problems_of(kb_copy) == [
        f"kb/red-flags.yaml:{line}: entry 'prosthetic-joint-infection': 'site' must be one of: knee, hip, "
        f"shoulder, elbow, hand-wrist, spine, foot-ankle (got 'lumbar')"]


def test_a_red_flag_left_out_at_a_site_without_a_reason_names_file_and_line(kb_copy):
    path = kb_copy / "red-flags.yaml"
    replace_in(path, "    - site: spine\n      reason: The spine has no joint replacement; infection after a spinal "
                     "procedure is a separate red flag.\n", "    - site: spine\n")
    line = line_of(path, "- site: spine")
    assert problems_of(kb_copy) == [
        f"kb/red-flags.yaml:{line}: entry 'prosthetic-joint-infection': missing required field 'reason'"]


def test_the_old_regions_key_of_a_red_flag_says_to_use_not_at(kb_copy):
    path = kb_copy / "red-flags.yaml"
    replace_in(path, "  urgency: emergency\n", "  urgency: emergency\n  regions: []\n")
    line = line_of(path, "  regions: []")
    assert problems_of(kb_copy) == [
        f"kb/red-flags.yaml:{line}: entry 'joint-infection': 'regions' is no longer used: use not_at: the sites "
        "where this red flag is not asked, each with a reason (leave not_at out for a red flag asked at every site)"]


def test_a_red_flag_left_out_everywhere_or_twice_at_one_site_is_refused(kb_copy):
    path = kb_copy / "red-flags.yaml"
    every = "".join(f"    - site: {site}\n      reason: Not here.\n"
                    for site in ("knee", "hip", "shoulder", "elbow", "hand-wrist", "spine", "foot-ankle"))
    replace_in(path, "  urgency: emergency\n", f"  urgency: emergency\n  not_at:\n{every}    - site: knee\n"
                                               "      reason: Twice.\n")
    start, twice = line_of(path, "  not_at:"), line_of(path, "reason: Twice.") - 1
    assert problems_of(kb_copy) == [
        f"kb/red-flags.yaml:{start}: entry 'joint-infection': not_at leaves out every site: a red flag must be "
        "asked at one site at least",
        f"kb/red-flags.yaml:{twice}: entry 'joint-infection': not_at names the site 'knee' twice: give one reason"]
