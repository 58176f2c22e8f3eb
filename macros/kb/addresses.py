"""Published addresses: the registry that keeps educators' links working.

kb/addresses.txt lists every address the site has ever published (page, or page#anchor).
An address may only disappear if kb/redirects.yaml sends it somewhere that exists.
`python -m macros.kb --register` (make addresses) adds newly published addresses to the registry.
"""
from __future__ import annotations

import json
from pathlib import Path

from .aftercare import sheet_addresses
from .history import base_version
from .load import read_text
from .model import KnowledgeBase
from .problems import KbError, Problem
from .urls import url_of

REGISTRY = "addresses.txt"
HEADER = ("# Every address this site has published, one per line (see macros/kb/addresses.py).\n"
          "# Never delete a line: if an entry is renamed or removed, declare a redirect in kb/redirects.yaml.\n"
          "# Add new addresses with `make addresses`.\n")


def published_addresses(kb: KnowledgeBase) -> set[str]:
    """Every address the current KB publishes: its pages and each entry's anchor."""
    addresses = {url_of(e) for e in kb.entries}
    addresses |= {a.split("#")[0] for a in addresses}
    if kb.aftercare:
        addresses |= sheet_addresses()  # each site's aftercare sheet: educators and services link them
    return addresses


def read_registry(kb_dir: Path) -> list[tuple[int, str]]:
    """The registry's addresses with their line numbers (an absent registry is empty).

    Raises KbError, at the registry's file and line, if it cannot be read as a text file."""
    path = kb_dir / REGISTRY
    if not path.exists() and not path.is_symlink():
        return []
    text, problems = read_text(path, f"{kb_dir.name}/{REGISTRY}", kb_dir)
    if text is None:
        raise KbError(problems)
    lines = text.splitlines()
    return [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]


def check_registry(kb: KnowledgeBase, kb_dir: Path) -> list[Problem]:
    """Every registered address must still resolve, directly or through a declared redirect."""
    current = published_addresses(kb)
    moved = {r.source: r for r in kb.redirects}
    page_moves = {r.source: url_of(r.target).split("#")[0] for r in kb.redirects if "#" not in r.source}
    label = f"{kb_dir.name}/{REGISTRY}"
    problems = []
    try:
        registered = read_registry(kb_dir)
    except KbError as exc:
        return exc.problems
    listed = {address for _line, address in registered}
    for address, version in sorted(released_addresses(kb_dir.parent / "releases").items()):
        if address not in listed:
            problems.append(Problem(label, 1, f"published address '{address}' was released in {version} but is no "
                                              "longer in the registry: never delete a line; restore it, and keep its "
                                              "id or declare a redirect for it in kb/redirects.yaml"))
    base = base_version(kb_dir / REGISTRY)  # the registry as the base branch (main) holds it
    for line in (base[1].splitlines() if base else []):
        address = line.strip()
        if address and not address.startswith("#") and address not in listed:
            problems.append(Problem(label, 1, f"published address '{address}' is in the registry on the base branch "
                                              f"({base[0][:12]}) but not here: never delete a line; restore it, and "
                                              "keep its id or declare a redirect for it in kb/redirects.yaml"))
    for line, address in registered:
        if address in current or address in moved:
            continue
        page, _, anchor = address.partition("#")
        if page in page_moves and (not anchor or f"{page_moves[page]}#{anchor}" in current):
            continue
        problems.append(Problem(label, line, f"published address '{address}' no longer exists: keep its id, "
                                             "or declare a redirect for it in kb/redirects.yaml"))
    for redirect in kb.redirects:
        if redirect.source in current:
            problems.append(Problem(redirect.file, redirect.line, f"redirect from '{redirect.source}': "
                                                                  "that address is still published, so it cannot move"))
    return problems


def released_addresses(releases_dir: Path) -> dict[str, str]:
    """Every site address a frozen release published (its entries' urls and their pages), with the first version
    that did. The releases are guarded by their checksums and history, so a pull request that deletes a registry
    line cannot also make these forget the address. Unreadable releases are reported by the release checks."""
    found: dict[str, str] = {}
    folders = sorted(releases_dir.glob("*/kb.json"), key=lambda p: tuple(int(n) if n.isdigit() else 0
                                                                         for n in p.parent.name.split(".")))
    for path in folders:
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                url = node.get("url")
                if isinstance(url, str) and url and ":" not in url.split("/")[0] and not url.startswith("/"):
                    for address in (url, url.split("#")[0]):
                        found.setdefault(address, path.parent.name)
                stack.extend(v for k, v in node.items() if k != "url")
            elif isinstance(node, list):
                stack.extend(node)
    return found


def update_registry(kb: KnowledgeBase, kb_dir: Path) -> list[str]:
    """Add every newly published address to the registry; return the ones added."""
    known = {address for _line, address in read_registry(kb_dir)}
    added = sorted(published_addresses(kb) - known)
    if added:
        path = kb_dir / REGISTRY
        body = sorted(known | set(added))
        path.write_text(HEADER + "\n".join(body) + "\n", encoding="utf-8")
    return added

