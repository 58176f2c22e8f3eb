"""`python -m macros.kb.stale [--today YYYY-MM-DD] [--kb DIR]`: list causes not reviewed for over a year.

A report for editors, not a gate: it always exits 0.
"""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from . import KB_DIR, KbError, load_kb
from .model import Cause

MAX_AGE_DAYS = 365


def stale_causes(causes: tuple[Cause, ...], today: datetime.date) -> list[tuple[Cause, int]]:
    """Causes last reviewed more than a year before today, oldest first, with their age in days."""
    aged = [(cause, (today - datetime.date.fromisoformat(cause.reviewed.on)).days) for cause in causes]
    return sorted(((c, days) for c, days in aged if days > MAX_AGE_DAYS), key=lambda item: (-item[1], item[0].id))


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Print one line per stale cause, or that none is stale."""
    parser = argparse.ArgumentParser(prog="python -m macros.kb.stale",
                                     description="List causes whose last review is more than a year old.")
    parser.add_argument("--today", type=_date, default=datetime.date.today(),
                        metavar="YYYY-MM-DD", help="the date to count from (default: today)")
    parser.add_argument("--kb", type=Path, default=KB_DIR, metavar="DIR",
                        help="the KB folder (default: kb/ of this project)")
    args = parser.parse_args(argv)
    try:
        kb = load_kb(args.kb)
    except KbError as exc:
        print(exc, file=sys.stderr)
        print(f"cannot tell review ages: the KB has {len(exc.problems)} problem(s); fix them first (make check)",
              file=sys.stderr)
        return 0
    stale = stale_causes(kb.causes, args.today)
    for cause, days in stale:
        print(f"{cause.source}: reviewed {cause.reviewed.on} by {cause.reviewed.by} ({days} days ago)")
    if not stale:
        print("No entry is older than a year.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
