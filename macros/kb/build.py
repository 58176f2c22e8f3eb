"""Turn validated KB documents into the typed, fully linked model, kind by kind as the registry says."""
from __future__ import annotations

import dataclasses
from typing import Any

from .kinds import ANY, KINDS, KINDS_BY_NAME, Kind, children, top_level
from .load import Document
from .model import Change, ChangeItem, KnowledgeBase, Licence, Meta
from .review import review_of


def _set(obj: Any, name: str, value: Any) -> None:
    # Parents, back-links and resolved links close cycles, so they are filled in after construction.
    object.__setattr__(obj, name, value)


class _Builder:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[Any]] = {kind.name: [] for kind in KINDS}
        self.by_id: dict[str, Any] = {}
        self.pending: list[tuple[Any, Kind]] = []  # entries whose link fields still hold ids

    def construct(self, kind: Kind, data: dict, number: int, doc: Document, path: tuple) -> Any:
        values: dict[str, Any] = {}
        nested = {child.key: child for child in children(kind)}
        review: dict[str, Any] = {}
        if kind.reviewed:  # the review as shown, and where it stands against the text (review.py)
            review = dict(zip(("reviewed", "review"), review_of(data, doc, path), strict=True))
            names = {f.name for f in dataclasses.fields(kind.model)}
            values.update({k: v for k, v in review.items() if k in names})
        for item in dataclasses.fields(kind.model):
            key = kind.rename.get(item.name, item.name)
            if item.name in values:
                continue
            if item.name == kind.numbered:
                values[item.name] = number
            elif item.name in ("source", "file") and not item.compare:
                values[item.name] = doc.label  # where the entry came from, for messages
            elif item.name == "line" and not item.compare:
                values[item.name] = doc.line(path + (kind.rename.get("source", "id"),))
            elif not item.compare and item.name not in kind.links:
                continue  # filled in later: parents and back-links
            elif key in data:
                value = data[key]
                if item.name in nested:
                    child = nested[item.name]
                    value = tuple(self.construct(child, c, n, doc, path + (key, n - 1))
                                  for n, c in enumerate(value, start=1))
                elif item.name in kind.parts:
                    part = KINDS_BY_NAME[kind.parts[item.name]]
                    value = (tuple(self.construct(part, c, n, doc, path + (key, n - 1)) for n, c in enumerate(value, 1))
                             if isinstance(value, list) else self.construct(part, value, 1, doc, path + (key,)))
                elif item.name in kind.convert:
                    value = kind.convert[item.name](value)
                elif isinstance(value, list):
                    value = tuple(value)
                values[item.name] = value
        entry = kind.model(**values)
        for name, value in review.items():  # a kind whose model does not declare them still gets them
            if name not in values:
                _set(entry, name, value)
        for child in children(kind):
            for sub in getattr(entry, child.key):
                _set(sub, child.parent_attr, entry)
        for name, part in kind.parts.items():
            value = getattr(entry, name)
            for sub in value if isinstance(value, tuple) else (value,):
                _set(sub, KINDS_BY_NAME[part].parent_attr, entry)
        self.by_kind[kind.name].append(entry)
        if isinstance(getattr(entry, "id", None), str):
            self.by_id[entry.id] = entry
        if kind.links:
            self.pending.append((entry, kind))
        return entry

    def resolve(self) -> None:
        for entry, kind in self.pending:
            for name in kind.links:
                value = getattr(entry, name)
                if isinstance(value, tuple):
                    _set(entry, name, tuple(self.by_id[i] for i in value))
                elif isinstance(value, str):
                    _set(entry, name, self.by_id[value])
        # A symmetric link named on one side is listed on both.
        for kind in KINDS:
            for name in kind.symmetric:
                for entry in self.by_kind[kind.name]:
                    for other in getattr(entry, name):
                        if entry not in getattr(other, name):
                            _set(other, name, (*getattr(other, name), entry))
        # Back-links: every entry that names this one in a field, in site order. A part (a site's table
        # cell) names on behalf of the entry it belongs to.
        for kind in KINDS:
            for attr, (source, name) in kind.backlinks.items():
                found: dict[int, dict[int, Any]] = {id(e): {} for e in self.by_kind[kind.name]}
                for k in KINDS:
                    if not ((source == ANY and name in k.links) or k.name == source):
                        continue
                    for e in self.by_kind[k.name]:
                        owner = e if k.addressed else getattr(e, k.parent_attr)
                        named = getattr(e, name)
                        for target in named if isinstance(named, tuple) else (named,):
                            if id(target) in found:
                                found[id(target)].setdefault(id(owner), owner)
                for entry in self.by_kind[kind.name]:
                    _set(entry, attr, tuple(found[id(entry)].values()))


def build_model(docs: dict[str, list[Document]]) -> KnowledgeBase:
    """Build the model from documents that passed validation (keys: the kind names, and "meta")."""
    builder = _Builder()
    for kind in top_level():
        for doc in docs.get(kind.name, []):
            items = [((), doc.data)] if kind.file.endswith("/") else [((i,), e) for i, e in enumerate(doc.data)]
            for number, (path, data) in enumerate(items, start=1):
                builder.construct(kind, data, number, doc, path)
    builder.resolve()
    by_kind = {}
    for kind in KINDS:
        entries = builder.by_kind[kind.name]
        by_kind[kind.name] = tuple(sorted(entries, key=kind.order) if kind.order else entries)
    # Nested kinds follow their parents' order (facets cause by cause).
    for kind in KINDS:
        if kind.parent and kind.key:
            by_kind[kind.name] = tuple(c for p in by_kind[kind.parent] for c in getattr(p, kind.key))
    # A red flag names the sites it is not asked at; search reads the body regions of those it is asked at.
    for flag in by_kind["red-flag"]:
        _set(flag, "regions", tuple(r for r in by_kind["region"] if flag.joints and r.joint in flag.joints))
    # A site's red flags are those asked at its checklist joint: one source of truth, the red flags' not_at.
    for site in by_kind["site"]:
        _set(site, "red_flags", tuple(f for f in by_kind["red-flag"] if not f.joints or site.region.joint in f.joints))
    for flag in by_kind["red-flag"]:
        _set(flag, "sites", tuple(s for s in by_kind["site"] if flag in s.red_flags))
    meta_data = docs["meta"][0].data
    meta = Meta(title=meta_data["title"], version=meta_data["version"], changelog=tuple(
        Change(version=c["version"], date=c["date"], changes=tuple(
            ChangeItem(text=i["text"], safety=i.get("safety", False),
                       entries=tuple(builder.by_id[e] for e in i.get("entries", ())))
            for i in c["changes"]))
        for c in meta_data["changelog"]),
        content_licence=Licence(**meta_data["licence"]["content"]), code_licence=Licence(**meta_data["licence"]["code"]))
    return KnowledgeBase(meta=meta, by_kind=by_kind, redirects=by_kind["redirect"])
