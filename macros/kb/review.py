"""Clinical review that means something: a review is recorded with a fingerprint of the text it covered, so that
any later edit of that text returns the entry to draft until a clinician reviews it again.

Every kind whose row in kinds.py says `reviewed=True` takes part (causes, red flags, injection sites...): its
entries may carry a `reviewed:` record (status, on, by, next, fingerprint). The fingerprint is taken over the
entry's own YAML data, everything but the record itself, with runs of white space read as one space (re-wrapping a
paragraph is not an edit; changing a word, a figure, a link or a reference is). An entry is reviewed only while its
record says so and its fingerprint is the text's; otherwise it is shown as a draft. The editors' page lists, for
every reviewed kind, what is reviewed, what changed since its review and the fingerprint to record.

Plain Python, no mkdocs.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from .load import Document
from .model import Review, ReviewState
from .problems import Problem

RECORD = "reviewed"  # the YAML key of the review record
FINGERPRINT = "fingerprint"
LENGTH = 16  # hexadecimal characters kept from the SHA-256


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {str(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def text_fingerprint(data: Any) -> str:
    """The fingerprint of an entry's reviewed text: its YAML data without the review record, white space
    normalised, serialised canonically (keys sorted), SHA-256, first 16 hexadecimal characters."""
    body = {k: v for k, v in data.items() if k != RECORD} if isinstance(data, dict) else data
    text = json.dumps(_normalised(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:LENGTH]


def review_of(data: dict, doc: Document, path: tuple) -> tuple[Review, ReviewState]:
    """An entry's review as the site shows it (draft unless the record says reviewed and still fits the text), and
    where it stands for the editors."""
    record = data.get(RECORD) if isinstance(data.get(RECORD), dict) else {}
    state = ReviewState(recorded=record.get("status", ""), fingerprint=text_fingerprint(data),
                        reviewed_fingerprint=record.get(FINGERPRINT, ""), on=record.get("on", ""),
                        by=record.get("by", ""), next=record.get("next", ""), file=doc.label,
                        line=doc.line(path + (RECORD,)) if record else doc.line(path))
    shown = Review(on=state.on, by=state.by, next=state.next, status="reviewed" if state.done else "draft")
    return shown, state


def record_problems(doc: Document, path: tuple, data: Any, noun: str) -> Iterator[Problem]:
    """A review record that says reviewed must name the text it covered; its next review falls after its last."""
    record = data.get(RECORD) if isinstance(data, dict) else None
    if not isinstance(record, dict):
        return
    where = f"{noun} '{data.get('id')}': " if path else ""
    on, due = record.get("on"), record.get("next")
    if isinstance(on, str) and isinstance(due, str) and due <= on:
        yield Problem(doc.label, doc.line(path + (RECORD, "next")),
                      f"{where}reviewed: the next review ({due}) must fall after the last one ({on})")
    if record.get("status") == "reviewed" and not record.get(FINGERPRINT):
        yield Problem(doc.label, doc.line(path + (RECORD, "status")),
                      f"{where}reviewed: a review records the fingerprint of the text it covered: add "
                      f"`{FINGERPRINT}: {text_fingerprint(data)}` (the text as it stands now; the editors' page "
                      "lists it) once a clinician has reviewed exactly this text")


def check_reviews(docs: list[tuple[Document, str]]) -> Iterator[Problem]:
    """The review records of every reviewed kind's entries (see record_problems)."""
    from .kinds import KINDS_BY_NAME

    for doc, name in docs:
        kind = KINDS_BY_NAME.get(name)
        if kind is None or not kind.reviewed:
            continue
        if kind.file.endswith("/"):
            yield from record_problems(doc, (), doc.data, kind.noun)
        elif isinstance(doc.data, list):
            for i, item in enumerate(doc.data):
                yield from record_problems(doc, (i,), item, kind.noun)


def reviewed_kinds() -> tuple:
    from .kinds import KINDS

    return tuple(kind for kind in KINDS if kind.reviewed)


def review_rows(kb) -> list[tuple[object, object, ReviewState]]:
    """(kind, entry, state) for every entry of every reviewed kind, kind by kind in the registry's order."""
    return [(kind, entry, entry.review) for kind in reviewed_kinds() for entry in getattr(kb, kind.attr)]


def changed_since_review(kb) -> list[tuple[object, object, ReviewState]]:
    """The entries whose text was edited after their clinical review: draft again until reviewed again."""
    return [row for row in review_rows(kb) if row[2].changed]
