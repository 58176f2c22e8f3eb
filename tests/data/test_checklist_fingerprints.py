"""A saved checklist mark carries a fingerprint of everything the summary prints for its entry, so that a mark made
against other wording (a question, a label, a key step, a cause's title, a next step; a red flag's question, title,
urgency or action) is dropped rather than silently changing what the note says."""
from __future__ import annotations

import re

import pytest

from macros.kb import load_kb
from macros.kb.render import Renderer


def fingerprints(kb) -> dict[str, str]:
    """Each checklist entry's fingerprint as the page carries it, by the entry's id."""
    renderer = Renderer(kb, "https://kb.example.org/", "https://github.com/owner/cortisone-kb")
    page = renderer.render_checklist("checklist.md", address="")
    return dict(re.findall(r'data-kb-(?:item|flag)="([a-z0-9-]+)" data-kb-fp="([0-9a-f]{12})"', page))


def _set(entry: object, name: str, value: object) -> None:
    object.__setattr__(entry, name, value)


ITEM_CHANGES = {
    "question": lambda kb, facet, check: _set(check, "ask", check.ask + " Really?"),
    "label": lambda kb, facet, check: _set(check, "label", "Septic arthritis excluded"),
    "key step": lambda kb, facet, check: _set(check, "key_step", "Repeat the injection today"),
    "cause title": lambda kb, facet, check: _set(kb.causes[0], "title", kb.causes[0].title + " (renamed)"),
    "next step": lambda kb, facet, check: _set(facet, "next_steps", (*facet.next_steps[:-1], "Repeat the injection.")),
    # Answered Likely under one scheme, the same mark must not be read as Yes under another.
    "answer scheme": lambda kb, facet, check: _set(check, "answer", "fact" if check.answer == "judgement" else "judgement"),
}
FLAG_CHANGES = {
    "question": lambda flag: _set(flag, "ask", flag.ask + " Really?"),
    "title": lambda flag: _set(flag, "title", "Nothing to worry about"),
    "urgency": lambda flag: _set(flag, "urgency", "routine"),
    "action": lambda flag: _set(flag, "action", "Reassure and repeat the injection."),
}


@pytest.mark.parametrize("change", ITEM_CHANGES)
def test_an_item_whose_printed_wording_changes_gets_a_new_fingerprint(change):
    kb = load_kb()
    facet = kb.causes[0].facets[0]
    check = facet.checks[0]
    before = fingerprints(kb)
    ITEM_CHANGES[change](kb, facet, check)
    after = fingerprints(kb)
    assert after[check.id] != before[check.id]
    assert after[kb.causes[1].facets[0].checks[0].id] == before[kb.causes[1].facets[0].checks[0].id]


@pytest.mark.parametrize("change", FLAG_CHANGES)
def test_a_red_flag_whose_printed_wording_changes_gets_a_new_fingerprint(change):
    kb = load_kb()
    flag, other = kb.red_flags[0], kb.red_flags[1]
    before = fingerprints(kb)
    FLAG_CHANGES[change](flag)
    after = fingerprints(kb)
    assert after[flag.id] != before[flag.id] and after[other.id] == before[other.id]


def test_a_fingerprint_ignores_how_the_text_is_wrapped():
    kb = load_kb()
    check = kb.causes[0].facets[0].checks[0]
    before = fingerprints(kb)[check.id]
    _set(check, "ask", "  " + check.ask.replace(" ", "\n   ", 2) + " ")
    assert fingerprints(kb)[check.id] == before
