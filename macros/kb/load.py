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
    """One parsed KB file: its data and the line of every value in it."""

    path: Path
    label: str  # the path as shown in messages, e.g. kb/faq.yaml
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of the value at path, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def key_line(self, path: Path_) -> int:
        """The line of the key that holds the value at path (falls back to the value)."""
        return self.key_lines.get(tuple(path)) or self.line(path)


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
    doc = Document(path, label, None)
    problems: list[Problem] = []
    doc.data = _convert(node, (), doc, problems)
    return doc, problems


def _convert(node: yaml.Node, path: Path_, doc: Document, problems: list[Problem]) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # Keys are always text: YAML 1.1 would read a key such as `on` as true.
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else _scalar(key_node)
            if key in result:
                problems.append(Problem(doc.label, key_node.start_mark.line + 1,
                                        f"key '{key}' appears twice in the same entry"))
                continue
            doc.key_lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, problems) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    # Dates stay as the text the author wrote: the schema checks their form.
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
