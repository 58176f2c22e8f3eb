"""The machine-readable export, kb.json, for training material and other tools."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Facet, KnowledgeBase, Reference
from .urls import url_of

EXPORT_SCHEMA = Path(__file__).with_name("kb.schema.json")


def _refs(refs: tuple[Reference, ...]) -> list[str]:
    return [r.id for r in refs]


def _facet(facet: Facet, base: str) -> dict[str, Any]:
    return {
        "id": facet.id, "title": facet.title, "summary": facet.summary, "url": base + url_of(facet),
        "explanation": facet.explanation, "examples": list(facet.examples),
        "checks": [{"id": c.id, "ask": c.ask, "url": base + url_of(c)} for c in facet.checks],
        "next_steps": list(facet.next_steps), "evidence": facet.evidence, "evidence_note": facet.evidence_note,
        "related": [f.id for f in facet.related], "conditions": [c.id for c in facet.conditions],
        "regions": [r.id for r in facet.regions], "synonyms": list(facet.synonyms),
        "references": _refs(facet.references),
    }


def export_kb(kb: KnowledgeBase, base_url: str = "") -> dict[str, Any]:
    """The whole KB as plain JSON-ready data; urls are prefixed with base_url."""
    return {
        "title": kb.meta.title,
        "version": kb.meta.version,
        "causes": [{"id": c.id, "order": c.order, "title": c.title, "summary": c.summary, "overview": c.overview,
                    "synonyms": list(c.synonyms), "url": base_url + url_of(c),
                    "reviewed": {"on": c.reviewed.on, "by": c.reviewed.by},
                    "facets": [_facet(f, base_url) for f in c.facets]} for c in kb.causes],
        "faq": [{"id": e.id, "question": e.question, "answer": e.answer, "causes": [c.id for c in e.causes],
                 "facets": [f.id for f in e.facets], "references": _refs(e.references), "url": base_url + url_of(e)}
                for e in kb.faq],
        "steps": [{"id": s.id, "number": s.number, "title": s.title, "summary": s.summary, "detail": s.detail,
                   "causes": [c.id for c in s.causes], "references": _refs(s.references), "url": base_url + url_of(s)}
                  for s in kb.steps],
        "alternatives": [{"id": a.id, "title": a.title, "summary": a.summary, "detail": a.detail,
                          "evidence": a.evidence, "evidence_note": a.evidence_note,
                          "facets": [f.id for f in a.facets], "references": _refs(a.references),
                          "url": base_url + url_of(a)} for a in kb.alternatives],
        "conditions": [{"id": c.id, "name": c.name, "synonyms": list(c.synonyms),
                        "facets": [f.id for f in c.facets], "url": base_url + url_of(c)} for c in kb.conditions],
        "regions": [{"id": c.id, "name": c.name, "synonyms": list(c.synonyms),
                     "facets": [f.id for f in c.facets], "url": base_url + url_of(c)} for c in kb.regions],
        "glossary": [{"id": t.id, "term": t.term, "definition": t.definition, "synonyms": list(t.synonyms),
                      "url": base_url + url_of(t)} for t in kb.glossary],
        "references": [{"id": r.id, "title": r.title, "authors": r.authors, "source": r.source, "year": r.year,
                        "doi": r.doi, "pmid": r.pmid, "url": r.url, "kind": r.kind, "finding": r.finding}
                       for r in kb.references],
        "checklist": [{"cause": c.id, "items": [ch.id for f in c.facets for ch in f.checks]}
                      for c in kb.checklist_causes],
    }


def export_files(kb: KnowledgeBase, base_url: str = "") -> dict[str, str]:
    """The export's files by name: kb.json and its JSON Schema, kb.schema.json."""
    return {
        "kb.json": json.dumps(export_kb(kb, base_url), indent=2, ensure_ascii=False) + "\n",
        "kb.schema.json": EXPORT_SCHEMA.read_text(encoding="utf-8"),
    }
