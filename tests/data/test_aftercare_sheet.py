"""The patient's aftercare sheet as data: plain English by a measure that can fail, every point cited or marked
expert opinion, the blanks and safety-netting a sheet needs at every site, bad wording refused at its file and
line, and exported in kb.json under its schema. How it prints is in tests/browser/test_aftercare_print.py."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest

from macros.kb import load_kb, validate_kb
from macros.kb.aftercare import is_draft, sheet
from macros.kb.export import export_kb, export_schema
from macros.kb.model import JOINTS
from tests.support.readability import flesch_reading_ease, syllables

FLESCH_FLOOR = 60  # plain English; the NHS asks for patient information at this level or easier


# --- the measure itself ------------------------------------------------------------------------------------------

def test_flesch_reading_ease_gives_the_known_score_of_a_known_sentence():
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1
    assert flesch_reading_ease(["The cat sat on the mat."]) == pytest.approx(116.145)
    # 10 words, 2 sentences, 11 syllables (each word one, "little" two)
    assert flesch_reading_ease(["Rest the knee for two days. Then walk a little."]) == pytest.approx(
        206.835 - 1.015 * 5 - 84.6 * 11 / 10)


@pytest.mark.parametrize("word,count", [("the", 1), ("knee", 1), ("little", 2), ("people", 2), ("every", 3),
                                        ("injection", 3), ("anaesthetic", 4), ("emergency", 4),
                                        ("physiotherapy", 5), ("inflammatory", 5)])
def test_syllables_are_counted_as_spoken_or_more(word, count):
    assert syllables(word) >= count
    assert syllables(word) <= count + 1


def test_the_measure_fails_clinical_prose():
    """A sentence from a clinician's leaflet, not a patient's, must fall below the floor: the test can fail."""
    clinical = ("Intra-articular corticosteroid administration may precipitate transient hyperglycaemia in "
                "diabetic individuals, necessitating intensified glycaemic monitoring.")
    assert flesch_reading_ease([clinical]) < FLESCH_FLOOR


def test_drug_names_are_left_out_of_the_measure():
    text = ["Tell us if you take ritonavir or cobicistat."]
    assert flesch_reading_ease(text, {"ritonavir", "cobicistat"}) > flesch_reading_ease(text)


# --- the sheet, site by site -------------------------------------------------------------------------------------

def body_text(kb, joint: str) -> tuple[list[str], set[str]]:
    """The sentences on a site's sheet (not headings or blank labels), and the drug names in them."""
    points = [p for _section, pts in sheet(kb, joint) for p in pts if not p.blank]
    return [p.text for p in points], {d for p in points for d in p.drugs}


@pytest.mark.parametrize("joint", list(JOINTS))
def test_each_sites_sheet_reads_at_flesch_60_or_more_without_drug_names(kb, joint):
    texts, drugs = body_text(kb, joint)
    score = flesch_reading_ease(texts, drugs)
    assert score >= FLESCH_FLOOR, f"{joint}: Flesch reading ease {score:.1f}, below {FLESCH_FLOOR}"


def test_sheets_differ_where_the_advice_does(kb):
    versions = {joint: tuple(p.text for _s, pts in sheet(kb, joint) for p in pts) for joint in JOINTS}
    assert len(set(versions.values())) >= 5, "one version per site where the advice differs"


def test_every_point_cites_a_verified_source_or_is_marked_expert_opinion(kb):
    for section in kb.aftercare:
        for point in section.points:
            assert point.blank or point.references or point.expert_opinion, (section.id, point.text)
            figures = re.sub(r"\b(?:999|111)\b", "", point.text)
            if re.search(r"\d", figures):
                assert point.references, f"a figure without a source: {point.text}"


@pytest.mark.parametrize("joint", list(JOINTS))
def test_every_sheet_has_the_blanks_and_the_safety_netting_first(kb, joint):
    sections = sheet(kb, joint)
    blanks = [p.blank for _s, pts in sections for p in pts if p.blank]
    assert sorted(blanks) == sorted(["drug", "site", "date", "service", "phone", "review"])
    safety = [s.safety for s, _pts in sections]
    assert safety[0] and safety == sorted(safety, reverse=True), "safety-netting sections first"
    box = " ".join(p.text for s, pts in sections if s.safety for p in pts)
    assert "Out of hours: NHS 111; emergency: 999." in box
    for words in ("999", "breathing", "face, lips", "Chest pain", "bowels", "numbness between your legs",
                  "loss of sight", "infection", "weeks after"):
        assert words in box, (joint, words)
    text = " ".join(p.text for _s, pts in sections for p in pts)
    for words in ("numb", "2 or 3 days", "sometimes longer", "review", "Rest", "red and warm", "sleep", "mood",
                  "blood pressure", "periods", "menopause", "lighter", "darker skin", "blood sugar", "ritonavir",
                  "cobicistat", "other steroids", "thin your blood", "operation", "new one at each injection"):
        assert words in text, (joint, words)


def test_the_sheet_is_a_draft_until_every_section_is_clinically_reviewed(kb):
    assert is_draft(kb)
    assert all(not s.reviewed.done for s in kb.aftercare)


def test_kb_json_exports_the_wording_under_its_schema(kb):
    data = export_kb(kb, "https://kb.example.org/")
    jsonschema.validate(data, export_schema())
    section = data["aftercare"][0]
    assert section["url"] == f"https://kb.example.org/aftercare/#{section['id']}"
    assert {"text", "references", "expert_opinion", "sites", "blank", "drugs"} <= set(section["points"][0])


# --- bad wording is refused at its file and line ------------------------------------------------------------------

def problems_of(kb_dir) -> list[str]:
    _docs, problems = validate_kb(kb_dir)
    return [str(p) for p in problems]


def edit(kb_dir, old: str, new: str) -> int:
    """Replace the first `old` in kb/aftercare.yaml by `new`; return the line it starts on."""
    path = kb_dir / "aftercare.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def test_a_point_with_neither_source_nor_mark_names_file_and_line(kb_copy):
    line = edit(kb_copy, "    - text: Chest pain.\n      expert_opinion: true\n", "    - text: Chest pain.\n")
    assert problems_of(kb_copy) == [f"kb/aftercare.yaml:{line}: entry 'call-999': aftercare: a point must cite a "
                                    "verified source ('references') or be marked 'expert_opinion: true'"]


def test_a_figure_from_memory_and_a_dose_are_refused(kb_copy):
    line = edit(kb_copy, "    - text: Chest pain.\n", "    - text: Chest pain within 48 hours, after 40 mg.\n")
    assert problems_of(kb_copy) == [
        f"kb/aftercare.yaml:{line}: entry 'call-999': aftercare: a figure must cite a verified source; without one, "
        "leave the figure out",
        f"kb/aftercare.yaml:{line}: entry 'call-999': aftercare: no doses on the patient's sheet"]


def test_a_safety_section_after_another_section_is_refused(kb_copy):
    path = kb_copy / "aftercare.yaml"
    text = path.read_text(encoding="utf-8")
    line = edit(kb_copy, "- id: keep-this-sheet\n  heading: Keep this sheet\n",
                "- id: keep-this-sheet\n  heading: Keep this sheet\n  safety: true\n") + 2
    assert text != path.read_text(encoding="utf-8")
    assert problems_of(kb_copy) == [f"kb/aftercare.yaml:{line}: entry 'keep-this-sheet': aftercare: a safety-netting "
                                    "section must come before every other section (it prints first, in the box): "
                                    "move it up"]


def test_an_unknown_site_and_a_drug_not_in_the_text_name_file_and_line(kb_copy):
    line = edit(kb_copy, "      sites: [spine]\n", "      sites: [spine, neck]\n")
    drug = edit(kb_copy, "      drugs: [ritonavir, cobicistat]\n", "      drugs: [ritonavir, prednisolone]\n")
    problems = problems_of(kb_copy)
    assert f"kb/aftercare.yaml:{line}: entry 'call-999': 'sites' must be one of: knee, hip, shoulder, elbow, " \
           "hand-wrist, spine, foot-ankle (got 'neck')" in problems
    assert f"kb/aftercare.yaml:{drug}: entry 'medicines-and-operations': aftercare: drug 'prednisolone' is not in " \
           "the point's text: list only the medicine names it names (the readability measure leaves them out)" \
           in problems


@pytest.mark.parametrize("hostile,message", [
    ("Chest pain <script>alert(1)</script>.", "contains raw HTML"),
    ("Chest pain [here](javascript:alert(1)).", "javascript"),
    ("Chest pain {{ config }}.", "contains template syntax"),
    ("Chest pain ![x](https://evil.example/x.png).", "image"),
])
def test_hostile_wording_is_refused_at_its_line(kb_copy, hostile, message):
    line = edit(kb_copy, "    - text: Chest pain.\n", f"    - text: {json.dumps(hostile)}\n")
    problems = problems_of(kb_copy)
    assert problems and all(p.startswith(f"kb/aftercare.yaml:{line}: ") for p in problems), problems
    assert any(message in p for p in problems), problems


def test_the_real_kb_loads_with_the_sheet():
    kb = load_kb()
    assert [s.id for s in kb.aftercare][:3] == ["call-999", "get-help-today", "who-to-contact"]
