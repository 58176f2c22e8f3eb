"""Glossary marks: a term is marked only where the text names it, and shows its whole definition."""
from __future__ import annotations

import html
import re

import pytest

from macros.kb.terms import mark_terms

MARK = re.compile(r'<abbr class="kb-term" tabindex="0" title="([^"]*)"[^>]*>(.*?)</abbr>')


def marks(text: str, kb) -> dict[str, str]:
    """The words marked in a paragraph of text, each with the glossary term its definition names."""
    found = MARK.findall(mark_terms(f"<p>{text}</p>", kb.glossary))
    return {word: html.unescape(tip).split(":", 1)[0] for tip, word in found}


@pytest.mark.parametrize(("text", "expected"), [
    # Text that names a term gets that term.
    ("The fluid was drawn off by joint aspiration.", {"joint aspiration": "Joint aspiration"}),
    ("Arthrocentesis was done first.", {"Arthrocentesis": "Joint aspiration"}),
    ("She took ibuprofen for a week.", {"ibuprofen": "NSAID"}),
    ("Try anti-inflammatory gel over the joint.", {"anti-inflammatory gel": "NSAID"}),
    ("Rapidly destructive hip disease is rare.", {"Rapidly destructive hip disease": "Rapidly destructive hip disease"}),
    ("Saddle numbness may mean cauda equina syndrome.", {"cauda equina syndrome": "Cauda equina syndrome"}),
    ("A post-injection flare settles in days.", {"post-injection flare": "Steroid flare"}),
    # Text that names something else does not get a neighbouring term.
    ("Send the fluid for a Gram stain and culture.", {"Gram stain": "Gram stain"}),
    ("A vasovagal reaction is commoner than anaphylaxis.", {"vasovagal reaction": "Vasovagal reaction",
                                                             "anaphylaxis": "Anaphylaxis"}),
    ("The patient felt faint and sick.", {}),
    ("Spinal cord compression from a disc.", {}),
    ("Metastatic spinal cord compression is an emergency.", {"Metastatic spinal cord compression":
                                                       "Metastatic spinal cord compression"}),
    ("Synovial fluid analysis and crystal microscopy follow.", {"Synovial fluid": "Synovial fluid"}),
    ("The steroid is a strong anti-inflammatory.", {"steroid": "Corticosteroid"}),
    ("Rapid joint destruction has been reported after knee injections.", {}),
    ("Radiating pain down the leg.", {}),
    ("A flare of rheumatoid arthritis.", {"rheumatoid arthritis": "Rheumatoid arthritis"}),
    ("A swollen joint may hold an infection.", {}),
    ("Fat atrophy can follow a shallow injection.", {}),
    # An abbreviation is marked only in its own capitals.
    ("Cts is not CTS.", {"CTS": "Carpal tunnel syndrome"}),
])
def test_a_term_is_marked_only_where_the_text_names_it(kb, text, expected):
    assert marks(text, kb) == expected


def test_every_mark_shows_the_whole_definition_never_cut_short(kb):
    for term in kb.glossary:
        name = term.term.split(" (", 1)[0]
        found = MARK.findall(mark_terms(f"<p>{name}</p>", kb.glossary))
        assert found, term.id
        tip = html.unescape(found[0][0])
        assert tip == f"{name}: {' '.join(term.definition.split())}", term.id
        assert "…" not in tip


def test_the_glossary_page_calls_nothing_by_a_name_it_does_not_have(kb):
    """What a synonym would wrongly mark, the glossary page would wrongly list under "Also called"."""
    wrong = {"joint-aspiration": "Gram stain", "nsaid": "anti-inflammatory",
             "rapidly-destructive-hip-disease": "rapid joint destruction", "referred-pain": "radiating pain"}
    for term in kb.glossary:
        if term.id in wrong:
            assert wrong[term.id] not in term.synonyms, term.id
