"""Hostile input, second round: each class closed as a class, each edit refused at its exact `file:line: message`.

Links that leave the site from a structured field, syntax that joins two fields, hidden characters, hangs,
tracebacks, a redirect that takes an id its page uses. Every case edits a temporary copy of kb/, validates it
in process, and must finish within CASE_SECONDS. The page-level proof that no template value can link off-site
is in test_hostile_pages.py; releases, addresses and the site's address in test_hostile_releases.py.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from macros.kb import validate_kb

CAUSE = "causes/delayed-effect.yaml"
CASE_SECONDS = 2.0  # processor time of one validation of a whole KB copy, in process (wall time on a shared machine varies)

PLAIN = ("is plain text (a name, title or label that templates place inside links and headings): it may not hold "
         "Markdown such as links, emphasis or code")
OPEN = "has a '[' that is not part of a link: on a page it could join the next field's text into a link; write round brackets"
CLOSE = ("has a ']' that is not part of a link: on a page it could close a link that another field opened; "
         "write round brackets")
TICK = ("has a backtick that opens no complete code span: on a page it could swallow the text up to the next "
        "field's backtick; close the span in the same field, or remove it")
TILDES = ("has a '~~~' that opens no complete code block: on a page it could swallow the headings up to the next "
          "field's '~~~'; close the block in the same field, or remove it")
BACKSLASH = "is plain text: it may not hold a backslash, which escapes the link syntax around it on a page"


def problems_of(kb_dir: Path, limit: float = CASE_SECONDS) -> list[str]:
    start = time.process_time()
    _docs, problems = validate_kb(kb_dir)
    elapsed = time.process_time() - start
    assert elapsed < limit, f"validation took {elapsed:.2f} s on hostile input (bound {limit} s)"
    return [str(p) for p in problems]


def set_line(kb: Path, file: str, prefix: str, new_line: str, nth: int = 1) -> int:
    """Replace the nth line starting with prefix by new_line; return its line number."""
    path = kb / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = [i for i, line in enumerate(lines) if line.startswith(prefix)][nth - 1]
    lines[n] = new_line + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    return n + 1


def set_value(kb: Path, file: str, prefix: str, value: str, nth: int = 1) -> int:
    """Give the nth `prefix` line (e.g. '  name: ') this value, written as a YAML double-quoted string."""
    return set_line(kb, file, prefix, prefix + json.dumps(value, ensure_ascii=False), nth)


def set_block(kb: Path, file: str, key: str, text: str) -> int:
    """Replace the first `key: |` block of file by text; return the line of its first text line."""
    path = kb / file
    source = path.read_text(encoding="utf-8")
    start = source.index(f"{key}: |\n") + len(f"{key}: |\n")
    indent = " " * (len(source[:start].splitlines()[-1]) - len(source[:start].splitlines()[-1].lstrip()) + 2)
    end = start
    while end < len(source) and (source[end] == "\n" or source.startswith(indent, end)):
        end = source.index("\n", end) + 1
    block = "".join(f"{indent}{line}\n" if line else "\n" for line in text.split("\n"))
    path.write_text(source[:start] + block + source[end:], encoding="utf-8")
    return source[:start].count("\n") + 1


def assert_exactly(kb: Path, *expected: str) -> None:
    problems = problems_of(kb)
    assert sorted(problems) == sorted(expected), problems


# --- a structured field can never end a template's link: names, titles, ids, DOIs and addresses are plain text ---

STRUCTURED = [
    ("conditions.yaml", "  name: ", "Gout](https://evil.example/g) (see", "entry 'osteoarthritis': 'name' ", [CLOSE]),
    ("regions.yaml", "  name: ", "Neck [here](https://evil.example/n)", "entry 'neck': 'name' ", [PLAIN]),
    ("glossary.yaml", "  term: ", "Corticosteroid\\", "entry 'corticosteroid': 'term' ", [BACKSLASH]),
    ("faq.yaml", "  question: ", "Did it `fail`?", "entry 'does-failure-mean-wrong-diagnosis': 'question' ", [PLAIN]),
    ("red-flags.yaml", "  title: ", "Septic [arthritis", "entry 'joint-infection': 'title' ", [OPEN]),
    ("alternatives.yaml", "  title: ", "Exercise `rehabilitation`", "entry 'exercise-rehabilitation': 'title' ", [PLAIN]),
    ("approach.yaml", "  title: ", "Confirm](//evil.example/c)", "entry 'confirm-it-failed': 'title' ", [CLOSE]),
    ("references.yaml", "  title: ", "Efficacy](https://evil.example/r) [of", "", [OPEN, CLOSE]),
    ("references.yaml", "  authors: ", "Koutsianas C](https://evil.example/a)", "", [CLOSE]),
    ("meta.yaml", "title: ", "Why [did] it fail?", "", [OPEN, CLOSE]),
    ("meta.yaml", "    name: ", "CC BY 4.0](https://evil.example/l)", "", [CLOSE]),
    (CAUSE, "title: ", "Delayed effect](https://evil.example/t) [x", "", [OPEN, CLOSE]),
    (CAUSE, "summary: ", "Wait [longer](https://evil.example/s).", "", [PLAIN]),
    (CAUSE, "  by: ", "editorial team](https://evil.example/b)", "", [CLOSE]),
]


@pytest.mark.parametrize("file,prefix,value,where,messages", STRUCTURED,
                         ids=[f"{f.split('/')[-1]}:{p.strip()}{v[:12]}" for f, p, v, _w, _m in STRUCTURED])
def test_a_structured_field_that_would_break_out_of_a_link_is_refused(kb_copy, file, prefix, value, where, messages):
    line = set_value(kb_copy, file, prefix, value)
    if file == "references.yaml":
        where = f"entry '{_first_reference_id(kb_copy)}': '{prefix.strip(' :')}' "
    elif not where:
        where = f"'{prefix.strip(' :')}' "
    assert_exactly(kb_copy, *(f"kb/{file}:{line}: {where}{message}" for message in messages))


def _first_reference_id(kb: Path) -> str:
    line = next(line for line in (kb / "references.yaml").read_text(encoding="utf-8").splitlines()
                if line.startswith("- id: "))
    return line.removeprefix("- id: ").strip()


def test_a_condition_synonym_is_a_name_too(kb_copy):
    line = set_line(kb_copy, "conditions.yaml", "  synonyms: [OA,", '  synonyms: ["OA](https://evil.example/o)", arthritis]')
    assert_exactly(kb_copy, f"kb/conditions.yaml:{line}: entry 'osteoarthritis': 'synonyms' {CLOSE}")


def test_a_reference_address_that_appends_a_second_link_is_refused(kb_copy):
    line = set_value(kb_copy, "references.yaml", "  url: ", "https://ok.example/a)[x](https://evil.example/b")
    ref = _first_reference_id(kb_copy)
    assert_exactly(kb_copy, f"kb/references.yaml:{line}: entry '{ref}': 'url' {OPEN}",
                   f"kb/references.yaml:{line}: entry '{ref}': 'url' {CLOSE}")


def test_a_reference_address_with_a_space_is_refused_whatever_the_schema_copy_says(kb_copy):
    schema = kb_copy / "schema" / "references.schema.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["items"]["properties"]["url"].pop("pattern", None)  # a pull request may weaken its own schema copy
    schema.write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = set_value(kb_copy, "references.yaml", "  url: ", "https://ok.example/a b")
    ref = _first_reference_id(kb_copy)
    assert_exactly(kb_copy, f"kb/references.yaml:{line}: entry '{ref}': 'url' 'https://ok.example/a b' must be one whole "
                            "http(s) address, such as https://example.org/page")


def test_an_id_keeps_its_form_whatever_the_schema_copy_says(kb_copy):
    schema = kb_copy / "schema" / "conditions.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",', ""),
                      encoding="utf-8")
    line = set_value(kb_copy, "conditions.yaml", "- id: ", "gout){ #x }")
    problems = problems_of(kb_copy)
    assert f"kb/conditions.yaml:{line}: entry 'gout){{ #x }}': id 'gout){{ #x }}' must be kebab-case: lower-case " \
           "letters, digits and single hyphens" in problems


def test_a_doi_that_closes_its_link_text_is_refused(kb_copy):
    line = set_line(kb_copy, "references.yaml", "  doi: null", '  doi: "10.1000/x]y"')
    assert_exactly(kb_copy, f"kb/references.yaml:{line}: entry '{_first_reference_id(kb_copy)}': 'doi' {CLOSE}")


def test_a_checklist_question_that_closes_a_link_is_refused(kb_copy):
    text = (kb_copy / CAUSE).read_text(encoding="utf-8")
    ask = next(line for line in text.splitlines() if line.lstrip().startswith("ask: "))
    prefix = ask[: ask.index("ask: ") + len("ask: ")]
    line = set_value(kb_copy, CAUSE, prefix, "Is it too early](https://evil.example/q)?")
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"kb/{CAUSE}:{line}: check '") and p.endswith(f"'ask' {CLOSE}") for p in problems), problems


# --- text split over two fields: no fence, code span or link reference may join them ------------------------------

@pytest.mark.parametrize("text,offset_line,message", [
    ("Relief takes time.\n\n```\nThe fence never closes here.", 2, TICK),
    ("Relief takes time.\n\n~~~\nThe block never closes here.", 2, TILDES),
    ("Relief builds over `days and weeks.", 0, TICK),
    ("Relief builds `over` days and `weeks.", 0, TICK),
    ("Relief [builds over days and weeks.", 0, OPEN),
    ("Relief builds] over days and weeks.", 0, CLOSE),
])
def test_syntax_that_another_field_would_complete_is_refused_at_its_line(kb_copy, text, offset_line, message):
    first = set_block(kb_copy, CAUSE, "    explanation", text)
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first + offset_line}: facet 'onset-takes-time': 'explanation' {message}")


def test_a_complete_code_block_and_code_span_in_one_field_pass(kb_copy):
    set_block(kb_copy, CAUSE, "    explanation", "Relief takes `time`.\n\n```\nA complete block.\n```\n\nMore text.")
    assert problems_of(kb_copy) == []


DEFINES = "defines the link reference '[{name}]:': a link's address goes in the link itself, since a definition " \
          "would serve every field on the page"


@pytest.mark.parametrize("text,name,at", [
    ("Relief takes time.\n\n[go]: javascript:alert(1)", "go", 2),
    ("Relief takes time.\n\n[p]: https://evil.example/pixel.png", "p", 2),
    ("Relief takes time.\n\n   [Next]: https://evil.example/n (A title)", "next", 2),
    ("Relief takes time.\n[more]: https://evil.example/m", "more", 1),
])
def test_a_link_reference_definition_is_refused_since_it_would_serve_other_fields(kb_copy, text, name, at):
    first = set_block(kb_copy, CAUSE, "    explanation", text)
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first + at}: facet 'onset-takes-time': 'explanation' " + DEFINES.format(name=name))


def test_a_reference_used_in_one_field_and_defined_in_another_is_refused_in_both(kb_copy):
    overview = set_block(kb_copy, CAUSE, "overview", "Pain persists. [Read more][go]")
    first = set_block(kb_copy, CAUSE, "    explanation", "Relief takes time.\n\n[go]: https://evil.example/go")
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first + 2}: facet 'onset-takes-time': 'explanation' " + DEFINES.format(name="go"),
                   f"kb/{CAUSE}:{overview}: 'overview' {OPEN}", f"kb/{CAUSE}:{overview}: 'overview' {CLOSE}")


def test_an_image_reference_used_across_fields_is_refused_in_both(kb_copy):
    overview = set_block(kb_copy, CAUSE, "overview", "Pain persists. ![pixel][px]")
    first = set_block(kb_copy, CAUSE, "    explanation", "Relief takes time.\n\n[px]: https://evil.example/p.png")
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first + 2}: facet 'onset-takes-time': 'explanation' " + DEFINES.format(name="px"),
                   f"kb/{CAUSE}:{overview}: 'overview' {OPEN}", f"kb/{CAUSE}:{overview}: 'overview' {CLOSE}")


# --- characters that hide or reshape text ---------------------------------------------------------------------------

HIDDEN = "contains an invisible or direction-changing character (U+{code:04X}): remove it"


@pytest.mark.parametrize("file,prefix,where,char", [
    (CAUSE, "title: ", "", "\u061c"),  # Arabic letter mark: reorders text
    (CAUSE, "summary: ", "", "\U000e0041"),  # TAG LATIN CAPITAL LETTER A: invisible text
    (CAUSE, "title: ", "", "\U000e007f"),  # CANCEL TAG
    ("conditions.yaml", "  name: ", "entry 'osteoarthritis': ", "\u00ad"),  # soft hyphen
    ("regions.yaml", "  name: ", "entry 'neck': ", "\ufe0f"),  # variation selector
    ("glossary.yaml", "  term: ", "entry 'corticosteroid': ", "\u3164"),  # Hangul filler: a blank letter
    ("faq.yaml", "  question: ", "entry 'does-failure-mean-wrong-diagnosis': ", "\ufff9"),  # interlinear annotation
    ("red-flags.yaml", "  title: ", "entry 'joint-infection': ", "\ue000"),  # private use
    ("alternatives.yaml", "  title: ", "entry 'exercise-rehabilitation': ", "\u206a"),  # deprecated format char
    ("approach.yaml", "  title: ", "entry 'confirm-it-failed': ", "\U0001d173"),  # musical format char
])
def test_characters_that_hide_or_reshape_text_are_refused(kb_copy, file, prefix, where, char):
    line = set_value(kb_copy, file, prefix, f"Hidden{char}text")
    field = prefix.strip(" :")
    assert_exactly(kb_copy, f"kb/{file}:{line}: {where}'{field}' " + HIDDEN.format(code=ord(char)))


def test_a_hidden_character_deep_in_a_block_is_reported_at_its_line(kb_copy):
    first = set_block(kb_copy, CAUSE, "    explanation", "Line one.\nLine two.\nLine \u2067three\u2069.")
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first + 2}: facet 'onset-takes-time': 'explanation' " + HIDDEN.format(code=0x2067))


# --- hangs: linear algorithms, bounded input --------------------------------------------------------------------

BRACKETS = "holds more than 64 '[': square brackets are link syntax, and one text may hold at most that many"


@pytest.mark.parametrize("text", ["[" * 20000, "[a](" * 5000, "[a][" * 5000, "![" * 8000])
def test_thousands_of_link_openings_are_refused_at_once(kb_copy, text):
    first = set_block(kb_copy, CAUSE, "    explanation", text)
    assert_exactly(kb_copy, f"kb/{CAUSE}:{first}: facet 'onset-takes-time': 'explanation' {BRACKETS}")


@pytest.mark.parametrize("text", ["Pain " + "-" * 200_000 + " here.", "-" * 100_000 + "8<", "Pain " + "-8" * 50_000])
def test_long_runs_of_dashes_are_read_in_linear_time(kb_copy, text):
    set_block(kb_copy, CAUSE, "    explanation", text)
    assert problems_of(kb_copy) == []


def test_ten_thousand_unknown_keys_are_reported_quickly_and_counted(kb_copy):
    keys = "".join(f"  extra{i:05d}: x\n" for i in range(10_000))
    (kb_copy / "regions.yaml").write_text((kb_copy / "regions.yaml").read_text(encoding="utf-8").replace(
        "  joint: spine\n", "  joint: spine\n" + keys, 1), encoding="utf-8")
    problems = problems_of(kb_copy)
    shown = [p for p in problems if "unknown key" in p]
    assert len(shown) == 11, shown[:12]
    assert shown[0] == "kb/regions.yaml:4: entry 'neck': 9990 more unknown keys besides the 10 reported"
    assert shown[1].startswith("kb/regions.yaml:7: entry 'neck': unknown key 'extra00000' (")


def test_a_backtracking_pattern_in_a_schema_copy_is_stopped_at_the_value(kb_copy):
    schema = kb_copy / "schema" / "regions.schema.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["items"]["properties"]["name"] = {"type": "string", "pattern": "^(([A-Za-z]+ ?)+)+$"}
    schema.write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = set_value(kb_copy, "regions.yaml", "  name: ", "Neck cervical spine region of the body here!")
    problems = problems_of(kb_copy, limit=CASE_SECONDS + 0.5)
    assert f"kb/regions.yaml:{line}: entry 'neck': 'name': the schema's pattern took too long (over 0.5 s) to check " \
           "'Neck cervical spine region of the body h': the pattern '^(([A-Za-z]+ ?)+)+$' backtracks; simplify it in " \
           "the schema" in problems


def test_a_backtracking_pattern_costs_its_time_bound_once_not_once_per_value(kb_copy):
    schema = kb_copy / "schema" / "conditions.schema.json"
    data = json.loads(schema.read_text(encoding="utf-8"))
    data["items"]["properties"]["name"] = {"type": "string", "pattern": "^(a|aa)+$"}
    schema.write_text(json.dumps(data, indent=2), encoding="utf-8")
    for nth in range(1, 6):
        set_value(kb_copy, "conditions.yaml", "  name: ", "a" * 60 + "!", nth)
    slow = [p for p in problems_of(kb_copy, limit=CASE_SECONDS + 0.5) if "took too long" in p]
    assert slow == [f"kb/conditions.yaml:4: entry 'osteoarthritis': 'name': the schema's pattern took too long (over "
                    f"0.5 s) to check '{'a' * 40}': the pattern '^(a|aa)+$' backtracks; simplify it in the schema"]


# --- tracebacks become file:line ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value,shown", [(".nan", "nan"), ("1.0e+400", "inf"), ("-.inf", "-inf"), (".NaN", "nan")])
def test_an_order_that_is_not_a_finite_number_is_reported(kb_copy, value, shown):
    line = set_line(kb_copy, CAUSE, "order: ", f"order: {value}")
    below = [f"kb/{CAUSE}:{line}: 'order': -inf is less than the minimum of 1"] if shown == "-inf" else []
    assert_exactly(kb_copy, f"kb/{CAUSE}:{line}: 'order' must be a whole number, not the number {shown}", *below)


def test_a_reference_that_is_a_list_is_reported_not_a_traceback(kb_copy):
    path = kb_copy / CAUSE
    text = path.read_text(encoding="utf-8")
    start = text.index("    references:\n") + len("    references:\n")
    path.write_text(text[:start] + "      - [tem-2000, x]\n" + text[start:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    assert f"kb/{CAUSE}:{line}: facet 'onset-takes-time': 'references' must be text, not a list" in problems_of(kb_copy)


def test_a_region_that_is_a_list_in_a_check_is_reported_not_a_traceback(kb_copy):
    path = kb_copy / CAUSE
    text = path.read_text(encoding="utf-8")
    at = text.index("      - id: ", text.index("    checks:"))
    end = text.index("\n", at) + 1
    path.write_text(text[:end] + "        regions: [[knee, hip]]\n" + text[end:], encoding="utf-8")
    line = text[:end].count("\n") + 1
    problems = problems_of(kb_copy)
    assert any(p.startswith(f"kb/{CAUSE}:{line}: check '") and p.endswith("'regions' must be text, not a list")
               for p in problems), problems


def test_an_id_that_is_a_mapping_is_reported_not_a_traceback(kb_copy):
    line = set_line(kb_copy, "conditions.yaml", "- id: osteoarthritis", "- id: {osteo: arthritis}")
    problems = problems_of(kb_copy)
    assert f"kb/conditions.yaml:{line}: 'id' must be text, not a mapping" in problems


def test_deeply_nested_flow_mappings_are_reported(kb_copy):
    (kb_copy / "faq.yaml").write_text("- id: deep\n  question: " + "{a: " * 3000 + "b" + "}" * 3000 + "\n",
                                      encoding="utf-8")
    assert "kb/faq.yaml:2: is not valid YAML: exceeded maximum nesting depth" in problems_of(kb_copy)


SCHEMA_REF = ("'$ref' {ref!r} does not name one of this file's $defs: a KB schema refers only to its own definitions "
              "('#/$defs/<name>'), never to another file or address")
LOOP = "'$ref' {ref!r} leads back to itself: a definition may not refer to itself, directly or through others"


@pytest.mark.parametrize("schema,expected", [
    ('{"type": "array",\n "items": {"$ref": "#/$defs/r"},\n "$defs": {"r": {"$ref": "#/$defs/r"}}}',
     ["kb/schema/faq.schema.json:2: " + LOOP.format(ref="#/$defs/r")]),
    ('{"type": "array",\n "items": {"$ref": "#/$defs/a"},\n "$defs": {"a": {"items": {"$ref": "#/$defs/b"}},\n'
     ' "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}}',
     ["kb/schema/faq.schema.json:2: " + LOOP.format(ref="#/$defs/a"),
      "kb/schema/faq.schema.json:3: " + LOOP.format(ref="#/$defs/b")]),
    ('{"type": "array",\n "items": {"$ref": "https://evil.example/faq.json"}}',
     ["kb/schema/faq.schema.json:2: " + SCHEMA_REF.format(ref="https://evil.example/faq.json")]),
    ('{"type": "array",\n "items": {"$ref": "other.schema.json#/$defs/x"}}',
     ["kb/schema/faq.schema.json:2: " + SCHEMA_REF.format(ref="other.schema.json#/$defs/x")]),
    ('{"type": "array",\n "items": {"$ref": "#/$defs/missing"}}',
     ["kb/schema/faq.schema.json:2: " + SCHEMA_REF.format(ref="#/$defs/missing")]),
    ('{"type": "array",\n "items": {"patternProperties": {"^(a+)+$": {}}}}',
     ["kb/schema/faq.schema.json:2: uses 'patternProperties' (list each key under 'properties'), which a KB schema "
      "may not use"]),
    ('{"type": "array",\n "items": {"$dynamicRef": "#meta"}}',
     ["kb/schema/faq.schema.json:2: uses a '$dynamicRef', which a KB schema may not use"]),
    ('{"items": ' * 3000 + "{}" + "}" * 3000, ["kb/schema/faq.schema.json:1: is nested too deeply to be a JSON Schema"]),
])
def test_a_schema_copy_that_reaches_outside_or_loops_is_refused_at_its_line(kb_copy, schema, expected):
    (kb_copy / "schema" / "faq.schema.json").write_text(schema, encoding="utf-8")
    problems = problems_of(kb_copy)
    assert [p for p in problems if p.startswith("kb/schema/")] == expected


# --- the right line after multibyte text ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [b"\x00", b"\x01", b"\x7f"])
def test_a_forbidden_byte_after_multibyte_text_is_reported_at_its_own_line(kb_copy, bad):
    path = kb_copy / CAUSE
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4] + ("é€漢字" * 30).encode("utf-8") + bad
    path.write_bytes(b"\n".join(lines))
    problems = problems_of(kb_copy)
    assert [p for p in problems if p.startswith(f"kb/{CAUSE}")] == [
        f"kb/{CAUSE}:5: is not valid YAML: character U+{bad[0]:04X} is not allowed"]


# --- make check reports what the build refuses: a redirect may not take an id its page gives an entry ---------------

TAKEN = "redirect from '{source}': '{anchor}' is an id the page already uses, so the old address cannot be taken over"


LIVE = "redirect from '{source}': that address is still published, so it cannot move"


@pytest.mark.parametrize("source,message", [
    ("causes/#delayed-effect", TAKEN), ("checklist/#incorrect-diagnosis", TAKEN), ("changelog/#v1-2-0", TAKEN),
    ("checklist/#kb-flag-joint-infection", TAKEN), ("causes/delayed-effect/#onset-takes-time", LIVE),
    ("faq/#does-failure-mean-wrong-diagnosis", LIVE)])
def test_a_redirect_anchor_that_duplicates_an_id_on_its_page_is_refused(kb_copy, source, message):
    (kb_copy / "redirects.yaml").write_text(f"- from: {source}\n  to: delayed-effect\n", encoding="utf-8")
    assert_exactly(kb_copy, "kb/redirects.yaml:1: " + message.format(source=source, anchor=source.split("#")[1]))


def test_a_moved_anchor_on_another_page_is_still_allowed(kb_copy):
    (kb_copy / "redirects.yaml").write_text("- from: causes/incorrect-diagnosis/#onset-takes-time\n"
                                            "  to: onset-takes-time\n", encoding="utf-8")
    assert problems_of(kb_copy) == []


def test_the_build_reports_the_same_lines_as_make_check(kb_copy):
    from macros.site import EngineError, current_kb

    first = set_block(kb_copy, CAUSE, "    explanation", "Relief takes time.\n\n[go]: javascript:alert(1)")
    (kb_copy / "redirects.yaml").write_text("- from: causes/#delayed-effect\n  to: delayed-effect\n", encoding="utf-8")
    expected = problems_of(kb_copy)
    assert f"kb/{CAUSE}:{first + 2}: facet 'onset-takes-time': 'explanation' " + DEFINES.format(name="go") in expected
    with pytest.raises(EngineError) as caught:
        current_kb(kb_copy)
    assert str(caught.value).splitlines()[1:] == expected


@pytest.mark.parametrize("text,expected", [
    ("{a: " * 900 + "b" + "}" * 900, "kb/faq.yaml:2: entry 'deep': 'question' must be text, not a mapping"),
    ("[" * 900 + "b" + "]" * 900, "kb/faq.yaml:1: is nested too deeply to be a KB file")])
def test_nesting_just_below_the_parsers_limit_is_reported_too(kb_copy, text, expected):
    (kb_copy / "faq.yaml").write_text("- id: deep\n  question: " + text + "\n", encoding="utf-8")
    assert expected in problems_of(kb_copy)


def test_the_pure_python_parser_reports_deep_nesting_without_a_traceback(kb_copy, monkeypatch):
    import yaml

    import macros.kb.load as load

    monkeypatch.setattr(load, "LOADER", yaml.SafeLoader)
    (kb_copy / "faq.yaml").write_text("- " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert "kb/faq.yaml:1: is nested too deeply to be a KB file" in problems_of(kb_copy, limit=CASE_SECONDS * 2)
