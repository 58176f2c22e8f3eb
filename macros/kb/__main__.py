"""`python -m macros.kb [--register] [KB_DIR]`: validate the KB, printing every problem as file:line: message.

With --register, also add newly published addresses to kb/addresses.txt.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from . import KB_DIR, KbError, load_kb
from .addresses import update_registry
from .releases import RELEASES_DIR, history_problems, integrity_problems


def main(argv: list[str]) -> int:
    """Validate the KB; exit 1 with one line per problem, 0 with a short summary."""
    register = "--register" in argv
    argv = [a for a in argv if a != "--register"]
    kb_dir = Path(argv[0]) if argv else KB_DIR
    start = time.perf_counter()
    # The project's own KB is checked with its releases, as the build checks them.
    releases = integrity_problems(RELEASES_DIR) + history_problems(RELEASES_DIR) \
        if Path(kb_dir).resolve() == KB_DIR.resolve() else []
    try:
        kb = load_kb(kb_dir)
        if releases:
            raise KbError(releases)
    except KbError as exc:
        exc = KbError(exc.problems + releases)
        print(exc, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the KB", file=sys.stderr)
        return 1
    elapsed = (time.perf_counter() - start) * 1000
    if register:
        added = update_registry(kb, Path(kb_dir).resolve())
        print(f"{len(added)} new address(es) registered in kb/addresses.txt" + "".join(f"\n  {a}" for a in added))
    checks = sum(len(f.checks) for f in kb.facets)
    print(f"KB {kb.meta.version} is valid: {len(kb.causes)} causes, {len(kb.facets)} facets, "
          f"{checks} checks, {len(kb.faq)} FAQ entries, {len(kb.steps)} steps, {len(kb.red_flags)} red flags, "
          f"{len(kb.sites)} injection sites, {len(kb.cases)} worked cases ({elapsed:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
