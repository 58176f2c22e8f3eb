"""Check parsed KB documents: each against its JSON Schema, then across files.

Every check yields `Problem`s; nothing stops at the first one, so an author sees all of
them at once.
"""
from __future__ import annotations

import difflib
import json
import math
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .kinds import ANY, KINDS, KINDS_BY_NAME, META_SCHEMA, Kind, children
from .load import Document, read_text
from .markup import BLOCK_FIELDS, CITATION, link_problem, text_problems
from .model import ANAESTHETIC_RESPONSES, ANSWERS, CASE_QUESTIONS, CASE_STAGES, JOINTS, STEROID_RESPONSES
from .pages import CHANGELOG_PAGE, TEMPLATE_ID_PREFIXES, TEMPLATE_PAGE_IDS, version_id
from .problems import KbError, Problem
from .search import words as search_words
from .urls import page_url

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "kb" / "schema"  # the project's; a KB copy brings its own

ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


def schema_validator(kind: str, schema_dir: Path = SCHEMA_DIR) -> jsonschema.protocols.Validator:
    """The validator for one entry kind, built from <schema_dir>/<kind>.schema.json.

    Raises KbError at the schema file's line if it is missing, not JSON, or not a JSON Schema."""
    path = schema_dir / f"{kind}.schema.json"
    label = _schema_label(path)
    if not path.exists() and not path.is_symlink():
        raise KbError([Problem(label, 1, "is missing: every kind of entry needs its JSON Schema")])
    text, problems = read_text(path, label, path.parent)
    if text is None:
        raise KbError(problems)
    return _validator(label, text)


def _schema_label(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}/{path.name}"


@cache
def _validator(label: str, text: str) -> jsonschema.protocols.Validator:
    """The validator compiled from a schema's text, once per text (a KB copy's unchanged schema reuses it)."""
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KbError([Problem(label, exc.lineno, f"is not valid JSON: {exc.msg}")]) from None
    except RecursionError:
        raise KbError([Problem(label, 1, "is nested too deeply to be a JSON Schema")]) from None
    try:
        problems = list(_ref_problems(schema, text, label))
        if problems:
            raise KbError(problems)
        base = jsonschema.validators.validator_for(schema)
        base.check_schema(schema)
        cls = jsonschema.validators.extend(base, {"pattern": _whole_value_pattern})
        return cls(inline_refs(schema, schema.get("$defs", {})), format_checker=base.FORMAT_CHECKER)
    except (jsonschema.exceptions.SchemaError, KeyError, TypeError, AttributeError, re.error) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        raise KbError([Problem(label, 1, f"is not a valid JSON Schema: {reason}")]) from None
    except RecursionError:
        raise KbError([Problem(label, 1, "is nested too deeply to be a JSON Schema")]) from None


# Keywords a KB schema may not use: they reach outside the file or match keys by pattern (unbounded time).
_REFUSED_KEYWORDS = {"$dynamicRef": "a '$dynamicRef'", "$recursiveRef": "a '$recursiveRef'",
                     "patternProperties": "'patternProperties' (list each key under 'properties')"}


def _ref_problems(schema: Any, text: str, label: str) -> Iterator[Problem]:
    """A KB schema's references stay inside it: each `$ref` names one of its own `$defs`, and none leads back to
    itself (checking a value would never end). Nothing is fetched from elsewhere."""
    defs = schema.get("$defs", {}) if isinstance(schema, dict) else {}
    defs = defs if isinstance(defs, dict) else {}

    def line(needle: str) -> int:
        at = text.find(needle)
        return text.count("\n", 0, at) + 1 if at >= 0 else 1

    def walk(node: Any) -> Iterator[Problem]:
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for keyword, what in _REFUSED_KEYWORDS.items():
                    if keyword in item:
                        yield Problem(label, line(json.dumps(keyword)), f"uses {what}, which a KB schema may not use")
                ref = item.get("$ref")
                if ref is not None:
                    name = ref.removeprefix("#/$defs/") if isinstance(ref, str) else None
                    if not isinstance(ref, str) or not ref.startswith("#/$defs/") or name not in defs:
                        yield Problem(label, line(json.dumps(ref) if isinstance(ref, str) else '"$ref"'),
                                      f"'$ref' {ref!r} does not name one of this file's $defs: a KB schema refers only "
                                      "to its own definitions ('#/$defs/<name>'), never to another file or address")
                    elif _ref_cycle(name, defs):
                        yield Problem(label, line(json.dumps(ref)), f"'$ref' {ref!r} leads back to itself: a definition "
                                                                    "may not refer to itself, directly or through others")
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    seen: set[Problem] = set()
    for problem in walk(schema):
        if problem not in seen:
            seen.add(problem)
            yield problem


def _ref_cycle(start: str, defs: dict) -> bool:
    """Whether following `$ref`s from the definition `start` can come back to it."""
    def refs(node: Any) -> Iterator[str]:
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                ref = item.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/$defs/"):
                    yield ref.removeprefix("#/$defs/")
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    todo, visited = list(refs(defs.get(start))), set()
    while todo:
        name = todo.pop()
        if name == start:
            return True
        if name not in visited and name in defs:
            visited.add(name)
            todo.extend(refs(defs[name]))
    return False


PATTERN_SECONDS = 0.5  # a schema's pattern that takes longer on one value backtracks: the value is refused
SLOW_PATTERN = "the schema's pattern took too long"


_SLOW_PATTERNS: set[str] = set()  # patterns that took too long once: refused at once on every other value


class _PatternTimeout(Exception):
    pass


def _on_alarm(_signum, _frame):
    raise _PatternTimeout


def bounded_fullmatch(pattern: str, text: str) -> bool | None:
    """Whether pattern matches the whole text, or None if it took more than PATTERN_SECONDS.

    Python's regular expressions backtrack, and a KB copy brings its own schema, so a pattern such as (a+)+$
    could hang the build; the main thread (every build and test) stops it with a timer signal."""
    if pattern in _SLOW_PATTERNS:
        return None
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return re.fullmatch(pattern, text) is not None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, PATTERN_SECONDS)
    try:
        return re.fullmatch(pattern, text) is not None
    except _PatternTimeout:
        _SLOW_PATTERNS.add(pattern)
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _whole_value_pattern(validator, pattern: str, instance: Any, schema: dict) -> Iterator[jsonschema.ValidationError]:
    """`pattern`, matched against the whole value: a trailing line break never slips past `$`."""
    if not validator.is_type(instance, "string"):
        return
    matched = bounded_fullmatch(pattern, instance)
    if matched is None:
        yield jsonschema.ValidationError(f"{SLOW_PATTERN} ({pattern!r})")
    elif not matched:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def inline_refs(node: Any, defs: dict) -> Any:
    """Replace local `#/$defs/...` references by their definitions: same meaning, much faster to check."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and set(node) <= {"$ref", "description", "title"}:
            return inline_refs(defs[ref.removeprefix("#/$defs/")], defs)  # annotations change no meaning
        return {key: inline_refs(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_refs(item, defs) for item in node]
    return node


def check_schema(doc: Document, kind: str, schema_dir: Path = SCHEMA_DIR) -> Iterator[Problem]:
    """Yield one problem per schema violation, phrased for an author."""
    try:
        validator = schema_validator(kind, schema_dir)
    except KbError as exc:
        yield from exc.problems
        return
    slow: set[str] = set()
    for error in validator.iter_errors(doc.data):
        if error.validator == "pattern" and error.message.startswith(SLOW_PATTERN):
            if error.validator_value in slow:
                continue  # one report per pattern and file: its other values cannot be checked in time either
            slow.add(error.validator_value)
        yield from _explain(doc, error)


def _where(doc: Document, path: tuple) -> str:
    """Name the entry that holds path, e.g. "facet 'referred-pain': "."""
    names = []
    for depth in range(len(path), -1, -1):
        node = _get(doc.data, path[:depth])
        if isinstance(node, dict) and isinstance(node.get("id"), str) and depth:
            parent_key = next((p for p in reversed(path[:depth]) if isinstance(p, str)), "")
            kind = {"facets": "facet", "checks": "check"}.get(parent_key, "entry")
            names.append(f"{kind} '{node['id']}'")
            break
    return (names[0] + ": ") if names else ""


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _field(path: tuple) -> str:
    key = next((p for p in reversed(path) if isinstance(p, str)), None)
    return f"'{key}'" if key else "the file"


MAX_UNKNOWN_KEYS = 10  # one entry's unknown keys reported one by one; past that, counted

TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping of keys to values",
              "integer": "a whole number", "null": "empty"}


def _explain(doc: Document, error: jsonschema.ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    where = _where(doc, path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        replaced = error.schema.get("x-replaced", {})
        unknown = sorted(set(error.instance) - set(allowed), key=str)
        for key in unknown[:MAX_UNKNOWN_KEYS]:
            if key in replaced:
                yield Problem(doc.label, doc.key_line(path + (key,)), f"{where}'{key}' is no longer used: {replaced[key]}")
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})"
            yield Problem(doc.label, doc.key_line(path + (key,)), f"{where}unknown key '{key}'{suggestion}")
        if len(unknown) > MAX_UNKNOWN_KEYS:
            yield Problem(doc.label, doc.line(path), f"{where}{len(unknown) - MAX_UNKNOWN_KEYS} more unknown keys "
                                                     f"besides the {MAX_UNKNOWN_KEYS} reported")
        return
    line = doc.line(path)
    if kind == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        yield Problem(doc.label, line, f"{where}missing required field '{name}'")
    elif kind == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(TYPE_NAMES.get(t, t) for t in expected)
        yield Problem(doc.label, line, f"{where}{_field(path)} must be {wanted}, not {_describe(error.instance)}")
    elif kind == "pattern" and error.message.startswith(SLOW_PATTERN):
        yield Problem(doc.label, line, f"{where}{_field(path)}: {SLOW_PATTERN} (over {PATTERN_SECONDS} s) to check "
                                       f"{str(error.instance)[:40]!r}: the pattern {error.validator_value!r} backtracks; "
                                       "simplify it in the schema")
    elif kind == "pattern" and error.validator_value == ID_PATTERN:
        yield Problem(doc.label, line,
                      f"{where}id {error.instance!r} must be kebab-case: lower-case letters, digits and single hyphens")
    elif kind == "pattern":
        yield Problem(doc.label, line,
                      f"{where}{_field(path)} {error.instance!r} does not have the required form ({error.validator_value})")
    elif kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        yield Problem(doc.label, line, f"{where}{_field(path)} must be one of: {choices} (got {error.instance!r})")
    elif kind == "minItems":
        yield Problem(doc.label, line, f"{where}{_field(path)} must have at least {error.validator_value} item(s)")
    elif kind == "maxItems":
        yield Problem(doc.label, line, f"{where}{_field(path)} must have at most {error.validator_value} item(s)")
    elif kind == "maxLength":
        yield Problem(doc.label, line,
                      f"{where}{_field(path)} is too long: {len(error.instance)} characters, at most {error.validator_value}")
    elif kind == "minLength":
        yield Problem(doc.label, line, f"{where}{_field(path)} must not be empty")
    elif kind == "uniqueItems":
        yield Problem(doc.label, line, f"{where}{_field(path)} lists the same item twice")
    else:
        yield Problem(doc.label, line, f"{where}{_field(path)}: {error.message}")


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


# Fields that are addresses or identifiers, not text: their form is checked here, whatever a KB copy's schema says,
# since templates put them in link targets, element ids and file names.
FORMS = {
    "id": (re.compile(ID_PATTERN), "id {value!r} must be kebab-case: lower-case letters, digits and single hyphens"),
    "url": (re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][^\s\"'<>\\{}`]*)?"),
            "'url' {value!r} must be one whole http(s) address, such as https://example.org/page"),
    "doi": (re.compile(r"10\.[0-9]{4,9}/[!-~]+"), "'doi' {value!r} must be a DOI such as 10.1136/bmj.m1234"),
    "pmid": (re.compile(r"[0-9]{1,9}"), "'pmid' {value!r} must be a PubMed number such as 12345678"),
    "from": (re.compile(r"[a-z0-9-]+/([a-z0-9-]+/)?(#[a-z0-9]+(-[a-z0-9]+)*)?"),
             "'from' {value!r} must be an old page address such as causes/old-cause/ or causes/x/#old-facet"),
    "version": (re.compile(r"[0-9]+\.[0-9]+\.[0-9]+"), "'version' {value!r} must be three numbers such as 1.4.0"),
}


def check_text(doc: Document) -> Iterator[Problem]:
    """KB text is data: reject template and attribute syntax, raw HTML, control characters and
    anything that renders outside the HTML allowlist (see markup.py); addresses and ids must have their form."""
    for path, value in doc.strings():
        field = next((p for p in reversed(path) if isinstance(p, str)), "")
        for offset, message in text_problems(value, field):
            yield Problem(doc.label, doc.text_line(path, value, offset), f"{_where(doc, path)}{_field(path)} {message}")
        form = FORMS.get(path[-1]) if path and isinstance(path[-1], str) else None
        if form and (not form[0].fullmatch(value) or (field == "url" and link_problem(value))):
            yield Problem(doc.label, doc.line(path), _where(doc, path) + form[1].format(value=value))


# --- cross-references -------------------------------------------------------------

class Index:
    """Every id in the KB, with its kind and where it is defined."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.places: dict[str, tuple[Document, tuple]] = {}

    def add(self, doc: Document, path: tuple, kind: Kind) -> Iterator[Problem]:
        entry_id = _get(doc.data, path + ("id",))
        if not isinstance(entry_id, str):
            return
        if entry_id in self.kinds:
            first_doc, first_path = self.places[entry_id]
            first = f"{first_doc.label}:{first_doc.line(first_path + ('id',))}"
            yield Problem(doc.label, doc.line(path + ("id",)), f"duplicate id '{entry_id}': already used by a "
                                                               f"{KINDS_BY_NAME[self.kinds[entry_id]].noun} at {first}")
            return
        self.kinds[entry_id] = kind.name
        self.places[entry_id] = (doc, path)


# The changelog in meta.yaml names the entries each change touched: any kind.
META_LINKS = {"entries": "changelog: entry '{ref}' does not exist (name the ids of the entries the change touched)"}


def entries(doc: Document, kind_name: str) -> Iterator[tuple[tuple, dict, Kind | None]]:
    """Yield (path, entry, kind) for each entry of a document, nested entries (facets, checks) included.

    For meta.yaml, the changelog's changes are yielded, with no kind."""
    if kind_name == META_SCHEMA:
        if isinstance(doc.data, dict):
            for i, release in enumerate(_list(doc.data.get("changelog"))):
                for j, change in enumerate(_list(release.get("changes") if isinstance(release, dict) else None)):
                    if isinstance(change, dict):
                        yield ("changelog", i, "changes", j), change, None
        return
    kind = KINDS_BY_NAME[kind_name]
    if kind.file.endswith("/"):
        roots = [((), doc.data)] if isinstance(doc.data, dict) else []
    else:
        roots = [((i,), e) for i, e in enumerate(_list(doc.data)) if isinstance(e, dict)]
    for path, entry in roots:
        yield from _nested(path, entry, kind)


def _nested(path: tuple, entry: dict, kind: Kind) -> Iterator[tuple[tuple, dict, Kind]]:
    yield path, entry, kind
    for child in children(kind):
        for i, item in enumerate(_list(entry.get(child.key))):
            if isinstance(item, dict):
                yield from _nested(path + (child.key, i), item, child)
    for name, part in kind.parts.items():
        value = entry.get(name)
        items = [(path + (name, i), v) for i, v in enumerate(value)] if isinstance(value, list) else [(path + (name,), value)]
        for at, item in items:
            if isinstance(item, dict):
                yield from _nested(at, item, KINDS_BY_NAME[part])


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def index_ids(docs: Iterable[tuple[Document, str]]) -> tuple[Index, list[Problem]]:
    """Collect every id, reporting duplicates across the whole KB."""
    index, problems = Index(), []
    for doc, kind_name in docs:
        for path, _entry, kind in entries(doc, kind_name):
            if kind is not None:
                problems.extend(index.add(doc, path, kind))
    return index, problems


def _yaml_links(kind: Kind) -> dict[str, str]:
    """A kind's link fields by their YAML key, with the kind each must name."""
    return {kind.rename.get(name, name): target for name, target in kind.links.items()}


def check_links(docs: list[tuple[Document, str]], index: Index) -> Iterator[Problem]:
    """Every id a link field names must exist and be of the right kind."""
    for doc, kind_name in docs:
        for path, entry, kind in entries(doc, kind_name):
            fields = _yaml_links(kind) if kind else {}
            for name, target in fields.items():
                value = entry.get(name)
                for i, ref in (enumerate(value) if isinstance(value, list) else [(None, value)]):
                    if not isinstance(ref, str):
                        continue
                    found = index.kinds.get(ref)
                    at = path + (name,) + ((i,) if i is not None else ())
                    where, line = _where(doc, at), doc.line(at)
                    if target == ANY:
                        if found is None:
                            yield Problem(doc.label, line, f"{kind.noun} to '{ref}': no entry has that id")
                        continue
                    noun = KINDS_BY_NAME[target].noun
                    if found == target and ref != entry.get("id"):
                        continue
                    if found is None:
                        hint = difflib.get_close_matches(ref, [k for k, v in index.kinds.items() if v == target], n=1)
                        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                        yield Problem(doc.label, line, f"{where}{noun} '{ref}' does not exist{suggestion}")
                    elif found != target:
                        yield Problem(doc.label, line,
                                      f"{where}'{name}' must name a {noun}, but '{ref}' is a {KINDS_BY_NAME[found].noun}")
                    else:
                        yield Problem(doc.label, line, f"{where}a {kind.noun} cannot name itself in '{name}'")
            if kind is None:
                for name, message in META_LINKS.items():
                    for i, ref in enumerate(_list(entry.get(name))):
                        if isinstance(ref, str) and ref not in index.kinds:
                            yield Problem(doc.label, doc.line(path + (name, i)), message.format(ref=ref))


FIGURE = re.compile(r"\d")
DOSE = re.compile(r"(?i)\d\s*(?:mg|milligrams?|ml|millilitres?)\b")
NO_SOURCE = "No verified source"


def check_rules(docs: list[tuple[Document, str]]) -> Iterator[Problem]:
    """House rules a schema cannot say: checks are questions; supported claims cite evidence; every figure
    in the site table is cited, or its cell says there is no verified source; the site table gives no doses."""
    jointless = {entry.get("id") for doc, kind_name in docs if kind_name == "region"
                 for _, entry, _ in entries(doc, kind_name) if "joint" not in entry}
    for doc, kind_name in docs:
        if kind_name == "timeline":
            yield from _check_timeline(doc)
        for path, entry, kind in entries(doc, kind_name):
            if kind is not None and kind.name == "check":
                yield from _check_item_rules(doc, path, entry, jointless)
            if kind is not None and kind.name == "red-flag":
                yield from _check_not_at(doc, path, entry)
            if kind is not None and kind.name == "case":
                yield from _check_case(doc, path, entry)
            if kind is not None and kind.name == "site" and entry.get("region") in jointless:
                yield Problem(doc.label, doc.line(path + ("region",)),
                              f"{_where(doc, path + ('id',))}region '{entry['region']}' is not a joint the checklist "
                              "offers: a site's red flags are those asked at its joint, so give a region that has one")
            if kind is not None and kind.name == "aftercare-point":
                yield from _check_aftercare_point(doc, path, entry)
            if kind is not None and kind.name == "aftercare" and isinstance(doc.data, list):
                yield from _check_aftercare_order(doc, path, entry)
            if kind is not None and kind.name == "cell" and isinstance(entry.get("text"), str):
                text, cited = entry["text"], bool(_list(entry.get("references")))
                line = doc.line(path + ("text",))
                if FIGURE.search(text) and not cited:
                    yield Problem(doc.label, line, "site table: a figure must cite a verified source; "
                                                   f"without one, write '{NO_SOURCE} ...' instead of the figure")
                elif not cited and not text.startswith(NO_SOURCE):
                    yield Problem(doc.label, line, f"site table: a cell without a source must begin '{NO_SOURCE}'")
                if DOSE.search(text):
                    yield Problem(doc.label, line, "site table: no doses here; point to the product information")
            ask = entry.get("ask")
            if isinstance(ask, str) and not ask.rstrip().endswith("?"):
                yield Problem(doc.label, doc.line(path + ("ask",)),
                              f"{_where(doc, path + ('id',))}'ask' must be a question ending in '?'")
            if entry.get("evidence") in ("supported", "mixed") and not _list(entry.get("references")):
                yield Problem(doc.label, doc.line(path + ("evidence",)),
                              f"{_where(doc, path + ('id',))}evidence '{entry['evidence']}' must cite at least one reference")


SERVICE_NUMBERS = re.compile(r"\b(?:999|111)\b")  # the UK's emergency and urgent-care numbers: not figures to cite


def _check_aftercare_point(doc: Document, path: tuple, entry: dict) -> Iterator[Problem]:
    """A point of the patient's sheet cites a verified source or says it is expert opinion, cites any figure,
    gives no dose, and names in `drugs` only medicines its text names."""
    text, where = entry.get("text"), _where(doc, path)
    if not isinstance(text, str):
        return
    line, cited = doc.line(path + ("text",)), bool(_list(entry.get("references")))
    if not cited and entry.get("expert_opinion") is not True and "blank" not in entry:
        yield Problem(doc.label, line, f"{where}aftercare: a point must cite a verified source ('references') or be "
                                       "marked 'expert_opinion: true'")
    if FIGURE.search(SERVICE_NUMBERS.sub("", text)) and not cited:
        yield Problem(doc.label, line, f"{where}aftercare: a figure must cite a verified source; without one, "
                                       "leave the figure out")
    if DOSE.search(text):
        yield Problem(doc.label, line, f"{where}aftercare: no doses on the patient's sheet")
    for i, drug in enumerate(_list(entry.get("drugs"))):
        if isinstance(drug, str) and _words(drug) not in _words(text):
            yield Problem(doc.label, doc.line(path + ("drugs", i)),
                          f"{where}aftercare: drug '{drug}' is not in the point's text: list only the medicine names "
                          "it names (the readability measure leaves them out)")


def _check_aftercare_order(doc: Document, path: tuple, entry: dict) -> Iterator[Problem]:
    """The safety-netting sections come first: they print first, in the box."""
    if entry.get("safety") is True and any(isinstance(e, dict) and e.get("safety") is not True
                                           for e in doc.data[:path[0]]):
        yield Problem(doc.label, doc.key_line(path + ("safety",)),
                      f"{_where(doc, path + ('id',))}aftercare: a safety-netting section must come before every other "
                      "section (it prints first, in the box): move it up")


SUMMARY_LINE = 100  # characters: a checklist summary line must fit a clinical note's width
PLAIN_TEXT = re.compile(r"[*_`\[\]<>#|]")
AND_OR = re.compile(r"\band/or\b", re.IGNORECASE)


def _check_item_rules(doc: Document, path: tuple, entry: dict, jointless: set) -> Iterator[Problem]:
    """A checklist item asks one question about one finding, and its summary line fits a note."""
    where = _where(doc, path + ("id",))
    ask = entry.get("ask")
    if isinstance(ask, str):
        line = doc.line(path + ("ask",))
        if ask.count("?") > 1:
            yield Problem(doc.label, line, f"{where}'ask' must be one question (one '?'), found {ask.count('?')}: "
                                           "split it into two checks")
        if AND_OR.search(ask):
            yield Problem(doc.label, line, f"{where}'ask' must not join two findings with 'and/or': split it")
    label, step = entry.get("label"), entry.get("key_step")
    for name, value in (("label", label), ("key_step", step)):
        if isinstance(value, str) and (PLAIN_TEXT.search(value) or value.rstrip().endswith(".")):
            yield Problem(doc.label, doc.line(path + (name,)),
                          f"{where}'{name}' is plain text for the summary: no markup characters, no final full stop")
    if isinstance(label, str) and isinstance(step, str):
        found = ANSWERS.get(entry.get("answer"), ANSWERS["judgement"])["found"]  # the schema reports an unknown scheme
        summary = f"{found}: {label}. Next: {step}"
        if len(summary) > SUMMARY_LINE:
            yield Problem(doc.label, doc.line(path + ("key_step",)),
                          f"{where}the summary line '{found}: <label>. Next: <key_step>' is {len(summary)} characters; "
                          f"shorten the label or the key step to fit {SUMMARY_LINE}")
    for i, region in enumerate(_list(entry.get("regions"))):
        if region in jointless:
            yield Problem(doc.label, doc.line(path + ("regions", i)),
                          f"{where}region '{region}' is not a joint the checklist offers: "
                          "leave 'regions' out for an item that applies at every site")


def _check_not_at(doc: Document, path: tuple, entry: dict) -> Iterator[Problem]:
    """A red flag is left out at a site once, and is asked at one site at least (no sites left would read as all)."""
    where, seen = _where(doc, path + ("id",)), set()
    for i, exclusion in enumerate(_list(entry.get("not_at"))):
        if not isinstance(exclusion, dict) or exclusion.get("site") not in JOINTS:
            continue  # the schema reports it
        if exclusion["site"] in seen:
            yield Problem(doc.label, doc.line(path + ("not_at", i)),
                          f"{where}not_at names the site '{exclusion['site']}' twice: give one reason")
        seen.add(exclusion["site"])
    if seen == set(JOINTS):
        yield Problem(doc.label, doc.key_line(path + ("not_at",)),
                      f"{where}not_at leaves out every site: a red flag must be asked at one site at least")


def _check_timeline(doc: Document) -> Iterator[Problem]:
    """The response timeline fills its table once: each anaesthetic response against each steroid response has
    exactly one cell (a cell for 'either' anaesthetic response fills both rows of its column)."""
    seen: dict[tuple[str, str], str] = {}
    for i, cell in enumerate(_list(doc.data)):
        if not isinstance(cell, dict):
            continue
        row, column = cell.get("anaesthetic"), cell.get("steroid")
        if column not in STEROID_RESPONSES or row not in (*ANAESTHETIC_RESPONSES, "either"):
            continue  # the schema reports it
        for each in (ANAESTHETIC_RESPONSES if row == "either" else (row,)):
            if (each, column) in seen:
                yield Problem(doc.label, doc.line((i, "steroid")),
                              f"{_where(doc, (i, 'id'))}the timeline already has a cell for anaesthetic '{each}' and "
                              f"steroid '{column}' ('{seen[each, column]}'): one cell each")
            else:
                seen[each, column] = str(cell.get("id"))
    missing = [f"{row}/{column}" for column in STEROID_RESPONSES for row in ANAESTHETIC_RESPONSES
               if (row, column) not in seen]
    if seen and missing:
        yield Problem(doc.label, 1, f"the timeline has no cell for {', '.join(missing)} (anaesthetic/steroid): "
                                    "fill every cell of the table")


def check_own_pages(docs: list[tuple[Document, str]], pages: dict[str, set[str]]) -> Iterator[Problem]:
    """An entry with a page of its own (a worked case) takes no hand-written page's address."""
    for doc, kind_name in docs:
        kind = KINDS_BY_NAME.get(kind_name)
        if kind is None or not kind.page or "{id}" not in kind.page or kind.file.endswith("/"):
            continue  # a cause's file is checked with its name (check_causes)
        for path, entry, entry_kind in entries(doc, kind_name):
            page = kind.page.format(id=entry.get("id")) if entry_kind is kind else None
            if isinstance(entry.get("id"), str) and page in pages:
                yield Problem(doc.label, doc.line(path + ("id",)),
                              f"{kind.noun} id '{entry['id']}' would replace the page docs/{page}: choose another id")


CASE_STAGE_ORDER = tuple(CASE_STAGES)


def _check_case(doc: Document, path: tuple, entry: dict) -> Iterator[Problem]:
    """A worked case reveals its four stages once each, in order; each self-test question has exactly one right
    choice; a choice acts only on a red flag the story holds, and when the story holds one, acting on it is the
    only right "what first"; no doses anywhere in it."""
    where = _where(doc, path + ("id",))
    stages = [step.get("stage") for step in _list(entry.get("steps")) if isinstance(step, dict)]
    if all(isinstance(s, str) for s in stages) and len(stages) == len(CASE_STAGE_ORDER) \
            and tuple(stages) != CASE_STAGE_ORDER and set(stages) <= set(CASE_STAGE_ORDER):
        yield Problem(doc.label, doc.key_line(path + ("steps",)),
                      f"{where}'steps' must reveal {', '.join(CASE_STAGE_ORDER)} once each, in that order "
                      f"(got {', '.join(stages)})")
    review = entry.get("reviewed")
    if isinstance(review, dict) and isinstance(review.get("on"), str) and isinstance(review.get("next"), str) \
            and review["next"] <= review["on"]:
        yield Problem(doc.label, doc.line(path + ("reviewed", "next")),
                      f"{where}reviewed: the next review ({review['next']}) must fall after the last one ({review['on']})")
    present = [f for f in _list(entry.get("red_flags_present")) if isinstance(f, str)]
    for name in CASE_QUESTIONS:
        question = entry.get(name)
        choices = _list(question.get("choices")) if isinstance(question, dict) else []
        right = [i for i, c in enumerate(choices) if isinstance(c, dict) and c.get("right") is True]
        if choices and len(right) != 1:
            yield Problem(doc.label, doc.key_line(path + (name,)),
                          f"{where}'{name}' must have exactly one right choice ('right: true'), found {len(right)}")
        for i, choice in enumerate(choices):
            flag = choice.get("red_flag") if isinstance(choice, dict) else None
            if isinstance(flag, str) and flag not in present:
                yield Problem(doc.label, doc.line(path + (name, "choices", i, "red_flag")),
                              f"{where}choice {i + 1} of '{name}' acts on the red flag '{flag}', which the story "
                              "does not hold: list it in 'red_flags_present', or remove it from the choice")
        if name == "first" and present and len(right) == 1:
            answer = choices[right[0]]
            if answer.get("red_flag") not in present:
                yield Problem(doc.label, doc.line(path + (name, "choices", right[0])),
                              f"{where}the story holds the red flag{'s' if len(present) > 1 else ''} "
                              f"{', '.join(repr(f) for f in present)}: the right 'first' choice must act on it "
                              "('red_flag: <id>'), since a red flag comes before everything else")
            for i, choice in enumerate(choices):
                if i != right[0] and isinstance(choice, dict) and choice.get("red_flag") in present:
                    yield Problem(doc.label, doc.line(path + (name, "choices", i)),
                                  f"{where}choice {i + 1} of 'first' acts on the red flag '{choice['red_flag']}' but "
                                  "is marked wrong: acting on a red flag the story holds is never a wrong first step")
    for at, text in doc.strings():
        if at[:len(path)] == path and isinstance(text, str) and DOSE.search(text):
            yield Problem(doc.label, doc.text_line(at, text, DOSE.search(text).start()),
                          f"{where}a worked case gives no doses: point to the product information instead")


def check_citations(docs: list[tuple[Document, str]]) -> Iterator[Problem]:
    """A citation token `[@id]` sits in a paragraph field and names one of its own entry's references."""
    for doc, kind_name in docs:
        for path, entry, kind in entries(doc, kind_name):
            if kind is None:
                continue
            own = {child.key for child in children(kind)} | set(kind.parts)
            cited = set(_list(entry.get("references")))
            for name, value in entry.items():
                if name in own:
                    continue
                texts = [((name,), value)] if isinstance(value, str) else [
                    ((name, i), v) for i, v in enumerate(_list(value)) if isinstance(v, str)]
                for at, text in texts:
                    for match in CITATION.finditer(text):
                        ref, line = match.group(1), doc.text_line(path + at, text, match.start())
                        where = _where(doc, path + at)
                        if name not in BLOCK_FIELDS:
                            yield Problem(doc.label, line, f"{where}'{name}' cannot hold a citation ('[@{ref}]'): "
                                                           "cite in the explanation, evidence note or other paragraphs")
                        elif "references" not in kind.links:
                            yield Problem(doc.label, line, f"{where}a {kind.noun} cannot cite sources ('[@{ref}]')")
                        elif ref not in cited:
                            yield Problem(doc.label, line, f"{where}'[@{ref}]' cites a source that is not in this "
                                                           f"{kind.noun}'s references: add '{ref}' there, or fix the id")


def check_thesaurus(docs: list[tuple[Document, str]]) -> Iterator[Problem]:
    """A word belongs to one thesaurus group only, compared as search compares words (case, common words and
    a plural's s ignored), so that adding it is one edit; and a term must hold a word search can find."""
    seen: dict[tuple[str, ...], int] = {}
    regions = {entry.get("id") for doc, kind_name in docs if kind_name == "region"
               for entry in _list(doc.data) if isinstance(entry, dict)}
    for doc, kind_name in docs:
        if kind_name != "synonyms":
            continue
        for i, group in enumerate(_list(doc.data)):
            pairs = group.get("two_regions") if isinstance(group, dict) else None
            for j, pair in enumerate(_list(pairs)):
                for k, region in enumerate(_list(pair)):
                    if isinstance(region, str) and region not in regions:
                        yield Problem(doc.label, doc.line((i, "two_regions", j, k)),
                                      f"thesaurus: two_regions names '{region}', which is not a region in "
                                      "kb/regions.yaml")
            for name in ("terms", "misspellings"):
                for j, word in enumerate(_list(group.get(name) if isinstance(group, dict) else None)):
                    if not isinstance(word, str):
                        continue
                    key, line = search_words(word), doc.line((i, name, j))
                    if not key:
                        yield Problem(doc.label, line, f"thesaurus: '{word}' holds only words search ignores (such as "
                                                       "'the', 'how' or single letters): add a word it can find")
                    elif key in seen:
                        where = "earlier in this group" if seen[key] >= doc.line((i,)) else f"in the group at line {seen[key]}"
                        yield Problem(doc.label, line, f"thesaurus: '{word}' is already {where} (search reads them as the "
                                                       "same words): a word belongs to one group only")
                    else:
                        seen[key] = line


def check_causes(docs: list[tuple[Document, str]], pages: dict[str, set[str]]) -> Iterator[Problem]:
    """A cause file is named by its id, takes no hand-written page's address and no two causes share an order
    (review records are checked for every reviewed kind by review.check_reviews)."""
    orders: dict[int, str] = {}
    for doc, kind in docs:
        if kind != "cause" or not isinstance(doc.data, dict):
            continue
        cause_id, order = doc.data.get("id"), doc.data.get("order")
        if isinstance(cause_id, str) and doc.path.stem != cause_id:
            yield Problem(doc.label, doc.line(("id",)),
                          f"cause id '{cause_id}' must match its file name ('{doc.path.stem}.yaml')")
        if isinstance(cause_id, str) and f"causes/{cause_id}.md" in pages:
            yield Problem(doc.label, doc.line(("id",)),
                          f"cause id '{cause_id}' would replace the page docs/causes/{cause_id}.md: choose another id")
        if isinstance(order, float) and not math.isfinite(order):
            continue  # the schema says it must be a whole number
        if isinstance(order, float):
            yield Problem(doc.label, doc.line(("order",)), f"order {order} must be a whole number such as {int(order)}")
        elif isinstance(order, int) and not isinstance(order, bool):
            if order in orders:
                yield Problem(doc.label, doc.line(("order",)), f"order {order} is already used by cause '{orders[order]}'")
            else:
                orders[order] = str(cause_id)


def ids_by_page(docs: list[tuple[Document, str]], index: Index) -> dict[str, set[str]]:
    """The element ids the templates give entries on pages other than their own, by page address (a cause's id on
    the causes index and the checklist, a release's on the changelog). An entry's id on its own page is its
    published address: a redirect from it is refused by the address registry ("still published")."""
    found: dict[str, set[str]] = {}
    for entry_id, kind_name in index.kinds.items():
        for page, kinds in TEMPLATE_PAGE_IDS.items():
            if kind_name in kinds:
                found.setdefault(page_url(page), set()).add(entry_id)
    for doc, kind_name in docs:
        if kind_name == META_SCHEMA and isinstance(doc.data, dict):
            versions = [c.get("version") for c in _list(doc.data.get("changelog")) if isinstance(c, dict)]
            found.setdefault(page_url(CHANGELOG_PAGE), set()).update(version_id(v) for v in versions if isinstance(v, str))
    return found


def check_redirects(docs: list[tuple[Document, str]], pages: dict[str, set[str]],
                    reserved: frozenset[str] = frozenset(), page_ids: dict[str, set[str]] | None = None) -> Iterator[Problem]:
    """A redirect never replaces a hand-written page or takes an id the pages use (a heading's, a template's or
    an entry's on that page), and each old address is redirected once."""
    seen: dict[str, int] = {}
    addresses = {page_url(src) for src in pages}
    page_ids = page_ids or {}
    for doc, kind in docs:
        if kind != "redirect":
            continue
        for path, entry, _kind in entries(doc, kind):
            source = entry.get("from")
            if not isinstance(source, str):
                continue
            line = doc.line(path + ("from",))
            page, _, anchor = source.partition("#")
            if page in addresses and not anchor:
                yield Problem(doc.label, line, f"redirect from '{source}': that is a page of the site, which a redirect "
                                               "would replace")
            if anchor and (anchor in reserved or anchor.startswith(TEMPLATE_ID_PREFIXES) or anchor in page_ids.get(page, ())):
                yield Problem(doc.label, line, f"redirect from '{source}': '{anchor}' is an id the page already uses, "
                                               "so the old address cannot be taken over")
            if source in seen:
                yield Problem(doc.label, line, f"redirect from '{source}' is declared twice (first at line {seen[source]})")
            else:
                seen[source] = line


def check_reserved(index: Index, reserved: set[str]) -> Iterator[Problem]:
    """No entry id may take an id that the pages or templates already use."""
    for entry_id, (doc, path) in index.places.items():
        if entry_id in reserved or entry_id.startswith(TEMPLATE_ID_PREFIXES):
            yield Problem(doc.label, doc.line(path + ("id",)),
                          f"id '{entry_id}' is reserved: a page or template already uses it as an element id "
                          "or address; choose another id")


def check_orphans(docs: list[tuple[Document, str]]) -> Iterator[Problem]:
    """Kinds marked "unused" (conditions, regions) must be named by some entry; "unmentioned" ones (glossary
    terms) must appear in some entry's text. References are exempt: the file copies the whole verified list."""
    used: dict[str, set[str]] = {kind.name: set() for kind in KINDS if kind.orphan == "unused"}
    text: list[str] = []
    for doc, kind_name in docs:
        for _path, entry, kind in entries(doc, kind_name):
            for name, target in (_yaml_links(kind) if kind else {}).items():
                if target in used:
                    used[target].update(r for r in _list(entry.get(name)) if isinstance(r, str))
        if kind_name != META_SCHEMA and KINDS_BY_NAME[kind_name].prose:
            text.extend(value for _p, value in doc.strings())
    corpus = _words(" ".join(text))
    for doc, kind_name in docs:
        for path, entry, kind in entries(doc, kind_name):
            if kind is None or not isinstance(entry.get("id"), str):
                continue
            if kind.orphan == "unused" and entry["id"] not in used[kind.name]:
                yield Problem(doc.label, doc.line(path + ("id",)),
                              f"{kind.noun} '{entry['id']}' is not used by any entry: use it or remove it")
            elif kind.orphan == "unmentioned":
                words = [entry.get(kind.text_name)] + _list(entry.get("synonyms"))
                if not any(isinstance(w, str) and _mentions(corpus, w) for w in words):
                    yield Problem(doc.label, doc.line(path + ("id",)),
                                  f"{kind.noun} '{entry['id']}' does not appear in any entry's text: use it or remove it")


def _words(text: str) -> str:
    """Text as its lower-case words between single spaces, so a phrase can be found with `in`."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _mentions(corpus: str, phrase: str) -> bool:
    return _words(phrase) in corpus
