"""`python -m macros.kb.sync_references [VERIFIED]`: copy the verified reference list into kb/references.yaml.

The project's verified list (../shared/references.yaml) is the only source of citable references.
It is copied unchanged, minus `seen_at` (where a copy was read, of no use to readers). `note` is
kept for editors; the site never shows it (a test checks every built page).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

from . import KB_DIR

VERIFIED = KB_DIR.parent.parent / "shared" / "references.yaml"
HEADER = ("# yaml-language-server: $schema=schema/references.schema.json\n"
          "# Sources the KB may cite: copied unchanged from the project's verified list (shared/references.yaml),\n"
          "# minus its `seen_at` field, by `make references`. Never add or edit a source here; a test compares them.\n"
          "# `note` is for editors only (how the entry was checked): the site never shows it.\n")
DROPPED = ("seen_at",)


def synced_text(verified: Path) -> str:
    """The text kb/references.yaml should have for this verified list."""
    entries = yaml.safe_load(verified.read_text(encoding="utf-8"))
    kept = [{k: v for k, v in entry.items() if k not in DROPPED} for entry in entries]
    return HEADER + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=110)


def main(argv: list[str]) -> int:
    """Rewrite kb/references.yaml from the verified list; report whether it changed."""
    verified = Path(argv[0]) if argv else VERIFIED
    if not verified.is_file():
        print(f"error: {verified} not found: the verified list lives in shared/ beside this checkout", file=sys.stderr)
        return 2
    target = KB_DIR / "references.yaml"
    text = synced_text(verified)
    if target.read_text(encoding="utf-8") == text:
        print("kb/references.yaml is already in step with the verified list")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"kb/references.yaml rewritten from {verified}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
