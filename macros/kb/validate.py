"""Check parsed KB documents: each against its JSON Schema, then across files.

Every check yields `Problem`s; nothing stops at the first one, so an author sees all of
them at once.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from .kinds import ANY, KINDS, KINDS_BY_NAME, META_SCHEMA, Kind, children
from .load import Document, read_text
from .markup import BLOCK_FIELDS, CITATION, text_problems
from .model import JOINTS
from .pages import TEMPLATE_ID_PREFIXES
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
    if not path.exists():
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
    try:
        base = jsonschema.validators.validator_for(schema)
        base.check_schema(schema)
        cls = jsonschema.validators.extend(base, {"pattern": _whole_value_pattern})
        return cls(inline_refs(schema, schema.get("$defs", {})), format_checker=base.FORMAT_CHECKER)
    except (jsonschema.exceptions.SchemaError, KeyError, TypeError, AttributeError, re.error) as exc:
        reason = getattr(exc, "message", None) or str(exc)
        raise KbError([Problem(label, 1, f"is not a valid JSON Schema: {reason}")]) from None


def _whole_value_pattern(validator, pattern: str, instance: Any, schema: dict) -> Iterator[jsonschema.ValidationError]:
    """`pattern`, matched against the whole value: a trailing line break never slips past `$`."""
    if validator.is_type(instance, "string") and not re.fullmatch(pattern, instance):
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
    for error in validator.iter_errors(doc.data):
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


TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping of keys to values",
              "integer": "a whole number", "null": "empty"}


def _explain(doc: Document, error: jsonschema.ValidationError) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    where = _where(doc, path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        replaced = error.schema.get("x-replaced", {})
        for key in sorted(set(error.instance) - set(allowed), key=str):
            if key in replaced:
                yield Problem(doc.label, doc.key_line(path + (key,)), f"{where}'{key}' is no longer used: {replaced[key]}")
                continue
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})"
            yield Problem(doc.label, doc.key_line(path + (key,)), f"{where}unknown key '{key}'{suggestion}")
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


def check_text(doc: Document) -> Iterator[Problem]:
    """KB text is data: reject template and attribute syntax, raw HTML, control characters and
    anything that renders outside the HTML allowlist (see markup.py)."""
    for path, value in doc.strings():
        field = next((p for p in reversed(path) if isinstance(p, str)), "")
        for offset, message in text_problems(value, field):
            yield Problem(doc.label, doc.text_line(path, value, offset), f"{_where(doc, path)}{_field(path)} {message}")


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
        for path, entry, kind in entries(doc, kind_name):
            if kind is not None and kind.name == "check":
                yield from _check_item_rules(doc, path, entry, jointless)
            if kind is not None and kind.name == "red-flag":
                yield from _check_not_at(doc, path, entry)
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
        summary = f"Likely: {label}. Next: {step}"
        if len(summary) > SUMMARY_LINE:
            yield Problem(doc.label, doc.line(path + ("key_step",)),
                          f"{where}the summary line 'Likely: <label>. Next: <key_step>' is {len(summary)} characters; "
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
    """A cause file is named by its id, takes no hand-written page's address, no two causes share an order,
    and its next review falls after its last."""
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
        review = doc.data.get("reviewed")
        if isinstance(review, dict) and isinstance(review.get("on"), str) and isinstance(review.get("next"), str) \
                and review["next"] <= review["on"]:
            yield Problem(doc.label, doc.line(("reviewed", "next")),
                          f"reviewed: the next review ({review['next']}) must fall after the last one ({review['on']})")
        if isinstance(order, float):
            yield Problem(doc.label, doc.line(("order",)), f"order {order} must be a whole number such as {int(order)}")
        elif isinstance(order, int) and not isinstance(order, bool):
            if order in orders:
                yield Problem(doc.label, doc.line(("order",)), f"order {order} is already used by cause '{orders[order]}'")
            else:
                orders[order] = str(cause_id)


def check_redirects(docs: list[tuple[Document, str]], pages: dict[str, set[str]],
                    reserved: frozenset[str] = frozenset()) -> Iterator[Problem]:
    """A redirect never replaces a hand-written page or takes an id the pages use, and each old address
    is redirected once."""
    seen: dict[str, int] = {}
    addresses = {page_url(src) for src in pages}
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
            if anchor and (anchor in reserved or anchor.startswith(TEMPLATE_ID_PREFIXES)):
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
