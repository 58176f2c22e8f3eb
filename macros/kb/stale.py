"""`python -m macros.kb.stale [--today YYYY-MM-DD] [--kb DIR]`: list causes whose next review is overdue.

Each cause records when its next review is due (`reviewed.next`); a cause past that date is stale.
A report for editors, not a gate: it always exits 0.
"""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from . import KB_DIR, KbError, load_kb
from .model import Cause


def stale_causes(causes: tuple[Cause, ...], today: datetime.date) -> list[tuple[Cause, int]]:
    """Causes whose next review was due before today, longest overdue first, with the days overdue."""
    late = [(cause, (today - datetime.date.fromisoformat(cause.reviewed.next)).days) for cause in causes if cause.reviewed.next]
    return sorted(((c, days) for c, days in late if days > 0), key=lambda item: (-item[1], item[0].id))


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date of the form YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    """Print one line per overdue cause, or that none is overdue."""
    parser = argparse.ArgumentParser(prog="python -m macros.kb.stale",
                                     description="List causes whose next review date has passed.")
    parser.add_argument("--today", type=_date, default=datetime.date.today(),
                        metavar="YYYY-MM-DD", help="the date to count from (default: today)")
    parser.add_argument("--kb", type=Path, default=KB_DIR, metavar="DIR",
                        help="the KB folder (default: kb/ of this project)")
    args = parser.parse_args(argv)
    try:
        kb = load_kb(args.kb)
    except KbError as exc:
        print(exc, file=sys.stderr)
        print(f"cannot tell which reviews are due: the KB has {len(exc.problems)} problem(s); fix them first (make check)",
              file=sys.stderr)
        return 0
    stale = stale_causes(kb.causes, args.today)
    for cause, days in stale:
        review = cause.reviewed
        state = "reviewed" if review.done else "draft, checked"
        print(f"{cause.source}: review due {review.next} ({days} days overdue); {state} {review.on} by {review.by}")
    if not stale:
        print("No review is overdue.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
