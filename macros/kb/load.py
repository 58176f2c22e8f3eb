"""Read KB files into plain data while remembering the line of every value.

YAML is parsed with PyYAML's composer so that each node keeps its start mark; the
result is ordinary Python data plus a map from each value's path to its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

Path_ = tuple  # a path into the data: keys and list indexes

# libyaml's parser, when PyYAML was built with it, is about ten times faster and keeps marks too.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One parsed KB file: its data, and its YAML node tree for finding the line of any value."""

    path: Path
    label: str  # the path as shown in messages, e.g. kb/faq.yaml
    data: Any
    root: yaml.Node | None = None
    _strings: list[tuple[tuple, str]] | None = field(default=None, repr=False)

    def _walk(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node on path, and the key node that holds it (lines are found only when needed)."""
        node, key_node = self.root, None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
                if match is None:
                    break
                key_node, node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                break
        return node, key_node

    def line(self, path: Path_) -> int:
        """The line of the value at path, or of its nearest ancestor that has one."""
        node, _key = self._walk(tuple(path))
        return node.start_mark.line + 1 if node is not None else 1

    def key_line(self, path: Path_) -> int:
        """The line of the key that holds the value at path (falls back to the value)."""
        node, key = self._walk(tuple(path))
        target = key or node
        return target.start_mark.line + 1 if target is not None else 1

    def strings(self) -> list[tuple[tuple, str]]:
        """Every text value with its path, computed once."""
        if self._strings is None:
            self._strings = list(_strings(self.data, ()))
        return self._strings


def _strings(data: Any, path: Path_):
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


def parse_file(path: Path, label: str) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file; return its document or the problems that stop it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(label, 1, f"cannot be read: {exc}")]
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(label, line, f"is not valid YAML: {reason}")]
    if node is None:
        return None, [Problem(label, 1, "is empty: it must hold at least one entry")]
    problems: list[Problem] = []
    doc = Document(path, label, _convert(node, label, problems), node)
    return doc, problems


def _convert(node: yaml.Node, label: str, problems: list[Problem]) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # Keys are always text: YAML 1.1 would read a key such as `on` as true.
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else _scalar(key_node)
            if key in result:
                problems.append(Problem(label, key_node.start_mark.line + 1, f"key '{key}' appears twice in the same entry"))
                continue
            result[key] = _convert(value_node, label, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, label, problems) for item in node.value]
    return _scalar(node)


_STR = "tag:yaml.org,2002:str"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node) -> Any:
    # Dates stay as the text the author wrote: the schema checks their form.
    if node.tag in (_STR, "tag:yaml.org,2002:timestamp"):
        return node.value
    value = _CONSTRUCTOR.construct_object(node, deep=True)
    _CONSTRUCTOR.constructed_objects.clear()
    return value
