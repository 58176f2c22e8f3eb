"""KB text is untrusted: every hostile edit is refused at its file and line, quickly, with no traceback.

Each case breaks a temporary copy of kb/ the way a hostile or careless pull request might, and
asserts the exact outcome. Cases that are harmless once escaped are built in tests/site/test_hostile_build.py.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from macros.kb import validate_kb
from tests.support import run_command

ROOT = Path(__file__).resolve().parents[2]
CAUSE = "causes/delayed-effect.yaml"
CANARY = "/tmp/cortisone-kb-canary"


def problems_of(kb_dir: Path) -> list[str]:
    start = time.perf_counter()
    _docs, problems = validate_kb(kb_dir)
    assert time.perf_counter() - start < 10, "validation must stay bounded on hostile input"
    return [str(p) for p in problems]


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def set_line(kb: Path, file: str, prefix: str, new_line: str) -> int:
    """Replace the first line starting with prefix by new_line; return its line number."""
    path = kb / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[n] = new_line if new_line.endswith("\n") else new_line + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return n + 1


def set_title(kb: Path, value: str) -> int:
    """Give delayed-effect this title (written as a YAML double-quoted string)."""
    return set_line(kb, CAUSE, "title: ", "title: " + json.dumps(value))


def set_explanation(kb: Path, text: str) -> int:
    """Replace the first facet's explanation by a literal block; return the block's first text line."""
    path = kb / CAUSE
    source = path.read_text(encoding="utf-8")
    start = source.index("    explanation: |\n") + len("    explanation: |\n")
    end = source.index("    examples:", start)
    block = "".join(f"      {line}\n" if line else "\n" for line in text.split("\n"))
    path.write_text(source[:start] + block + source[end:], encoding="utf-8")
    return source[:start].count("\n") + 1


def assert_refused(kb: Path, line: int, *fragments: str, file: str = CAUSE) -> None:
    problems = problems_of(kb)
    label = f"kb/{file}:{line}: "
    hits = [p for p in problems if p.startswith(label) and all(f in p for f in fragments)]
    assert hits, f"expected {label}... {fragments}, got {problems}"


# --- template syntax: KB text is never a template ------------------------------------------------

TEMPLATE_TITLES = [
    "{{ 7*7 }}",
    "{{ lipsum.__globals__.os.popen('touch " + CANARY + "').read() }}",
    "{% include 'mkdocs.yml' %}",
    "{# hidden #} Delayed effect",
    "{%- raw -%}x{%- endraw -%}",
    "Delayed {{config.site_name}} effect",
]


@pytest.mark.parametrize("title", TEMPLATE_TITLES)
def test_template_syntax_in_a_title_is_refused(kb_copy, title):
    line = set_title(kb_copy, title)
    assert_refused(kb_copy, line, "'title' contains template syntax", "never run as a template")
    assert not os.path.exists(CANARY)


@pytest.mark.parametrize("field,prefix", [("summary", "summary: "), ("question", "  question: ")])
def test_template_syntax_in_other_fields_is_refused(kb_copy, field, prefix):
    file = CAUSE if field == "summary" else "faq.yaml"
    line = set_line(kb_copy, file, prefix, f"{prefix}{json.dumps('What {{ 7*7 }} now?')}")
    assert_refused(kb_copy, line, f"'{field}' contains template syntax", file=file)


def test_template_syntax_deep_in_a_block_is_reported_at_its_own_line(kb_copy):
    first = set_explanation(kb_copy, "A first line.\nA second line.\n\nThen {% include 'x' %} here.")
    assert_refused(kb_copy, first + 3, "'explanation' contains template syntax")


# --- attribute lists, headings and blocks: no markup beyond the allowlist ------------------------

ATTRIBUTE_LISTS = [
    "Pain persists. { onclick=alert(1) }",
    "Pain persists.\n{: onclick=\"alert(1)\" }",
    "Pain persists. { tabindex=0 autofocus onfocus=alert(1) }",
    "Pain persists. { style=\"position:fixed;inset:0\" }",
    "Pain persists. {.kb-badge}",
    "[link](https://example.org){: onclick=alert(1) }",
]


@pytest.mark.parametrize("text", ATTRIBUTE_LISTS)
def test_attribute_lists_are_refused(kb_copy, text):
    line = set_explanation(kb_copy, text) + text[: text.index("{")].count("\n")
    assert_refused(kb_copy, line, "'explanation' contains a curly brace", "attribute and template syntax")


BLOCKS = [
    ("## Referred pain\nText.", "<h2>"),
    ("# Takeover\nText.", "<h1>"),
    ("Takeover\n========", "<h1>"),
    ("Text.\n\n---\n\nMore.", "<hr>"),
    ("Text.\n\n***\n\nMore.", "<hr>"),
    ("!!! danger\n    Text.", "<div>"),
    ("??? note\n    Text.", "<details>"),
    ("[TOC]", "<div>"),
]


@pytest.mark.parametrize("text,tag", BLOCKS, ids=lambda v: v if v.startswith("<") else None)
def test_headings_rules_and_boxes_are_refused(kb_copy, text, tag):
    line = set_explanation(kb_copy, text)
    assert_refused(kb_copy, line, f"produces a {tag} element")


RAW_HTML = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</p><p>", "<!-- hidden -->",
            "<svg onload=alert(1)>", "< script>alert(1)</script>", "<?xml version='1.0'?>",
            "<javascript:alert(1)>", "<https://evil.example>"]


@pytest.mark.parametrize("reference", ["&lt;img src=x onerror=alert(1)&gt;", "&#60;script&#62;", "&#x3C;svg&#x3E;",
                                       "java&Tab;script", "&quot;"])
def test_html_character_references_are_refused_because_decoders_turn_them_into_markup(kb_copy, reference):
    line = set_title(kb_copy, f"Delayed effect {reference}")
    assert_refused(kb_copy, line, "'title' contains an HTML character reference")


@pytest.mark.parametrize("markup", RAW_HTML)
def test_raw_html_is_refused(kb_copy, markup):
    line = set_explanation(kb_copy, f"Before {markup} after.")
    assert_refused(kb_copy, line, "'explanation' contains raw HTML")


# --- links and images: only http(s), mailto and the site; images only from the site -------------

SCRIPT_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][evil]\n\n[evil]: data:text/html,hi",
    "[x]( javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](file:///etc/passwd)",
]


@pytest.mark.parametrize("text", SCRIPT_LINKS)
def test_script_urls_are_refused_however_they_are_written(kb_copy, text):
    line = set_explanation(kb_copy, text)
    assert_refused(kb_copy, line, "contains a script URL")


def test_a_link_to_another_scheme_is_refused(kb_copy):
    line = set_explanation(kb_copy, "[x](ftp://files.example/x)")
    assert_refused(kb_copy, line, "links to a 'ftp:' address")


IMAGES = [
    "![pixel](https://evil.example/p.png)",
    "![pixel](//evil.example/p.png)",
    "![pixel](HTTP://evil.example/p.png)",
    "![pixel][p]\n\n[p]: https://evil.example/p.png",
    "![local](../assets/images/favicon.png)",
]


@pytest.mark.parametrize("text", IMAGES)
def test_images_are_refused_so_no_page_loads_one_from_elsewhere(kb_copy, text):
    line = set_explanation(kb_copy, text)
    assert_refused(kb_copy, line, "shows an image: KB text may not show images")


@pytest.mark.parametrize("text", ["[faq](../faq/)", "[x](/etc/passwd)", "[x](#referred-pain-missed)"])
def test_relative_links_are_refused_because_kb_text_appears_on_several_pages(kb_copy, text):
    line = set_explanation(kb_copy, text)
    assert_refused(kb_copy, line, "links to the relative address", "structured fields")


@pytest.mark.parametrize("text", ["[a source](https://example.org/a_(b))", "[write to us](mailto:editors@example.org)",
                                  "Plain text with a colon: and data: and javascript: in prose."])
def test_whole_http_and_mailto_links_and_plain_prose_pass(kb_copy, text):
    set_explanation(kb_copy, text)
    assert problems_of(kb_copy) == []


@pytest.mark.parametrize("text", ['--8<-- "mkdocs.yml"', ';--8<-- "kb/meta.yaml"', '-8<- "README.md"',
                                  '--8<--\nmkdocs.yml\n--8<--'])
def test_file_includes_are_refused_before_anything_is_rendered(kb_copy, text):
    line = set_explanation(kb_copy, text)
    assert_refused(kb_copy, line, "contains file-include syntax")


# --- front matter and single-line fields ---------------------------------------------------------

@pytest.mark.parametrize("summary", ["Short.\n---\ntitle: Hijacked", "Short.\n", "Two\nlines"])
def test_a_summary_must_be_one_line(kb_copy, summary):
    line = set_line(kb_copy, CAUSE, "summary: ", "summary: " + json.dumps(summary))
    assert_refused(kb_copy, line, "'summary' must be a single line")


@pytest.mark.parametrize("file,prefix,value,fragment", [
    (CAUSE, "id: ", "delayed-effect\n", "id 'delayed-effect\\n' must be kebab-case"),
    ("meta.yaml", "version: ", "1.1.0\n", "'version'"),
    ("meta.yaml", "version: ", "\u0661.\u0660.\u0660", "'version'"),
    (CAUSE, '  "on": ', "2026-02-30", "'on'"),
])
def test_patterns_match_the_whole_value(kb_copy, file, prefix, value, fragment):
    line = set_line(kb_copy, file, prefix, prefix + json.dumps(value))
    assert_refused(kb_copy, line, fragment, file=file)


def test_make_stale_reports_an_impossible_date_without_a_traceback(kb_copy):
    set_line(kb_copy, CAUSE, '  "on": ', '  "on": "2026-02-30"')
    result = run_command("macros.kb.stale", "--kb", str(kb_copy))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "kb/causes/delayed-effect.yaml:" in result.stderr and "'on'" in result.stderr


# --- invisible and control characters ------------------------------------------------------------

@pytest.mark.parametrize("char,kind", [("\x07", "a control"), ("\x1b", "a control"), ("\r", "a control"),
                                       ("\x85", "a control"), ("\u202e", "an invisible or direction-changing"),
                                       ("\u200b", "an invisible or direction-changing"),
                                       ("\u2066", "an invisible or direction-changing"),
                                       ("\ufeff", "an invisible or direction-changing")])
def test_control_and_invisible_characters_are_refused(kb_copy, char, kind):
    line = set_title(kb_copy, f"Delayed{char}effect")
    assert_refused(kb_copy, line, f"'title' contains {kind} character (U+{ord(char):04X})")


def test_a_nul_byte_is_reported_at_its_line(kb_copy):
    path = kb_copy / CAUSE
    lines = path.read_bytes().split(b"\n")
    lines[9] = lines[9] + b"\x00"
    path.write_bytes(b"\n".join(lines))
    assert_refused(kb_copy, 10, "is not valid YAML", "U+0000")


def test_a_byte_that_is_not_utf8_is_reported_at_its_line(kb_copy):
    path = kb_copy / CAUSE
    lines = path.read_bytes().split(b"\n")
    lines[11] = lines[11] + b" \xff\xfe"
    path.write_bytes(b"\n".join(lines))
    assert_refused(kb_copy, 12, "is not UTF-8 text: byte 0xff")


def test_windows_line_endings_are_accepted(kb_copy):
    path = kb_copy / CAUSE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems_of(kb_copy) == []


# --- YAML that expands, loops or builds objects ---------------------------------------------------

ALIAS_BOMB = ("- id: bomb\n  name: Bomb\n  synonyms: &a [x, x, x, x, x, x, x, x, x]\n"
              "  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
              "  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
              "  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")


def test_an_alias_bomb_is_refused_at_once(kb_copy):
    (kb_copy / "regions.yaml").write_text("# yaml-language-server: $schema=schema/regions.schema.json\n" + ALIAS_BOMB,
                                          encoding="utf-8")
    start = time.perf_counter()
    problems = problems_of(kb_copy)
    assert time.perf_counter() - start < 2
    assert any(p.startswith("kb/regions.yaml:5: uses a YAML alias") for p in problems), problems


@pytest.mark.parametrize("yaml_text,fragment", [
    ("- &a [*a]\n", "uses a YAML alias"),
    ("- id: knee\n  name: &n Knee\n  synonyms: [*n]\n", "uses a YAML alias"),
    ("- id: knee\n  name: !foo Knee\n", "uses the YAML tag '!foo'"),
    ("- !!python/object/apply:os.system ['touch " + CANARY + "']\n", "uses the YAML tag 'tag:yaml.org,2002:python/object"),
    ("- id: knee\n  name: !!binary aGVsbG8=\n", "uses the YAML tag 'tag:yaml.org,2002:binary'"),
    ("- !!set {a, b}\n", "uses the YAML tag 'tag:yaml.org,2002:set'"),
    ("- id: knee\n  name: !!int eight\n", "'eight' is not a valid int value"),
    ("- id: knee\n  ? [a, b]\n  : c\n", "has a key that is not plain text"),
    ("- " + "[" * 2000 + "]" * 2000 + "\n", "is not valid YAML"),
])
def test_yaml_beyond_plain_data_is_refused(kb_copy, yaml_text, fragment):
    (kb_copy / "regions.yaml").write_text(yaml_text, encoding="utf-8")
    problems = problems_of(kb_copy)
    assert any(p.startswith("kb/regions.yaml:") and fragment in p for p in problems), problems
    assert not os.path.exists(CANARY)


@pytest.mark.parametrize("value,fragment", [("7.0", "order 7.0 must be a whole number such as 7"),
                                            ("1e3", "must be a whole number"), ("true", "'order' must be a whole number")])
def test_an_order_must_be_a_whole_number(kb_copy, value, fragment):
    line = set_line(kb_copy, CAUSE, "order: ", f"order: {value}")
    assert_refused(kb_copy, line, fragment)


# --- files: only regular files inside kb/, of bounded size ----------------------------------------

def test_a_cause_that_links_to_a_device_is_refused(kb_copy):
    os.symlink("/dev/zero", kb_copy / "causes" / "zero.yaml")
    assert "kb/causes/zero.yaml:1: is a link to a file outside the KB folder: KB files must be inside kb/" in problems_of(kb_copy)


def test_a_cause_that_is_a_pipe_does_not_hang(kb_copy):
    os.mkfifo(kb_copy / "causes" / "pipe.yaml")
    assert any(p.startswith("kb/causes/pipe.yaml:1: is not a regular file") for p in problems_of(kb_copy))


def test_a_link_to_a_file_outside_the_kb_is_refused(kb_copy, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text((kb_copy / CAUSE).read_text(encoding="utf-8"), encoding="utf-8")
    (kb_copy / CAUSE).unlink()
    os.symlink(outside, kb_copy / CAUSE)
    assert any(p.startswith(f"kb/{CAUSE}:1: is a link to a file outside the KB folder") for p in problems_of(kb_copy))


def test_a_subfolder_of_causes_is_reported_not_ignored(kb_copy):
    (kb_copy / "causes" / "extra").mkdir()
    (kb_copy / "causes" / "extra" / "hidden.yaml").write_text("id: hidden\n", encoding="utf-8")
    assert any(p.startswith("kb/causes/extra:1: is a folder") for p in problems_of(kb_copy))


def test_a_folder_in_place_of_a_kb_file_is_refused(kb_copy):
    (kb_copy / "faq.yaml").unlink()
    (kb_copy / "faq.yaml").mkdir()
    assert any(p.startswith("kb/faq.yaml:1: is not a regular file") for p in problems_of(kb_copy))


def test_an_oversized_file_is_refused_unread(kb_copy):
    path = kb_copy / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "#" + "x" * 1_100_000 + "\n", encoding="utf-8")
    assert any(p.startswith("kb/glossary.yaml:1: is too large") for p in problems_of(kb_copy))


@pytest.mark.parametrize("breakage,fragment", [
    ("directory", "kb/addresses.txt:1: is not a regular file"),
    ("latin-1", "kb/addresses.txt:3: is not UTF-8 text"),
    ("device", "kb/addresses.txt:1: is a link to a file outside the KB folder"),
])
def test_a_broken_address_registry_is_reported(kb_copy, breakage, fragment):
    path = kb_copy / "addresses.txt"
    if breakage == "directory":
        path.unlink()
        path.mkdir()
    elif breakage == "latin-1":
        lines = path.read_bytes().split(b"\n")
        lines[2] = b"caf\xe9/"
        path.write_bytes(b"\n".join(lines))
    else:
        path.unlink()
        os.symlink("/dev/zero", path)
    assert any(p.startswith(fragment) for p in problems_of(kb_copy)), problems_of(kb_copy)


@pytest.mark.parametrize("breakage,fragment", [
    ("missing", "kb/schema/faq.schema.json:1: is missing"),
    ("not json", "kb/schema/faq.schema.json:2: is not valid JSON"),
    ("not a schema", "kb/schema/faq.schema.json:1: is not a valid JSON Schema"),
])
def test_a_broken_schema_is_reported_at_its_file(kb_copy, breakage, fragment):
    path = kb_copy / "schema" / "faq.schema.json"
    if breakage == "missing":
        path.unlink()
    elif breakage == "not json":
        path.write_text('{\n  "type": [,\n}\n', encoding="utf-8")
    else:
        path.write_text('{"type": 5}\n', encoding="utf-8")
    assert any(p.startswith(fragment) for p in problems_of(kb_copy)), problems_of(kb_copy)


# --- nothing replaced silently: pages, ids and redirects --------------------------------------------

def test_a_cause_named_index_cannot_replace_the_causes_index(kb_copy):
    path = kb_copy / CAUSE
    text = path.read_text(encoding="utf-8").replace("id: delayed-effect", "id: index", 1)
    path.unlink()
    (kb_copy / "causes" / "index.yaml").write_text(text, encoding="utf-8")
    problems = problems_of(kb_copy)
    expected = "kb/causes/index.yaml:2: cause id 'index' would replace the page docs/causes/index.md"
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize("source", ["about/", "causes/", "faq/", "checklist/"])
def test_a_redirect_cannot_replace_a_real_page(kb_copy, source):
    (kb_copy / "redirects.yaml").write_text(f"- from: {source}\n  to: delayed-effect\n", encoding="utf-8")
    assert_refused(kb_copy, 1, f"redirect from '{source}': that is a page of the site", file="redirects.yaml")


@pytest.mark.parametrize("anchor", ["kb-summary-text", "references", "cite-x"])
def test_a_redirect_cannot_take_an_id_the_page_uses(kb_copy, anchor):
    (kb_copy / "redirects.yaml").write_text(f"- from: checklist/#{anchor}\n  to: delayed-effect\n", encoding="utf-8")
    assert_refused(kb_copy, 1, f"'{anchor}' is an id the page already uses", file="redirects.yaml")


def test_a_redirect_declared_twice_is_refused(kb_copy):
    (kb_copy / "redirects.yaml").write_text("- from: causes/old/\n  to: delayed-effect\n"
                                            "- from: causes/old/\n  to: incorrect-diagnosis\n", encoding="utf-8")
    assert_refused(kb_copy, 3, "redirect from 'causes/old/' is declared twice (first at line 1)", file="redirects.yaml")


@pytest.mark.parametrize("entry_id", ["references", "kb-summary-text", "kb-anything", "cite-maricar", "constructor",
                                      "privacy", "deep-links", "frequently-asked-questions", "md-header"])
def test_ids_the_pages_already_use_are_reserved(kb_copy, entry_id):
    line = set_line(kb_copy, "glossary.yaml", "- id: ", f"- id: {entry_id}")
    assert_refused(kb_copy, line, f"id '{entry_id}' is reserved", file="glossary.yaml")


def test_the_check_command_agrees_and_never_shows_a_traceback(kb_copy):
    set_title(kb_copy, "{{ 7*7 }}")
    (kb_copy / "regions.yaml").write_text("- &a [*a]\n", encoding="utf-8")
    result = run_command("macros.kb.__main__", str(kb_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "kb/causes/delayed-effect.yaml:4: 'title' contains template syntax" in result.stderr
    assert "kb/regions.yaml:1: uses a YAML alias" in result.stderr
