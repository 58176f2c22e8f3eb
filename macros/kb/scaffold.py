"""`python -m macros.kb.scaffold`: start a new cause or facet from a commented skeleton.

    python -m macros.kb.scaffold new-cause ID
    python -m macros.kb.scaffold new-facet CAUSE ID

The skeleton validates as written, so `make serve` shows it at once; its TODO text tells the
author what to write. A new facet is added to the cause file as text, so the author's comments and
layout stay as they were.
"""
from __future__ import annotations

import argparse
import datetime
import difflib
import json
import re
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import KB_DIR, validate_kb
from .load import LOADER
from .validate import ID_PATTERN, SCHEMA_DIR, entries

PREVIEW = "http://127.0.0.1:8000/"
WIDTH = 100

# Help for the fields whose schema gives no description.
FALLBACK_HELP = {
    "title": "The cause's name, as a heading and on the checklist.",
    "reviewed": "The clinical review of this file: draft or reviewed, when, by whom, next due. Update it at each review.",
    "reviewed.on": "Date of the last review, YYYY-MM-DD, in quotes.",
    "facets": "The ways this cause shows up; each gets its own section and address.",
    "facets.title": "The facet's heading on the cause page.",
    "facets.checks": "The checklist items that test this facet.",
}
# Rules the tests and reviewers apply on top of the schema.
EXTRA_HELP = {
    "id": "It must match the file name.",
    "facets.checks.id": "By convention, the facet's id followed by -check.",
    "facets.checks.ask": "One question about one finding, ending in a question mark; yes means this cause is likely.",
    "facets.checks.label": "Neutral words: never an admission of fault or a verdict.",
    "facets.evidence": "Supported and mixed must cite at least one reference.",
    "facets.references": "Only sources on the project's verified list may be added to kb/references.yaml.",
}


class Refusal(Exception):
    """The request cannot be carried out; the message says why, in one line."""


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; exit 2 with a one-line `error: ...` when it is refused."""
    parser = argparse.ArgumentParser(prog="python -m macros.kb.scaffold",
                                     description="Start a new KB entry from a commented skeleton that validates.")
    parser.add_argument("--kb", type=Path, default=KB_DIR, metavar="DIR",
                        help="the KB folder (default: kb/ of this project)")
    # --kb is accepted after the command too; SUPPRESS keeps the subcommand from resetting it.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--kb", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    cause = commands.add_parser("new-cause", parents=[after], help="write kb/causes/ID.yaml with three skeleton facets")
    cause.add_argument("id", metavar="ID", help="the new cause's id, kebab-case, e.g. nerve-block-missed")
    facet = commands.add_parser("new-facet", parents=[after], help="add a skeleton facet after a cause's last facet")
    facet.add_argument("cause", metavar="CAUSE", help="the id of an existing cause")
    facet.add_argument("id", metavar="ID", help="the new facet's id, kebab-case, e.g. nerve-block-missed")
    args = parser.parse_args(argv)
    try:
        if args.command == "new-cause":
            path, address = new_cause(args.kb, args.id)
        else:
            path, address = new_facet(args.kb, args.cause, args.id)
    except Refusal as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {_shown(path)}")
    print(f"next: fill in every TODO, then make serve, then open {PREVIEW}{address}")
    return 0


def new_cause(kb_dir: Path, cause_id: str, today: datetime.date | None = None) -> tuple[Path, str]:
    """Write kb/causes/<cause_id>.yaml; return its path and its address on the site."""
    kb_dir = _kb_dir(kb_dir)
    _require_kebab(cause_id, "cause")
    path = kb_dir / "causes" / f"{cause_id}.yaml"
    if path.exists():
        raise Refusal(f"cause '{cause_id}' already exists: {_shown(path)}")
    facet_ids = [f"{cause_id}-facet-{n}" for n in (1, 2, 3)]
    known, orders = _known_ids(kb_dir)
    for new_id in [cause_id, *facet_ids, *(f"{f}-check" for f in facet_ids)]:
        _require_unused(new_id, known)
    text = cause_skeleton(cause_id, max(orders, default=0) + 1, facet_ids, today or datetime.date.today())
    path.write_text(text, encoding="utf-8")
    return path, f"causes/{cause_id}/"


def new_facet(kb_dir: Path, cause_id: str, facet_id: str) -> tuple[Path, str]:
    """Add a skeleton facet after the last facet of a cause; return the file and the facet's address."""
    kb_dir = _kb_dir(kb_dir)
    path = kb_dir / "causes" / f"{cause_id}.yaml"
    if not re.fullmatch(ID_PATTERN, cause_id) or not path.is_file():
        existing = sorted(p.stem for p in (kb_dir / "causes").glob("*.yaml"))
        hint = difflib.get_close_matches(cause_id, existing, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (causes: {', '.join(existing) or 'none'})"
        raise Refusal(f"cause '{cause_id}' does not exist: there is no kb/causes/{cause_id}.yaml{suggestion}")
    _require_kebab(facet_id, "facet")
    known, _orders = _known_ids(kb_dir)
    for new_id in (facet_id, f"{facet_id}-check"):
        _require_unused(new_id, known)
    text = path.read_text(encoding="utf-8")
    updated = insert_facet(text, facet_id, _shown(path))
    path.write_text(updated, encoding="utf-8")
    return path, f"causes/{cause_id}/#{facet_id}"


def insert_facet(text: str, facet_id: str, label: str) -> str:
    """Return text with a skeleton facet added after its last facet, indented like the others."""
    try:
        root = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        raise Refusal(f"{label} is not valid YAML yet: fix it first (make check shows where)") from exc
    facets = _value_of(root, "facets")
    if not isinstance(facets, yaml.SequenceNode) or facets.flow_style or not facets.value:
        raise Refusal(f"{label} has no block list under 'facets:' to add to")
    last = facets.value[-1]
    lines = text.splitlines(keepends=True)
    dash = lines[last.start_mark.line].rfind("-", 0, last.start_mark.column)
    facet = facet_skeleton(facet_id, dash=" " * dash, indent=" " * last.start_mark.column)
    # A node ends at column 0 of the line after it, or mid-line when the file has no final newline.
    end = last.end_mark.line + (1 if last.end_mark.column else 0)
    before, after = lines[:end], lines[end:]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    updated = "".join(before) + "\n" + facet + "".join(after)
    added = _value_of(yaml.compose(updated, Loader=LOADER), "facets")
    if not isinstance(added, yaml.SequenceNode) or len(added.value) != len(facets.value) + 1:
        raise Refusal(f"could not add the facet to {label} safely: add it by hand (see CONTRIBUTING.md)")
    return updated


def _value_of(root: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    return next((value for k, value in root.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


# --- the skeletons ------------------------------------------------------------------

def cause_skeleton(cause_id: str, order: int, facet_ids: list[str], today: datetime.date) -> str:
    """The text of a new cause file: every required field, commented, with TODO placeholders."""
    lines = [
        "# yaml-language-server: $schema=../schema/cause.schema.json",
        f"# A new cause, started on {today.isoformat()}. Replace every TODO, then run `make check`.",
        "# Text after `>-` or `|` goes on the indented lines below it and needs no quotes.",
        "# Ids are permanent once published: settle them (and the file name) before the first release.",
        "",
        *_help("id"), f"id: {cause_id}",
        *_help("order"), f"order: {order}",
        *_help("title"), "title: >-", "  TODO: the cause in a few words",
        *_help("summary"), "summary: >-", "  TODO: one plain sentence that says what goes wrong.",
        *_help("overview"), "overview: |",
        "  TODO: a few sentences on this cause: what happens, how often, and why it matters when an",
        "  injection has not helped.",
        *_help("reviewed"), "reviewed:",
        *_help("reviewed.status", "  "), "  status: draft",
        *_help("reviewed.on", "  "), f'  "on": "{today.isoformat()}"',
        *_help("reviewed.by", "  "), "  by: editorial team (awaiting clinical review)",
        *_help("reviewed.next", "  "), f'  "next": "{today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat()}"',
        *_optional(""),
        *_help("facets"), "facets:",
    ]
    facets = [facet_skeleton(f, dash="  ", indent="    ", commented=n == 0) for n, f in enumerate(facet_ids)]
    return "\n".join(lines) + "\n" + "\n".join(facets)


def facet_skeleton(facet_id: str, dash: str, indent: str, commented: bool = True) -> str:
    """A facet's text: `dash` indents its `- `, `indent` its keys; `commented` adds help on each field."""
    body = [  # (the field whose help goes above the line, or "", the line less the facet's indent)
        ("facets.id", f"id: {facet_id}"),
        ("facets.title", "title: >-"), ("", "  TODO: a short heading for this facet"),
        ("facets.summary", "summary: >-"), ("", "  TODO: one plain sentence that says how this facet shows up."),
        ("facets.explanation", "explanation: |"), ("", "  TODO: what goes wrong and why, in your own words."),
        ("facets.examples", "examples:"),
        ("", "  - >-"), ("", "    TODO: a short clinical vignette, with no patient details."),
        ("facets.checks", "checks:"),
        ("facets.checks.id", f"  - id: {facet_id}-check"),
        ("facets.checks.ask", "    ask: >-"), ("", "      TODO: which question tests this facet?"),
        ("facets.checks.label", "    label: TODO a short neutral name of the finding"),
        ("facets.checks.key_step", "    key_step: TODO the most important next step"),
        ("facets.next_steps", "next_steps:"),
        ("", "  - >-"), ("", "    TODO: one action to take if this facet applies."),
        ("facets.evidence", "evidence: expert-opinion"),
        ("facets.evidence_note", "evidence_note: |"),
        ("", "  TODO: what the evidence says, and where the claim is doubtful or contested."),
    ]
    out = []
    for n, (field, line) in enumerate(body):
        lead = f"{dash}- " if n == 0 else indent
        if commented and field:
            nested = line[: len(line) - len(line.lstrip(" "))]
            out.extend(_help(field, dash if n == 0 else indent + nested))
        out.append(lead + line)
    if commented:
        out.extend(_optional("facets", indent))
    return "\n".join(out) + "\n"


OPTIONAL_EXAMPLES = {
    "related": "a-facet-id-in-another-cause", "conditions": "osteoarthritis", "regions": "knee",
    "synonyms": "a lay term, an abbreviation", "references": "an-id-from-references-yaml",
}


def _optional(parent: str, indent: str = "") -> list[str]:
    """Commented-out lines for the optional fields of a cause ("") or a facet ("facets"), with their help."""
    schema = _field_schema(parent) if parent else _cause_schema()
    if schema.get("type") == "array":
        schema = _deref(_cause_schema(), schema.get("items", {}))
    names = [n for n in schema.get("properties", {}) if n not in schema.get("required", ())]
    if not names:
        return []
    lines = [f"{indent}# Optional: to use one of these, remove the # at the start of its line."]
    for name in names:
        lines.extend(_help(f"{parent}.{name}" if parent else name, indent))
        lines.append(f"{indent}# {name}: [{OPTIONAL_EXAMPLES.get(name, '...')}]")
    return lines


def _help(field: str, indent: str = "") -> list[str]:
    """Comment lines that explain a field, from its schema description and limits."""
    schema = _field_schema(field)
    parts = [schema.get("description") or FALLBACK_HELP.get(field, ""), _limits(schema), EXTRA_HELP.get(field, "")]
    text = " ".join(_sentence(p) for p in parts if p)
    return [f"{indent}# {line}" for line in textwrap.wrap(text, WIDTH - len(indent) - 2, break_on_hyphens=False)]


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", ")")) else ".")


def _limits(schema: dict[str, Any]) -> str:
    parts = []
    if "enum" in schema:
        parts.append("one of: " + ", ".join(schema["enum"]))
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']} characters")
    if schema.get("minItems", 0) > 1:
        parts.append(f"at least {schema['minItems']} of them")
    if "maxItems" in schema:
        parts.append(f"at most {schema['maxItems']} of them")
    return "; ".join(parts)


@cache
def _cause_schema() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "cause.schema.json").read_text(encoding="utf-8"))


def _field_schema(field: str) -> dict[str, Any]:
    """The schema of a dotted field of a cause, e.g. 'facets.checks.ask', with $refs followed."""
    root = _cause_schema()
    node: dict[str, Any] = root
    for part in field.split("."):
        if node.get("type") == "array":
            node = _deref(root, node.get("items", {}))
        node = _deref(root, node.get("properties", {}).get(part, {}))
    return node


def _deref(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref", "")
    if not ref.startswith("#/"):
        return node
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


# --- checks on the request ------------------------------------------------------------

def _kb_dir(kb_dir: Path) -> Path:
    kb_dir = Path(kb_dir).resolve()
    if not (kb_dir / "causes").is_dir():
        raise Refusal(f"{kb_dir} is not a KB folder: it has no causes/ folder")
    return kb_dir


def _require_kebab(new_id: str, kind: str) -> None:
    if not re.fullmatch(ID_PATTERN, new_id):
        raise Refusal(f"{kind} id '{new_id}' must be kebab-case: lower-case letters, digits and single hyphens, "
                      f"e.g. 'nerve-block-missed'")


def _require_unused(new_id: str, known: dict[str, str]) -> None:
    if new_id in known:
        raise Refusal(f"id '{new_id}' is already used by {known[new_id]}: ids must be unique across the whole KB")


def _known_ids(kb_dir: Path) -> tuple[dict[str, str], list[int]]:
    """Every id in the KB with where it is defined, and every cause's order."""
    docs, _problems = validate_kb(kb_dir)
    known: dict[str, str] = {}
    orders: list[int] = []
    for kind, kind_docs in docs.items():
        for doc in kind_docs:
            if kind == "cause" and isinstance(doc.data, dict) and type(doc.data.get("order")) is int:
                orders.append(doc.data["order"])
            for path, entry, entry_kind in entries(doc, kind):
                if entry_kind is not None and isinstance(entry.get("id"), str):
                    known.setdefault(entry["id"], f"a {entry_kind.noun} at {doc.label}:{doc.line(path + ('id',))}")
    # A cause file that does not parse still claims its id through its name.
    for path in (kb_dir / "causes").glob("*.yaml"):
        known.setdefault(path.stem, f"the file {_shown(path)}")
    return known, orders


def _shown(path: Path) -> str:
    """A path as the author would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
