"""Hostile KB text at build time: `make check` and the build refuse the same edits at the same line,
nothing is ever run as a template, and text that passes is shown as text."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, build_site
from macros.kb.markup import MARKDOWN_EXTENSIONS
from sitecheck import read_page

CANARY = "/tmp/cortisone-kb-build-canary"
CAUSE = "kb/causes/delayed-effect.yaml"


def set_line(project, file, prefix, new_line):
    path = project / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[n] = new_line + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return n + 1


HOSTILE = {
    "template": ("title: ", "title: " + json.dumps("{{ lipsum.__globals__.os.popen('touch " + CANARY + "').read() }}"),
                 "'title' contains template syntax"),
    "attribute list": ("summary: ", "summary: " + json.dumps("Text { tabindex=0 autofocus onfocus=alert(1) }"),
                       "'summary' contains a curly brace"),
    "front matter": ("summary: ", "summary: " + json.dumps("Short.\n---\ntitle: x"), "'summary' must be a single line"),
    "alias": ("order: ", "order: &o 8\nextra: *o", "uses a YAML alias"),
    "tag": ("order: ", "order: !!python/object/apply:os.system ['touch " + CANARY + "']", "uses the YAML tag"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_check_and_build_refuse_the_same_edit_at_the_same_line(project_copy, tmp_path, case):
    prefix, new_line, fragment = HOSTILE[case]
    set_line(project_copy, CAUSE, prefix, new_line)
    check = subprocess.run([sys.executable, "-m", "macros.kb", str(project_copy / "kb")], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    build = build_site(project_copy, tmp_path / "out")
    output = build.stdout + build.stderr
    assert check.returncode == 1 and build.returncode != 0
    assert "Traceback" not in check.stderr + output
    reported = [line for line in check.stderr.splitlines() if fragment in line]
    assert reported and all(line in output for line in reported), (reported, output[-2000:])
    assert not os.path.exists(CANARY)


def test_a_page_that_does_not_ask_for_macros_is_never_a_template(project_copy, tmp_path):
    page = project_copy / "docs" / "about.md"
    text = page.read_text(encoding="utf-8").replace("render_macros: true\n", "")
    text = re.sub(r"\{\{.*?\}\}", "", text)  # this test's page calls no macro
    payload = "{{ lipsum.__globals__.os.popen('touch " + CANARY + "').read() }} {{ 7*7 }}"
    page.write_text(text + "\n\n" + payload + "\n", encoding="utf-8")
    result = build_site(project_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "out" / "about" / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert not os.path.exists(CANARY)


TRICKY_BUT_FINE = {
    "title: ": 'title: "Delayed \\"effect\\": A & B --- C"',
    "summary: ": 'summary: "Pain of 5 < 6 and x > y; <3 & co; title: not a key\\" onmouseover=\\"x"',
}


def test_text_that_passes_is_shown_as_text(project_copy, tmp_path):
    for prefix, line in TRICKY_BUT_FINE.items():
        set_line(project_copy, CAUSE, prefix, line)
    path = project_copy / CAUSE
    source = path.read_text(encoding="utf-8")
    start = source.index("    explanation: |\n") + len("    explanation: |\n")
    end = source.index("    examples:", start)
    block = ("      See [a source](https://example.org/a_(b)) and [us](mailto:editors@example.org).\n"
             "      Emphasis *stays* and `code` too.\n")
    path.write_text(source[:start] + block + source[end:], encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "macros.kb", str(project_copy / "kb")], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    result = build_site(project_copy, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-3000:]
    built = tmp_path / "out" / "causes" / "delayed-effect" / "index.html"
    html, page = built.read_text(encoding="utf-8"), read_page(built)
    assert 'Delayed "effect": A & B --- C' in page.title
    assert "Pain of 5 < 6 and x > y; <3 & co" in page.text
    assert page.description == 'Pain of 5 < 6 and x > y; <3 & co; title: not a key" onmouseover="x'
    # The schema.org block is JSON data in a script element, not markup: the text may appear there, as data.
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert json.loads(jsonld.group(1))["description"] == 'Pain of 5 < 6 and x > y; <3 & co; title: not a key" onmouseover="x'
    markup = html[:jsonld.start()] + html[jsonld.end():]
    assert "onmouseover" not in markup.replace("onmouseover=&#34;", "").replace("onmouseover=&quot;", "")
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert "https://example.org/a_(b)" in hrefs
    assert "mailto:editors@example.org" in hrefs
    assert "<em>stays</em>" in html and "<code>code</code>" in html


def test_the_core_renders_kb_text_with_the_sites_markdown_extensions():
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's tags (!ENV) name values this test does not need."""

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    mkdocs_own = ["toc", "tables", "fenced_code"]  # MkDocs adds these to every site
    assert mkdocs_own + [n for n in names if n not in ("pymdownx.snippets", "toc")] == list(MARKDOWN_EXTENSIONS)
