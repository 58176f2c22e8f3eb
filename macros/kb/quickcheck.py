"""A fast yes/no answer to "does this document satisfy its JSON Schema?".

jsonschema stays the reference: it is what reports problems, with their paths. This checker only
answers the common question quickly (a valid KB), and says "not sure" (False) whenever it meets a
keyword it does not implement, so that jsonschema then decides.
"""
from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any

KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "required", "properties",
         "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern",
         "enum", "uniqueItems", "minimum", "format"}
FORMATS = {"date"}  # any other format is left to jsonschema (unsure)
TYPES = {"string": str, "array": list, "object": dict, "null": type(None), "boolean": bool}


@cache
def _pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _type_ok(value: Any, expected: str | list) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    for name in names:
        if name == "integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return True
        elif name in TYPES and isinstance(value, TYPES[name]):
            return True
    return False


def satisfies(value: Any, schema: dict) -> bool:
    """True only if value certainly satisfies schema; False if it does not, or if unsure."""
    if not KNOWN.issuperset(schema) or schema.get("format", "date") not in FORMATS:
        return False
    if "type" in schema and not _type_ok(value, schema["type"]):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            return False
        if "pattern" in schema and not _pattern(schema["pattern"]).fullmatch(value):
            return False
        if "format" in schema and not _is_date(value):
            return False
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            return False
        if schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            return False
        items = schema.get("items")
        if isinstance(items, dict) and not all(satisfies(v, items) for v in value):
            return False
    elif isinstance(value, dict):
        properties = schema.get("properties", {})
        if any(key not in value for key in schema.get("required", ())):
            return False
        if schema.get("additionalProperties") is False and any(key not in properties for key in value):
            return False
        for key, item in value.items():
            if key in properties and not satisfies(item, properties[key]):
                return False
    return True
