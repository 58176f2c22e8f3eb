"""Read KB files into plain data while remembering the line of every value.

YAML is parsed with PyYAML's composer so that each node keeps its start mark; the
result is ordinary Python data plus a map from each value's path to its line.

KB files are untrusted input, so reading is bounded: only regular files inside the KB folder,
at most MAX_BYTES each; no aliases (a few hundred bytes of them can expand to gigabytes), no tags
beyond YAML's plain types, and keys that are plain text.
"""
from __future__ import annotations

import os
import stat
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
    _keys: dict[int, dict] = field(default_factory=dict, repr=False)  # each mapping node's keys, indexed once

    def _walk(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node on path, and the key node that holds it (lines are found only when needed).

        A mapping's keys are indexed the first time it is walked through, so that a file with tens of
        thousands of keys costs one pass, not one pass per key."""
        node, key_node = self.root, None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                keys = self._keys.get(id(node))
                if keys is None:
                    keys = self._keys[id(node)] = {}
                    for k, v in node.value:
                        keys.setdefault(getattr(k, "value", None), (k, v))
                match = keys.get(part) if isinstance(part, str) else None
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

    def text_line(self, path: Path_, value: str, offset: int) -> int:
        """The line of the character at offset in the text value at path (exact for `|` blocks)."""
        node, _key = self._walk(tuple(path))
        if node is None:
            return 1
        line = node.start_mark.line + 1
        if getattr(node, "style", None) == "|":
            return line + 1 + value.count("\n", 0, offset)
        return line

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


MAX_BYTES = 1_000_000
# The tags YAML gives plain values; any other tag (`!foo`, `!!binary`, `!!python/...`) is refused.
_PLAIN_TAGS = {"tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def read_text(path: Path, label: str, root: Path) -> tuple[str | None, list[Problem]]:
    """The text of a KB file, or why it cannot be read: it must be a regular UTF-8 file inside root."""
    try:
        resolved = path.resolve()
        info = os.stat(resolved)
    except (OSError, RuntimeError) as exc:
        return None, [Problem(label, 1, f"cannot be read: {getattr(exc, 'strerror', None) or exc}")]
    if not resolved.is_relative_to(root.resolve()):
        return None, [Problem(label, 1, "is a link to a file outside the KB folder: KB files must be inside kb/")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(label, 1, "is not a regular file (a folder, device, pipe or socket): KB files must be plain files")]
    if info.st_size > MAX_BYTES:
        return None, [Problem(label, 1, f"is too large ({info.st_size} bytes): a KB file may hold at most {MAX_BYTES} bytes")]
    try:
        data = resolved.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        return None, [Problem(label, 1, f"cannot be read: {exc.strerror or exc}")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        return None, [Problem(label, line, f"is not UTF-8 text: byte 0x{byte:02x} cannot be read; save the file as UTF-8")]


def parse_file(path: Path, label: str, root: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML file; return its document or the problems that stop it."""
    text, problems = read_text(path, label, root or path.parent)
    if text is None:
        return None, problems
    return parse_text(path, label, text)


def parse_text(path: Path, label: str, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse the text of one YAML file (read by read_text); return its document or the problems that stop it."""
    try:
        node = yaml.compose(text, Loader=LOADER)
    except RecursionError:  # PyYAML's own composer (without libyaml) recurses once per level
        return None, [Problem(label, 1, "is nested too deeply to be a KB file")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        position = getattr(exc, "position", None)
        character = getattr(exc, "character", None)
        if isinstance(character, str):
            character = ord(character) if len(character) == 1 else None
        if isinstance(exc, yaml.reader.ReaderError) and isinstance(character, int) and chr(character) in text:
            # libyaml counts the position in bytes, PyYAML in characters: find the character itself.
            line = text.count("\n", 0, text.index(chr(character))) + 1
        elif mark:
            line = mark.line + 1
        elif isinstance(position, int):
            line = text.encode("utf-8")[:position].count(b"\n") + 1
        else:
            line = 1
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.reader.ReaderError):
            reason = f"character U+{character if isinstance(character, int) else 0:04X} is not allowed"
        return None, [Problem(label, line, f"is not valid YAML: {reason}")]
    if node is None:
        return None, [Problem(label, 1, "is empty: it must hold at least one entry")]
    problems = []
    try:
        data = _convert(node, label, problems, set())
    except RecursionError:
        return None, [Problem(label, 1, "is nested too deeply to be a KB file")]
    if problems:
        return None, problems
    return Document(path, label, data, node), []


def _convert(node: yaml.Node, label: str, problems: list[Problem], seen: set[int]) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:
        problems.append(Problem(label, line, "uses a YAML alias (*name): aliases and anchors are not allowed in KB files; "
                                             "write the value out"))
        return None
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        problems.append(Problem(label, line, f"uses the YAML tag '{node.tag}': tags are not allowed in KB files"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                problems.append(Problem(label, key_node.start_mark.line + 1,
                                        "has a key that is not plain text: keys must be simple words such as 'title'"))
                continue
            # Keys are always text: YAML 1.1 would read a key such as `on` as true.
            key = key_node.value
            if key in result:
                problems.append(Problem(label, key_node.start_mark.line + 1, f"key '{key}' appears twice in the same entry"))
                continue
            result[key] = _convert(value_node, label, problems, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, label, problems, seen) for item in node.value]
    return _scalar(node, label, problems)


_STR = "tag:yaml.org,2002:str"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node, label: str, problems: list[Problem]) -> Any:
    # Dates stay as the text the author wrote: the schema checks their form.
    if node.tag in (_STR, "tag:yaml.org,2002:timestamp"):
        return node.value
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError):
        kind = node.tag.rsplit(":", 1)[-1]
        problems.append(Problem(label, node.start_mark.line + 1, f"{node.value[:40]!r} is not a valid {kind} value"))
        return None
    finally:
        _CONSTRUCTOR.constructed_objects.clear()
