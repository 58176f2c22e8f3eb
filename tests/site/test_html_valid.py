"""Our own markup is valid HTML: every page's content, as generated from the KB, passes the Nu HTML Checker.

Material's own page chrome is not ours to fix, so the checker reads each page's article (everything
our templates and macros produce) inside a minimal valid document.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

# The slow set (`make test-all`, CI): the Nu HTML Checker starts a Java virtual machine.
pytestmark = pytest.mark.slow

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
WRAPPER = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
           "<body><main>\n{body}\n</main></body></html>\n")


def test_generated_markup_passes_the_nu_html_checker(site, tmp_path):
    if not VNU.exists() or shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker is missing: run `make html-checker` (make test installs it)")
    fragments = []
    for page in sorted(site.rglob("*.html")):
        match = ARTICLE.search(page.read_text(encoding="utf-8"))
        if not match:
            continue
        name = str(page.relative_to(site)).replace("/", "__")
        target = tmp_path / name
        target.write_text(WRAPPER.format(title=name, body=match.group(1)), encoding="utf-8")
        fragments.append(target)
    assert len(fragments) >= 18
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, fragments)],
                            capture_output=True, text=True, timeout=300)
    errors = [line.replace(str(tmp_path) + "/", "") for line in result.stderr.splitlines() if line.strip()]
    assert errors == [], "\n".join(errors[:40])


def test_the_checker_catches_invalid_markup(tmp_path):
    """Negative control: the same run reports a broken fragment."""
    if not VNU.exists() or shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker is missing: run `make html-checker` (make test installs it)")
    bad = tmp_path / "bad.html"
    bad.write_text(WRAPPER.format(title="bad", body='<p id="x">one</p><p id="x">two</p><li>stray</li>'), encoding="utf-8")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "gnu", str(bad)],
                            capture_output=True, text=True, timeout=120)
    assert "Duplicate ID" in result.stderr
    assert Path(bad).name in result.stderr
