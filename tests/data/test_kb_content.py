"""The real KB is complete, consistent and honest about its sources. No build needed."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from macros.kb import KB_DIR, validate_kb

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEED_CAUSES = ["incorrect-diagnosis", "improper-technique", "inadequate-dosage", "incorrect-location",
               "disease-progression", "patient-variability", "alternative-pathology", "delayed-effect"]


def test_the_real_kb_has_no_problems():
    _docs, problems = validate_kb(KB_DIR)
    assert [str(p) for p in problems] == []


def test_the_eight_causes_of_the_seed_come_first_in_its_order(kb):
    # More causes may follow: adding one is a single new file.
    assert [c.id for c in kb.causes][:8] == SEED_CAUSES
    assert [c.order for c in kb.causes][:8] == list(range(1, 9))


def test_prose_only_sections_became_facets(kb):
    location = {f.id for f in kb.cause("incorrect-location").facets}
    assert {"shoulder-target-missed", "spine-target-missed", "hip-target-missed", "wrist-target-missed"} <= location
    variability = {f.id for f in kb.cause("patient-variability").facets}
    assert {"drug-handling-differences", "diabetes-and-metabolic-disease", "interacting-medicines",
            "psychological-factors"} <= variability


@pytest.mark.parametrize("one, other", [
    ("nerve-entrapment-missed", "neuropathic-pain"),
    ("needle-misplaced", "shoulder-target-missed"),
    ("volume-too-small", "dilution-in-large-joints"),
])
def test_overlapping_facets_of_different_causes_link_both_ways(kb, one, other):
    facets = {f.id: f for f in kb.facets}
    assert facets[other] in facets[one].related
    assert facets[one] in facets[other].related


def test_the_approach_has_seven_steps_that_examine_every_cause(kb):
    assert len(kb.steps) == 7
    examined = {c.id for s in kb.steps for c in s.causes}
    assert examined == set(SEED_CAUSES)


def test_the_faq_answers_the_seeds_six_questions_at_least(kb):
    assert len(kb.faq) >= 6


def test_doubtful_claims_are_flagged_somewhere(kb):
    # The seed overstates several claims; the KB must say so rather than repeat them.
    assert {f.id for f in kb.facets if f.evidence == "doubtful"} >= {"body-size-not-considered", "anaesthetic-dilution"}


def test_references_are_copied_unchanged_from_the_verified_list(kb):
    verified_file = SHARED / "references.yaml"
    if not verified_file.exists():
        pytest.skip("shared/references.yaml is not beside this checkout")
    verified = yaml.safe_load(verified_file.read_text(encoding="utf-8"))
    ours = yaml.safe_load((KB_DIR / "references.yaml").read_text(encoding="utf-8"))
    assert ours == [{k: v for k, v in r.items() if k != "seen_at"} for r in verified], (
        "kb/references.yaml differs from shared/references.yaml: run `make references`")
    assert len(kb.references) == len(verified)


def test_no_prose_is_copied_from_the_seed():
    tool = SHARED / "tools" / "seed-overlap"
    if not tool.exists():
        pytest.skip("shared/tools/seed-overlap is not beside this checkout")
    result = subprocess.run([sys.executable, str(tool), str(ROOT)], capture_output=True, text=True, timeout=120)
    assert " 0 copied runs" in result.stdout.splitlines()[-1], result.stdout[-3000:]


@pytest.mark.parametrize("schema_file", sorted((KB_DIR / "schema").glob("*.json")), ids=lambda p: p.name)
def test_each_entry_schema_is_a_valid_json_schema(schema_file):
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_file.read_text(encoding="utf-8")))


def test_every_kb_file_names_its_schema_for_editors():
    for path in KB_DIR.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
        assert match, f"{path.name} has no schema modeline"
        assert (path.parent / match.group(1)).resolve().exists(), f"{path.name}: {match.group(1)} does not exist"


def test_the_kb_core_does_not_import_mkdocs():
    code = "import sys, macros.kb; macros.kb.load_kb(); assert not any(m.startswith('mkdocs') for m in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


SAFETY_CORRECTIONS_1_1_0 = ["inflammatory-burden-underestimated", "spinal-stenosis-worsening", "oral-pain-relief",
                            "surgery", "spine-target-missed", "sterile-technique-breach"]


def test_the_changelog_lists_the_safety_corrections_with_the_entries_they_changed(kb):
    release = next(c for c in kb.meta.changelog if c.version == "1.1.0")
    assert release.safety
    changed = {e.id for item in release.changes if item.safety for e in item.entries}
    assert [i for i in SAFETY_CORRECTIONS_1_1_0 if i not in changed] == []


def test_a_hot_or_new_effusion_goes_to_the_joint_infection_red_flag_before_any_steroid(kb):
    """The aspiration itself is the red flag's action (one home); the facet sends the reader there first."""
    facet = next(f for f in kb.facets if f.id == "inflammatory-burden-underestimated")
    text = " ".join([facet.explanation, *facet.examples, *facet.next_steps, *(c.ask for c in facet.checks)]).lower()
    assert "joint infection red flag" in text and "no steroid goes in until infection is excluded" in " ".join(text.split())
    assert "crystal" in text and ("sepsis" in text or "septic" in text)
    assert "joint-infection" in [flag.id for flag in facet.red_flags]


def test_cauda_equina_symptoms_are_an_emergency_in_the_check_itself(kb):
    facet = next(f for f in kb.facets if f.id == "spinal-stenosis-worsening")
    ask = " ".join(c.ask for c in facet.checks).lower()
    assert "bladder" in ask and "saddle" in ask and "emergency" in ask


def test_a_conference_abstract_is_named_as_such_wherever_it_is_cited(kb):
    abstract = "chaiamnuay-2022-triamcinolone-10-vs-40"
    citing = [e for e in (*kb.facets, *kb.faq, *kb.steps, *kb.alternatives) if abstract in {r.id for r in e.references}]
    assert citing
    for entry in citing:
        text = " ".join(" ".join(str(v).split()) for v in vars(entry).values() if isinstance(v, str)).lower()
        assert "conference abstract" in text, entry.id


def test_the_editor_settings_name_every_kinds_schema():
    """.vscode/settings.json is derived from the registry of kinds: a new kind's file gets its schema in editors."""
    from macros.kb.kinds import editor_schemas

    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == editor_schemas()
