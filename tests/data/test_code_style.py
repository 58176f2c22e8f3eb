"""House habits that keep the code easy to change."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_python_code_is_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "macros", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_inline_event_handlers_or_scripts_in_templates_and_pages():
    offenders = []
    for path in [*ROOT.glob("macros/templates/*.j2"), *ROOT.glob("docs/**/*.md")]:
        text = path.read_text(encoding="utf-8").lower()
        if " onclick=" in text or " onload=" in text or " onerror=" in text or "javascript:" in text:
            offenders.append(path.name)
    assert offenders == []
