"""The machine-readable export, kb.json, and its JSON Schema, both derived from the registry.

Each exported kind is a list under its attribute name (causes, faq, ...): every field of the entry,
links as ids, and the entry's address on the site as `url` (a reference's `url` is its source's).
"""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

from .kinds import KINDS, KINDS_BY_NAME, Kind, children, kind_of
from .model import KnowledgeBase
from .publish import licence_data
from .urls import url_of
from .validate import inline_refs

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "kb" / "schema"
ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


def _exported_fields(kind: Kind) -> list[dataclasses.Field]:
    """The fields of an entry that kb.json carries: its data and links, not parents or other back-links."""
    return [f for f in dataclasses.fields(kind.model)
            if (f.compare or f.name in kind.links or f.name in kind.exported_backlinks) and f.name not in kind.internal]


def _value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    if dataclasses.is_dataclass(value):  # an entry by its id; an id-less part (a review, a question) whole
        return value.id if hasattr(value, "id") else {f.name: _value(getattr(value, f.name))
                                                      for f in dataclasses.fields(value)}
    return value


def export_entry(entry: object, base_url: str = "") -> dict[str, Any]:
    """One entry as JSON-ready data, nested entries (facets, checks) included."""
    kind = kind_of(entry)
    nested = {child.key for child in children(kind)}
    data: dict[str, Any] = {}
    for f in _exported_fields(kind):
        value = getattr(entry, f.name)
        if f.name in nested or (f.name in kind.parts and isinstance(value, tuple)):
            data[f.name] = [export_entry(v, base_url) for v in value]
        elif f.name in kind.parts:
            data[f.name] = export_entry(value, base_url)
        else:
            data[f.name] = _value(value)
    if kind.addressed and "url" not in data:
        data["url"] = base_url + url_of(entry)
    return data


def export_kb(kb: KnowledgeBase, base_url: str = "") -> dict[str, Any]:
    """The whole KB as plain JSON-ready data; urls are prefixed with base_url."""
    data: dict[str, Any] = {"title": kb.meta.title, "version": kb.meta.version, "licence": licence_data(kb)}
    for kind in KINDS:
        if kind.exported and kind.file:
            data[kind.attr] = [export_entry(e, base_url) for e in getattr(kb, kind.attr) if kind.is_published(e)]
    data["checklist"] = [{"cause": c.id, "items": [ch.id for ch in c.checks]} for c in kb.checklist_causes]
    return data


def export_schema(schema_dir: Path = SCHEMA_DIR) -> dict[str, Any]:
    """kb.json's JSON Schema: each exported kind's entry schema from kb/schema, with its address and back-links."""
    properties: dict[str, Any] = {"title": {"type": "string"},
                                  "version": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$"},
                                  "licence": _licence_schema(schema_dir)}
    for kind in KINDS:
        if kind.exported and kind.file:
            source = json.loads((schema_dir / f"{kind.schema}.schema.json").read_text(encoding="utf-8"))
            item = source if kind.file.endswith("/") else source["items"]
            properties[kind.attr] = {"type": "array", "items": _exported_item(inline_refs(item, source.get("$defs", {})), kind)}
    properties["checklist"] = {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["cause", "items"],
        "properties": {"cause": ID, "items": {"type": "array", "items": ID}}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "kb.schema.json",
            "title": "cortisone-kb export (kb.json)",
            "description": "The whole knowledge base as published. Ids are stable; url values are absolute addresses "
                           "of each entry on the site (a reference's url is its source's address).",
            "type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}


def _licence_schema(schema_dir: Path) -> dict[str, Any]:
    """The licences' schema, as kb/meta.yaml declares them."""
    meta = json.loads((schema_dir / "meta.schema.json").read_text(encoding="utf-8"))
    return meta["properties"]["licence"]


NOT_EXPORTED = "x-not-exported"  # a schema property for the editors alone (a review's fingerprint): not in kb.json


def _without_internal(node: Any) -> Any:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            node["properties"] = {k: v for k, v in props.items() if not (isinstance(v, dict) and v.get(NOT_EXPORTED))}
        for value in node.values():
            _without_internal(value)
    elif isinstance(node, list):
        for value in node:
            _without_internal(value)
    return node


def _exported_item(item: dict, kind: Kind) -> dict:
    item = _without_internal(copy.deepcopy(item))
    item.pop("$schema", None)
    item.pop("title", None)
    item.pop("x-replaced", None)  # keys retired from the YAML: a message for authors, not part of the export
    names = [f.name for f in _exported_fields(kind)]
    given = item.get("properties", {})
    props = {name: given[kind.rename.get(name, name)] for name in names if kind.rename.get(name, name) in given}
    item["properties"] = props
    for child in children(kind):
        inner = props[child.key]["items"]
        props[child.key] = {"type": "array", "items": _exported_item(inner, child)}
    for name, part in kind.parts.items():
        if props[name].get("type") == "array":
            props[name] = {"type": "array", "items": _exported_item(props[name]["items"], KINDS_BY_NAME[part])}
        else:
            props[name] = _exported_item(props[name], KINDS_BY_NAME[part])
    for name in kind.exported_backlinks:
        props[name] = {"type": "array", "items": ID}
    if kind.numbered:
        props[kind.numbered] = {"type": "integer", "minimum": 1}
    if kind.addressed and "url" not in props:
        props["url"] = {"type": "string", "minLength": 1}
    required = [n for n in item.get("required", []) if n in props]
    item["required"] = required + ["url"] * (kind.addressed and "url" not in required)
    for name, prop in props.items():
        # An optional field the entry leaves out is exported as null, so every entry has every key.
        if name not in item["required"] and "type" in prop:
            types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
            prop["type"] = types if "null" in types else [*types, "null"]
        if name not in item["required"] and "enum" in prop and None not in prop["enum"]:
            prop["enum"] = [*prop["enum"], None]
    return item


def export_files(kb: KnowledgeBase, base_url: str = "") -> dict[str, str]:
    """The export's files by name: kb.json and its JSON Schema, kb.schema.json."""
    return {
        "kb.json": json.dumps(export_kb(kb, base_url), indent=2, ensure_ascii=False) + "\n",
        "kb.schema.json": json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n",
    }
