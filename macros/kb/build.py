"""Turn validated KB documents into the typed, fully linked model."""
from __future__ import annotations

import dataclasses
from typing import Any

from .load import Document
from .model import (
    Alternative,
    Cause,
    Change,
    ChangeItem,
    Check,
    Condition,
    Facet,
    FaqEntry,
    KnowledgeBase,
    Meta,
    Redirect,
    Reference,
    Review,
    Step,
    Term,
)


def _set(obj: Any, name: str, value: Any) -> None:
    # Back-references close cycles (facet <-> cause), so they are filled in after construction.
    object.__setattr__(obj, name, value)


def build_model(docs: dict[str, list[Document]]) -> KnowledgeBase:
    """Build the model from documents that passed validation (keys: the entry kinds)."""
    # `note` is for editors only: it never enters the model, so no page or export can show it.
    refs = {r["id"]: Reference(**{k: v for k, v in r.items() if k != "note"}) for r in _items(docs, "references")}
    conditions = {c["id"]: Condition(c["id"], c["name"], "condition", tuple(c.get("synonyms", ())))
                  for c in _items(docs, "conditions")}
    regions = {c["id"]: Condition(c["id"], c["name"], "region", tuple(c.get("synonyms", ())))
               for c in _items(docs, "regions")}

    causes, facets, related_ids = [], {}, {}
    for doc in docs.get("cause", []):
        data = doc.data
        cause_facets = []
        for f in data["facets"]:
            facet = Facet(
                id=f["id"], title=f["title"], summary=f["summary"], explanation=f["explanation"],
                examples=tuple(f["examples"]), checks=tuple(Check(c["id"], c["ask"]) for c in f["checks"]),
                next_steps=tuple(f["next_steps"]), evidence=f["evidence"], evidence_note=f["evidence_note"],
                synonyms=tuple(f.get("synonyms", ())),
                conditions=tuple(conditions[i] for i in f.get("conditions", ())),
                regions=tuple(regions[i] for i in f.get("regions", ())),
                references=tuple(refs[i] for i in f.get("references", ())),
            )
            for check in facet.checks:
                _set(check, "facet", facet)
            facets[facet.id] = facet
            related_ids[facet.id] = list(f.get("related", ()))
            cause_facets.append(facet)
        cause = Cause(id=data["id"], order=data["order"], title=data["title"], summary=data["summary"],
                      overview=data["overview"], reviewed=Review(**data["reviewed"]),
                      facets=tuple(cause_facets), synonyms=tuple(data.get("synonyms", ())), source=doc.label)
        for facet in cause_facets:
            _set(facet, "cause", cause)
        causes.append(cause)
    causes.sort(key=lambda c: c.order)
    by_id = {c.id: c for c in causes}

    # Related links are symmetric: naming B under A also lists A under B.
    for facet_id, targets in list(related_ids.items()):
        for target in targets:
            if facet_id not in related_ids[target]:
                related_ids[target].append(facet_id)
    for facet_id, targets in related_ids.items():
        _set(facets[facet_id], "related", tuple(facets[t] for t in targets))

    for table, attr in ((conditions, "conditions"), (regions, "regions")):
        for item in table.values():
            _set(item, "facets", tuple(f for f in facets.values() if item in getattr(f, attr)))

    faq = tuple(FaqEntry(e["id"], e["question"], e["answer"], tuple(by_id[c] for c in e["causes"]),
                         tuple(facets[f] for f in e.get("facets", ())), tuple(refs[r] for r in e.get("references", ())))
                for e in _items(docs, "faq"))
    steps = tuple(Step(e["id"], n, e["title"], e["summary"], e["detail"], tuple(by_id[c] for c in e["causes"]),
                       tuple(refs[r] for r in e.get("references", ())))
                  for n, e in enumerate(_items(docs, "approach"), start=1))
    alternatives = tuple(Alternative(e["id"], e["title"], e["summary"], e["detail"], e["evidence"], e["evidence_note"],
                                     tuple(facets[f] for f in e["facets"]), tuple(refs[r] for r in e.get("references", ())))
                         for e in _items(docs, "alternatives"))
    for facet in facets.values():
        _set(facet, "alternatives", tuple(a for a in alternatives if facet in a.facets))
    glossary = tuple(sorted((Term(t["id"], t["term"], t["definition"], tuple(t.get("synonyms", ())))
                             for t in _items(docs, "glossary")), key=lambda t: t.term.lower()))
    kb = KnowledgeBase(
        causes=tuple(causes), faq=faq, steps=steps, alternatives=alternatives,
        conditions=tuple(sorted(conditions.values(), key=lambda c: c.name.lower())),
        regions=tuple(sorted(regions.values(), key=lambda c: c.name.lower())),
        glossary=glossary, references=tuple(refs.values()), meta=None,
    )
    entries = {e.id: e for e in kb.entries}
    meta_data = docs["meta"][0].data
    meta = Meta(meta_data["title"], meta_data["version"], tuple(
        Change(c["version"], c["date"], tuple(
            ChangeItem(i["text"], i.get("safety", False), tuple(entries[e] for e in i.get("entries", ())))
            for i in c["changes"]))
        for c in meta_data["changelog"]))
    redirects = tuple(Redirect(r["from"], entries[r["to"]], doc.label, doc.line((i, "from")))
                      for doc in docs.get("redirects", []) for i, r in enumerate(doc.data))
    return dataclasses.replace(kb, meta=meta, redirects=redirects)


def _items(docs: dict[str, list[Document]], kind: str) -> list[dict]:
    return [item for doc in docs.get(kind, []) for item in doc.data]
