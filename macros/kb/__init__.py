"""The cortisone-kb core: load, validate and link the knowledge base. No mkdocs here."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .addresses import REGISTRY, check_registry
from .build import build_model
from .kinds import KINDS_BY_NAME, META_FILE, META_SCHEMA, schema_of, top_level
from .load import Document, parse_text, read_text
from .model import KnowledgeBase
from .pages import hand_written_pages, reserved_ids
from .problems import KbError, Problem
from .review import check_reviews
from .validate import (
    SCHEMA_DIR,
    check_causes,
    check_citations,
    check_links,
    check_orphans,
    check_own_pages,
    check_redirects,
    check_reserved,
    check_rules,
    check_schema,
    check_text,
    check_thesaurus,
    ids_by_page,
    index_ids,
)

KB_DIR = Path(__file__).resolve().parents[2] / "kb"
DOCS_DIR = KB_DIR.parent / "docs"

# The KB's files by name, with the kind each holds ("meta" for meta.yaml), from the registry.
SINGLE_FILES = {META_FILE: META_SCHEMA, **{k.file: k.name for k in top_level() if not k.file.endswith("/") and k.required}}
OPTIONAL_FILES = {k.file: k.name for k in top_level() if not k.file.endswith("/") and not k.required}
FOLDERS = {k.file.rstrip("/"): k.name for k in top_level() if k.file.endswith("/")}

__all__ = ["KB_DIR", "KbError", "KnowledgeBase", "Problem", "load_kb", "validate_kb"]


def _kb_files(kb_dir: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    label_root = kb_dir.parent
    files, problems = [], []

    def label(path: Path) -> str:
        return path.relative_to(label_root).as_posix()

    # Folders of one-entry files (causes) come first, so a clash with another file is reported at the other file.
    for folder, kind in FOLDERS.items():
        folder_dir = kb_dir / folder
        noun = KINDS_BY_NAME[kind].noun
        for path in sorted(folder_dir.iterdir()) if folder_dir.is_dir() and not folder_dir.is_symlink() else []:
            if path.name.startswith("."):
                continue
            if path.is_dir():
                problems.append(Problem(label(path), 1, f"is a folder: {noun} files go directly in kb/{folder}/, "
                                                        "and subfolders are not read"))
            elif path.suffix == ".yaml":
                files.append((path, kind))
            else:
                problems.append(Problem(label(path), 1, f"is not a .yaml file: {noun} files must end in .yaml"))
    for name, kind in SINGLE_FILES.items():
        path = kb_dir / name
        if path.exists() or path.is_symlink():
            files.append((path, kind))
        else:
            problems.append(Problem(label(path), 1, "is missing: the KB needs this file"))
    files.extend((kb_dir / name, kind) for name, kind in OPTIONAL_FILES.items()
                 if (kb_dir / name).exists() or (kb_dir / name).is_symlink())
    known = set(SINGLE_FILES) | set(OPTIONAL_FILES) | set(FOLDERS) | {"schema", REGISTRY}
    for path in sorted(kb_dir.iterdir()):
        if path.name not in known and not path.name.startswith("."):
            problems.append(Problem(label(path), 1,
                                    f"is not a KB file: expected one of {', '.join(sorted(SINGLE_FILES))} or causes/<id>.yaml"))
    return files, problems


# Each file's parse and its own checks (schema, text), kept while its text and its schema are unchanged: a
# rebuild under `mkdocs serve`, or a test run's many copies of the KB, re-reads only the files that changed.
_FILE_CHECKS: dict[tuple, tuple[Document | None, list[Problem]]] = {}
_FILE_CHECKS_KEPT = 256


def _parse_and_check(path: Path, label: str, kb_dir: Path, kind: str,
                     schema_dir: Path) -> tuple[Document | None, list[Problem], bool]:
    """One file parsed and checked against its schema and the text rules: its document, its problems, and whether
    its schema accepts it (the checks across files fall back to the accepted documents)."""
    text, problems = read_text(path, label, kb_dir)
    if text is None:
        return None, problems, False
    schema = schema_dir / f"{schema_of(kind)}.schema.json"
    try:
        schema_text = schema.read_bytes()
    except OSError:
        schema_text = None
    key = (label, kind, text, schema_dir.parent.name, schema_text)
    if key not in _FILE_CHECKS:
        doc, problems = parse_text(path, label, text)
        accepted = False
        if doc is not None:
            schema_problems = list(check_schema(doc, schema_of(kind), schema_dir))
            accepted = not schema_problems
            problems = [*schema_problems, *check_text(doc)]
        if len(_FILE_CHECKS) >= _FILE_CHECKS_KEPT:
            del _FILE_CHECKS[next(iter(_FILE_CHECKS))]
        _FILE_CHECKS[key] = (doc, problems, accepted)
    doc, problems, accepted = _FILE_CHECKS[key]
    return (dataclasses.replace(doc, path=path) if doc is not None else None), list(problems), accepted


def _docs_dir(kb_dir: Path) -> Path:
    """The hand-written pages beside this KB, or the project's when a KB copy stands alone."""
    beside = kb_dir.parent / "docs"
    return beside if beside.is_dir() else DOCS_DIR


def _check(kb_dir: Path) -> tuple[dict[str, list[Document]], KnowledgeBase | None, list[Problem]]:
    """Every check the build runs, in one pass: files, schemas, text, ids, links, house rules, addresses."""
    kb_dir = Path(kb_dir).resolve()
    files, problems = _kb_files(kb_dir)
    schema_dir = kb_dir / "schema" if (kb_dir / "schema").is_dir() else SCHEMA_DIR
    docs_dir = _docs_dir(kb_dir)
    parsed: list[tuple[Document, str]] = []
    well_formed: list[tuple[Document, str]] = []  # the documents their schema accepts
    for path, kind in files:
        doc, file_problems, well_formed_file = _parse_and_check(path, path.relative_to(kb_dir.parent).as_posix(), kb_dir,
                                                                kind, schema_dir)
        problems.extend(file_problems)
        if doc is not None:
            parsed.append((doc, kind))
            if well_formed_file:
                well_formed.append((doc, kind))
    unreadable = len(parsed) < len(files)

    def across(check, *args) -> list[Problem]:
        """A check across files, on every document; a value of the wrong type (a list where an id goes, a number
        that is not finite) that the schema has already reported may trip it, so it then runs on the rest."""
        try:
            return list(check(parsed, *args))
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError, IndexError, RecursionError):
            return list(check(well_formed, *args))

    index, duplicates = index_ids(parsed)
    problems.extend(duplicates)
    reserved, pages = frozenset(reserved_ids(docs_dir)), hand_written_pages(docs_dir)
    problems.extend(check_reserved(index, reserved))
    problems.extend(across(check_causes, pages))
    problems.extend(across(check_reviews))
    problems.extend(across(check_own_pages, pages))
    problems.extend(across(lambda docs: check_redirects(docs, pages, reserved, ids_by_page(docs, index))))
    problems.extend(across(check_rules))
    problems.extend(across(check_citations))
    problems.extend(across(check_thesaurus))
    # With a file unreadable its ids are unknown: links to them would be reported as false alarms.
    if not unreadable:
        problems.extend(across(check_links, index))
        problems.extend(across(check_orphans))
    if not any(kind == "cause" for _d, kind in parsed):
        problems.append(Problem((kb_dir / "causes").relative_to(kb_dir.parent).as_posix(), 1,
                                "holds no cause: add at least one causes/<id>.yaml"))
    docs: dict[str, list[Document]] = {}
    for doc, kind in parsed:
        docs.setdefault(kind, []).append(doc)
    if problems:
        return docs, None, sorted(set(problems))
    kb = build_model(docs)
    return docs, kb, sorted(set(check_registry(kb, kb_dir)))


def validate_kb(kb_dir: Path = KB_DIR) -> tuple[dict[str, list[Document]], list[Problem]]:
    """Parse and check every KB file as the build does; return the documents and every problem found."""
    docs, _kb, problems = _check(kb_dir)
    return docs, problems


def load_kb(kb_dir: Path = KB_DIR) -> KnowledgeBase:
    """Load the KB, or raise KbError listing every problem as `file:line: message`."""
    _docs, kb, problems = _check(kb_dir)
    if problems or kb is None:
        raise KbError(problems)
    return kb
