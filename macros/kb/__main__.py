"""`python -m macros.kb [KB_DIR]`: validate the KB and print every problem as file:line: message."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from . import KB_DIR, KbError, load_kb


def main(argv: list[str]) -> int:
    """Validate the KB; exit 1 with one line per problem, 0 with a short summary."""
    kb_dir = Path(argv[0]) if argv else KB_DIR
    start = time.perf_counter()
    try:
        kb = load_kb(kb_dir)
    except KbError as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the KB", file=sys.stderr)
        return 1
    elapsed = (time.perf_counter() - start) * 1000
    checks = sum(len(f.checks) for f in kb.facets)
    print(f"KB {kb.meta.version} is valid: {len(kb.causes)} causes, {len(kb.facets)} facets, "
          f"{checks} checks, {len(kb.faq)} FAQ entries, {len(kb.steps)} steps ({elapsed:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
