"""Clinical depth: red flags first, a cited site table, citations where the claim is, British English,
and every abbreviation explained."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from macros.kb.markup import CITATION
from macros.kb.model import JOINTS, URGENCY_ORDER

ROOT = Path(__file__).resolve().parents[2]

NO_SOURCE = "No verified source"


def prose(kb):
    """Every reader-facing text of the KB with where it is, synonyms left out (American spellings may be
    search words) and the references' own titles and findings too (they are the verified list's words)."""
    for kind_attr in ("causes", "facets", "checks", "faq", "steps", "alternatives", "glossary", "red_flags", "sites",
                      "site_cells", "timeline", "cases", "case_steps"):
        for entry in getattr(kb, kind_attr):
            for name, value in vars(entry).items():
                if name in ("synonyms", "id", "source", "urgency", "evidence", "stage", "anaesthetic", "steroid"):
                    continue
                if name in ("reason", "first"):  # a case's self-test: each choice and its feedback are taught too
                    value = tuple(text for choice in value.choices for text in (choice.option, choice.feedback))
                for text in (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ():
                    if isinstance(text, str):
                        yield f"{getattr(entry, 'id', kind_attr)}.{name}", CITATION.sub("", text)


# --- red flags and the site table ------------------------------------------------------------------

REQUIRED_RED_FLAGS = {
    "joint infection": ("infect", "sept"), "crystal arthritis": ("gout", "crystal"), "cauda equina": ("cauda",),
    "cord compression": ("cord",), "epidural abscess or haematoma": ("abscess", "haematoma"),
    "tendon rupture": ("tendon",), "rapidly destructive joint disease": ("destructive",),
    "insufficiency fracture or osteonecrosis": ("fracture", "osteonecrosis"),
    "malignancy": ("cancer", "malignan"),
    "apical lung tumour": ("apical", "pancoast"), "limb ischaemia": ("ischaemia",),
    "visceral referral": ("visceral", "abdominal"),
    "deep vein thrombosis or ruptured Baker's cyst": ("deep vein thrombosis", "baker"),
    "anaphylaxis or vasovagal collapse": ("anaphylaxis", "faint"), "adrenal crisis": ("adrenal",),
    "hyperglycaemic emergency": ("hyperglycaemic", "ketoacidosis"),
}


@pytest.mark.parametrize("flag", REQUIRED_RED_FLAGS)
def test_each_red_flag_the_issue_names_is_there(kb, flag):
    words = REQUIRED_RED_FLAGS[flag]
    assert any(any(w in f"{f.title} {f.signs}".lower() for w in words) for f in kb.red_flags), flag


def test_every_red_flag_has_an_urgency_an_action_and_one_question(kb):
    for flag in kb.red_flags:
        assert flag.urgency in URGENCY_ORDER and flag.action.strip(), flag.id
        assert flag.ask.count("?") == 1 and flag.ask.rstrip().endswith("?"), flag.id


# Red flags that can arise whatever was injected, and where. A missing id fails (never skips): it must exist.
ASKED_EVERYWHERE = ["joint-infection", "anaphylaxis-or-collapse", "adrenal-crisis", "hyperglycaemic-emergency",
                    "cancer-suspected"]


@pytest.mark.parametrize("flag", ASKED_EVERYWHERE)
def test_red_flags_that_can_arise_at_any_site_are_shown_for_every_site(kb, flag):
    """The checklist leaves a red flag out only at sites a clinician has excluded with a reason: infection,
    anaphylaxis, adrenal crisis, a hyperglycaemic emergency and cancer never, whatever site is added later."""
    found = {f.id: f for f in kb.red_flags}
    assert flag in found, f"red flag '{flag}' is missing from kb/red-flags.yaml"
    assert found[flag].not_at == () and found[flag].joints == ()


def test_a_site_added_later_asks_every_red_flag_until_a_clinician_excludes_it(kb, monkeypatch):
    from macros.kb import model
    monkeypatch.setitem(model.JOINTS, "jaw", "Jaw")
    for flag in kb.red_flags:
        assert not flag.joints or "jaw" in flag.joints, flag.id


def test_every_site_a_red_flag_leaves_out_has_a_reason(kb):
    for flag in kb.red_flags:
        for exclusion in flag.not_at:
            assert exclusion.site in JOINTS and exclusion.reason.strip(), flag.id
        assert flag.joints == () or set(flag.joints) < set(JOINTS), flag.id


def test_the_schema_offers_the_sites_the_checklist_offers():
    schema = json.loads((ROOT / "kb" / "schema" / "red-flags.schema.json").read_text(encoding="utf-8"))
    assert schema["items"]["properties"]["not_at"]["items"]["properties"]["site"]["enum"] == list(JOINTS)


def test_every_site_choice_keeps_red_flags_and_items_to_ask(kb):
    for joint in JOINTS:
        flags = [f for f in kb.red_flags if not f.joints or joint in f.joints]
        items = [c for c in kb.checks if not c.joints or joint in c.joints]
        assert len(flags) >= 3 and any(f.urgency == "emergency" for f in flags), joint
        assert len(items) >= len(kb.checks) // 2, joint


def test_red_flags_are_listed_most_urgent_first(kb):
    ranks = [f.urgency_rank for f in kb.red_flags]
    assert ranks == sorted(ranks)


SITES = ["knee", "hip", "subacromial", "glenohumeral", "trochanter", "elbow", "carpal tunnel", "trigger finger",
         "quervain", "plantar fascia", "facet", "epidural", "acromioclavicular", "olecranon", "prepatellar",
         "thumb base", "fingers", "golfer's elbow", "ankle joint", "achilles", "morton", "sacroiliac", "cervical"]


@pytest.mark.parametrize("site", SITES)
def test_the_site_table_has_a_row_for_each_common_site(kb, site):
    assert any(site in s.name.lower() for s in kb.sites), site


def test_every_figure_in_the_site_table_is_cited_or_the_cell_says_no_verified_source(kb):
    for site in kb.sites:
        for cell in site.cells:
            if re.search(r"\d", cell.text):
                assert cell.references, (site.id, cell.text)
            if not cell.references:
                assert cell.text.startswith(NO_SOURCE), (site.id, cell.text)


def test_the_site_table_gives_no_doses(kb):
    dose = re.compile(r"(?i)\d\s*(mg|milligram|ml\b|millilitre)")
    assert [(s.id, c.text) for s in kb.sites for c in s.cells if dose.search(c.text)] == []


def test_every_site_links_its_red_flags_and_differentials(kb):
    assert all(site.red_flags and site.differentials for site in kb.sites)


def test_each_site_lists_the_red_flags_the_checklist_asks_at_its_joint(kb):
    """One source of truth: the site table's "Red flags to exclude" is what the checklist asks at the site's
    joint (every red flag not left out there by not_at), most urgent first, so the two can never disagree."""
    for site in kb.sites:
        joint = site.region.joint
        assert joint in JOINTS, site.id
        asked = [f.id for f in kb.red_flags if not any(e.site == joint for e in f.not_at)]
        assert [f.id for f in site.red_flags] == asked, site.id
        for flag in kb.red_flags:
            assert (site in flag.sites) == (flag.id in asked), (site.id, flag.id)


def test_red_flags_asked_everywhere_are_in_every_site_row(kb):
    for site in kb.sites:
        assert set(ASKED_EVERYWHERE) <= {f.id for f in site.red_flags}, site.id


def test_cord_compression_cauda_equina_and_visceral_pain_are_asked_where_they_masquerade(kb):
    """Myelopathy and metastatic cord compression present as leg weakness and an unsteady walk that pass for
    hip or knee trouble; cauda equina syndrome gives buttock and leg symptoms at the hip; heart, aorta and lung
    pain reach the neck, between the shoulder blades and down the arm."""
    rows = {site.id: {f.id for f in site.red_flags} for site in kb.sites}
    for row in ("knee-joint", "hip-joint", "plantar-fascia"):
        assert "spinal-cord-compression" in rows[row], row
    assert "suspected-cauda-equina" in rows["hip-joint"]
    for row in ("lumbar-facet-joint", "epidural-space", "lateral-elbow"):
        assert "visceral-shoulder-pain" in rows[row], row


# --- the joint infection action has one home ----------------------------------------------------------

# Where to aspirate and when antibiotics start is written once, in these red flags: copying it is how an
# unsafe version (no sepsis exception) spread to nine places. Every other entry links the red flag.
INFECTION_ACTION_HOMES = {"joint-infection", "prosthetic-joint-infection"}
ANTIBIOTIC = re.compile(r"(?i)\bantibiotic")
ASPIRATION_OR_TIMING = re.compile(r"(?i)aspirat|joint fluid|synovial fluid|gram stain|\bbefore\b|\bdelay|\buntil\b")


def advises_antibiotic_timing(text: str) -> bool:
    """True if a sentence of text pairs antibiotics with aspiration or with when they start."""
    return any(ANTIBIOTIC.search(s) and ASPIRATION_OR_TIMING.search(s) for s in re.split(r"(?<=[.;!?])\s+", text))


def test_the_detector_finds_the_advice_as_it_was_copied():
    assert advises_antibiotic_timing("Aspirate the joint before any antibiotic and send the fluid for culture.")
    assert advises_antibiotic_timing("Suspected septic arthritis is an emergency: the joint is aspirated before "
                                      "antibiotics are started.")
    assert not advises_antibiotic_timing("Treat a hot joint as the joint infection red flag. Aspirate for crystals.")


def test_aspiration_and_antibiotic_timing_are_advised_only_in_the_two_infection_red_flags(kb):
    found = [where for where, text in prose(kb)
             if where.split(".")[0] not in INFECTION_ACTION_HOMES and advises_antibiotic_timing(text)]
    assert found == [], "link the joint-infection red flag instead of restating its action"


def test_the_entries_that_used_to_restate_the_action_link_the_red_flag(kb):
    facets = {f.id: f for f in kb.facets}
    for facet in ("crystal-arthritis-missed", "inflammatory-burden-underestimated", "dilution-in-large-joints",
                  "sterile-technique-breach", "post-injection-flare", "rheumatoid-arthritis-progressing"):
        assert "joint-infection" in [r.id for r in facets[facet].red_flags], facet
    steps = {s.id: s for s in kb.steps}
    for step in ("confirm-it-failed", "recheck-diagnosis", "review-dose"):
        assert "joint-infection" in [r.id for r in steps[step].red_flags], step
    assert "joint-infection" in [r.id for r in next(q for q in kb.faq if q.id == "is-it-a-flare-or-infection").red_flags]


def red_flag(kb, flag_id):
    return next(f for f in kb.red_flags if f.id == flag_id)


def test_joint_infection_sends_a_patient_who_may_have_sepsis_down_the_sepsis_pathway_first(kb):
    flag = red_flag(kb, "joint-infection")
    action = CITATION.sub("", flag.action)
    # The exception comes before any word on aspiration, so it is read first.
    assert 0 <= action.find("sepsis pathway") < action.lower().find("aspirat")
    assert re.search(r"systemically unwell or may\s+have sepsis", action)
    assert "do not delay antibiotics in order to aspirate" in action
    # In primary care the action is referral, not aspiration, unless same-day microscopy and culture exist.
    assert re.search(r"In primary care the action is that\s+referral, not aspiration, unless", action)
    assert {"nice-qs161-2017-sepsis-antibiotics-1h", "nice-ng253-2025-sepsis-over-16s"} <= {r.id for r in flag.references}


def test_a_replaced_joint_keeps_its_sepsis_exception(kb):
    action = red_flag(kb, "prosthetic-joint-infection").action
    assert re.search(r"unless the patient is systemically unwell or may have sepsis", " ".join(action.split()))


# --- citations where the claim is ----------------------------------------------------------------------

def test_every_citation_token_names_a_reference_of_its_own_entry(kb):
    tokens = 0
    for entry in (*kb.facets, *kb.faq, *kb.steps, *kb.alternatives, *kb.red_flags, *kb.site_cells):
        own = {r.id for r in entry.references}
        for name, value in vars(entry).items():
            for text in (value,) if isinstance(value, str) else value if isinstance(value, tuple) else ():
                for ref in CITATION.findall(text) if isinstance(text, str) else ():
                    tokens += 1
                    assert ref in own, (entry.id if hasattr(entry, "id") else entry.site.id, name, ref)
    assert tokens > 50  # the KB does cite where the claim is


def test_every_facet_and_alternative_says_which_claim_its_grade_applies_to(kb):
    assert [e.id for e in (*kb.facets, *kb.alternatives) if not e.evidence_claim] == []


# --- British English ---------------------------------------------------------------------------------

# American spellings (and the British form the KB uses). Synonyms may keep them as search words.
AMERICAN = {
    "anesthe": "anaesthe", "edema": "oedema", "hemorrhag": "haemorrhag", "hematoma": "haematoma",
    "ischemi": "ischaemi", "anemi": "anaemi", "estrogen": "oestrogen", "esophag": "oesophag", "tumor": "tumour",
    "orthoped": "orthopaed", "pediatric": "paediatric", "leukemi": "leukaemi", "diarrhea": "diarrhoea",
    "color": "colour", "behavior": "behaviour", "favor": "favour", "center": "centre", "fiber": "fibre",
    "catheteriz": "catheteris", "catastrophiz": "catastrophis", "randomiz": "randomis", "minimiz": "minimis",
    "immobiliz": "immobilis", "stabiliz": "stabilis", "recogniz": "recognis", "organiz": "organis",
    "optimiz": "optimis", "characteriz": "characteris", "localiz": "localis", "analyz": "analys",
    "physical therap": "physiotherap", "labeled": "labelled", "gray": "grey", "sulfur": "sulphur",
    "hba1c": "HbA1c",
}


@pytest.mark.parametrize("american", AMERICAN)
def test_no_american_spelling_in_reader_text(kb, american):
    if american == "hba1c":  # the one capitalisation that is right
        found = [(where, m) for where, text in prose(kb) for m in re.findall(r"(?i)\bhba1c\b", text) if m != "HbA1c"]
    else:
        found = [(where, m.group(0)) for where, text in prose(kb) for m in [re.search(rf"(?i)\b{american}", text)] if m]
    assert found == [], f"use '{AMERICAN[american]}'"


# --- abbreviations ------------------------------------------------------------------------------------

# Names of organisations and countries, and Roman numerals: abbreviations every reader knows from context.
KNOWN_ABBREVIATIONS = {"NICE", "EULAR", "ACR", "BSR", "BESS", "BOA", "GIRFT", "FDA", "UK", "US", "USA", "NHS", "RCR",
                       "AAOS", "OARSI", "AF", "II", "III", "IV", "EU"}
ABBREVIATION = re.compile(r"\b(?=[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z])[A-Za-z][A-Za-z0-9]+\b")


def test_every_abbreviation_is_in_the_glossary(kb):
    explained = set(KNOWN_ABBREVIATIONS)
    for term in kb.glossary:
        for word in (term.term, *term.synonyms):
            explained.update(ABBREVIATION.findall(word))
    unknown = {}
    for where, text in prose(kb):
        for word in ABBREVIATION.findall(text):
            bare = word[:-1] if word.endswith("s") and word[:-1].isupper() else word
            if bare not in explained:
                unknown.setdefault(bare, where)
    assert unknown == {}, f"add to kb/glossary.yaml (as a term or synonym): {sorted(unknown)}"


# Sites added in 1.5.0 and 1.6.0 (issue 26): each belongs to one checklist site choice, and choosing that site shows
# an item about one of the site's usual differentials. Where that item is asked at some joints only, another
# joint (the third value) is spared it.
NEW_SITES = {"acromioclavicular-joint": ("shoulder", "calcific-tendinopathy-missed-check", "spine"),
             "olecranon-bursa": ("elbow", "septic-bursitis-missed-check", "spine"),
             "prepatellar-bursa": ("knee", "septic-bursitis-missed-check", "spine"),
             "thumb-base-joint": ("hand-wrist", "thumb-base-arthritis-missed-check", "knee"),
             "de-quervain-tenosynovitis": ("hand-wrist", "thumb-base-arthritis-missed-tendon-check", "foot-ankle"),
             "small-hand-joints": ("hand-wrist", "referred-from-neck-check", "knee"),
             "medial-elbow": ("elbow", "referred-from-neck-check", "knee"),
             "ankle-joint": ("foot-ankle", "crystal-arthritis-missed-check", None),
             "achilles-region": ("foot-ankle", "tendinopathy-worsening-check", None),
             "plantar-fascia": ("foot-ankle", "plantar-heel-pain-misread-check", "hand-wrist"),
             "forefoot-neuroma": ("foot-ankle", "metatarsal-stress-fracture-missed-check", "knee"),
             "sacroiliac-joint": ("spine", "sacroiliac-joint-pain-missed-check", "knee"),
             "cervical-spine": ("spine", "spine-target-missed-check", "shoulder")}


@pytest.mark.parametrize("site_id", NEW_SITES)
def test_a_new_site_is_reached_from_its_checklist_site_choice(kb, site_id):
    joint, check, elsewhere = NEW_SITES[site_id]
    site = next(s for s in kb.sites if s.id == site_id)
    assert site.region.joint == joint and joint in JOINTS
    assert check in [c.id for c in kb.checks if not c.joints or joint in c.joints]
    if elsewhere:
        assert check not in [c.id for c in kb.checks if not c.joints or elsewhere in c.joints]
    assert check in [c.id for f in site.differentials for c in f.checks]


def test_a_site_does_not_list_itself_among_its_differentials(kb):
    """The AC joint row once offered AC joint pain as its own differential (independent read of 1.5.0)."""
    site = next(s for s in kb.sites if s.id == "acromioclavicular-joint")
    ids = [f.id for f in site.differentials]
    assert "acromioclavicular-joint-pain-missed" not in ids
    assert {"tendinopathy-worsening", "calcific-tendinopathy-missed", "adhesive-capsulitis-missed"} <= set(ids)


def test_the_bursa_rows_say_how_to_tell_the_bursa_from_the_joint(kb):
    for site_id in ("olecranon-bursa", "prepatellar-bursa"):
        site = next(s for s in kb.sites if s.id == site_id)
        assert any("tell the bursa from the" in c.text and "effusion" in c.text for c in site.cautions), site_id


def test_the_spinal_injection_red_flag_is_asked_at_the_new_spinal_sites(kb):
    for site_id in ("cervical-spine", "sacroiliac-joint"):
        site = next(s for s in kb.sites if s.id == site_id)
        asked = {f.id for f in site.red_flags}
        assert {"spinal-injection-complication", "spinal-cord-compression", "joint-infection"} <= asked, site_id


def test_the_cervical_row_names_the_serious_risks_and_marks_the_transforaminal_claim_as_expert_opinion(kb):
    site = next(s for s in kb.sites if s.id == "cervical-spine")
    text = " ".join(c.text for c in site.cautions)
    assert "spinal cord infarction" in text and "stroke" in text and "into an artery" in text
    transforaminal = next(c for c in site.cautions if "transforaminal" in c.text)
    assert "expert opinion" in transforaminal.text


def test_the_achilles_row_forbids_injection_into_the_tendon_and_says_the_risk_is_unmeasured(kb):
    site = next(s for s in kb.sites if s.id == "achilles-region")
    assert "tendon-rupture" in {f.id for f in site.red_flags}
    forbid = next(c for c in site.cautions if "leaflet forbids" in c.text)
    assert "no rigorous study has measured the" in forbid.text
    assert {r.id for r in forbid.references} == {"depo-medrone-uk-pil-injection-sites", "shrier-1996-achilles-corticosteroid"}


def test_morton_neuroma_lists_metatarsal_stress_fracture_first_and_it_links_the_fracture_red_flag(kb):
    site = next(s for s in kb.sites if s.id == "forefoot-neuroma")
    assert site.differentials[0].id == "metatarsal-stress-fracture-missed"
    assert "insufficiency-fracture-or-osteonecrosis" in [f.id for f in site.differentials[0].red_flags]


def test_the_lavage_glossary_entry_gives_no_uncited_trial_figure(kb):
    term = next(t for t in kb.glossary if t.id == "lavage-barbotage")
    assert not re.search(r"\d", term.definition)


def test_the_subacromial_row_lists_ac_joint_pain_and_calcific_tendinopathy(kb):
    site = next(s for s in kb.sites if s.id == "subacromial-space")
    assert {"acromioclavicular-joint-pain-missed", "calcific-tendinopathy-missed"} <= {f.id for f in site.differentials}
    for facet in ("acromioclavicular-joint-pain-missed", "calcific-tendinopathy-missed"):
        checks = next(f for f in kb.facets if f.id == facet).checks
        assert [c.joints for c in checks] == [("shoulder",)], facet


def test_a_hot_bursa_links_the_joint_infection_red_flag_and_no_steroid(kb):
    facet = next(f for f in kb.facets if f.id == "septic-bursitis-missed")
    assert "joint-infection" in [r.id for r in facet.red_flags]
    assert any("do not inject" in step.lower() and "joint infection red flag" in step for step in facet.next_steps)
    for site_id in ("olecranon-bursa", "prepatellar-bursa"):
        site = next(s for s in kb.sites if s.id == site_id)
        assert "joint-infection" in [f.id for f in site.red_flags]
        assert any("joint infection red flag" in c.text for c in site.cautions), site_id


def test_the_first_step_says_what_counts_as_failure_with_its_sources(kb):
    step = next(s for s in kb.steps if s.id == "confirm-it-failed")
    assert "about 2 points" in step.detail and "about 30%" in step.detail
    assert {"farrar-2001-cid-pain-nrs", "salaffi-2004-mcid-nrs-msk-pain",
            "previtali-2021-placebo-injections-knee-oa"} <= {r.id for r in step.references}
