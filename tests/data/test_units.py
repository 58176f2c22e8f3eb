"""The core's small parts on their own: addresses, link and citation text, CSS strings, front matter, link targets.

No build and no browser: model objects are made here, or taken from the real KB where that is simpler.
"""
from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from macros.kb import load_kb, validate_kb
from macros.kb.generate import cause_pages, front_matter
from macros.kb.kinds import KINDS, kind_of, label
from macros.kb.markup import link_problem, url_scheme
from macros.kb.model import (
    Cause,
    Cell,
    Check,
    Condition,
    Facet,
    FaqEntry,
    Redirect,
    Reference,
    Review,
    Step,
    Term,
)
from macros.kb.render import citation_numbers, css_string, link_text, short_cite
from macros.kb.urls import link_from, page_url, source_of, url_of

# --- model objects made by hand ---------------------------------------------------


def a_reference(ref_id: str = "khan-2004", **fields) -> Reference:
    values = {"title": "Injection versus placebo for shoulder pain: a randomised trial", "authors": "Khan AM, McLoughlin E",
              "year": 2004, "url": "https://example.org/khan-2004", "kind": "trial", "finding": "Relief at six weeks."}
    return Reference(id=ref_id, **(values | fields))


def a_facet(facet_id: str, *, checks: tuple[str, ...] = (), references: tuple[Reference, ...] = ()) -> Facet:
    """A facet (with its checks, if named) that no cause holds yet."""
    items = tuple(Check(id=check_id, ask=f"Is there a sign of {check_id}?", label=check_id, key_step="Check it")
                  for check_id in checks)
    facet = Facet(id=facet_id, title=f"The title of {facet_id}, which may change", summary="One sentence.",
                  explanation="Why.", examples=("A patient.",), checks=items, next_steps=("Do this.",),
                  evidence="expert-opinion", evidence_note="Little evidence.", references=references)
    for item in items:
        object.__setattr__(item, "facet", facet)  # parents are filled in after construction, as the builder does
    return facet


def a_cause(cause_id: str, *facets: Facet) -> Cause:
    """A cause holding facets, each told its cause."""
    cause = Cause(id=cause_id, order=1, title=f"The title of {cause_id}", summary="One sentence.", overview="Text.",
                  reviewed=Review(on="2025-01-01", by="editorial team"), facets=facets)
    for facet in facets:
        object.__setattr__(facet, "cause", cause)
    return cause


def an_faq_entry(entry_id: str = "how-long-to-wait", cause: Cause | None = None) -> FaqEntry:
    return FaqEntry(id=entry_id, question="How long should I wait before judging the injection?", answer="Two weeks.",
                    causes=(cause,) if cause else ())


@pytest.fixture
def cause() -> Cause:
    return a_cause("delayed-effect", a_facet("onset-takes-time", checks=("onset-takes-time-check",)),
                   a_facet("post-injection-flare"))


# --- urls.py: where each entry is published ---------------------------------------


def test_a_cause_has_a_page_of_its_own_named_by_its_id(cause):
    assert source_of(cause) == ("causes/delayed-effect.md", "")
    assert url_of(cause) == "causes/delayed-effect/"


def test_a_facet_is_an_anchor_on_its_cause_page(cause):
    facet = cause.facets[0]
    assert source_of(facet) == ("causes/delayed-effect.md", "onset-takes-time")
    assert url_of(facet) == "causes/delayed-effect/#onset-takes-time"


def test_a_check_is_an_anchor_on_the_checklist_not_on_its_facet_page(cause):
    check = cause.facets[0].checks[0]
    assert source_of(check) == ("checklist.md", "onset-takes-time-check")
    assert url_of(check) == "checklist/#onset-takes-time-check"


def test_an_faq_entry_is_an_anchor_on_the_shared_faq_page(cause):
    assert source_of(an_faq_entry(cause=cause)) == ("faq.md", "how-long-to-wait")
    assert url_of(an_faq_entry(cause=cause)) == "faq/#how-long-to-wait"


def test_an_address_comes_from_ids_so_rewording_a_title_keeps_it():
    before = a_cause("delayed-effect", a_facet("onset-takes-time"))
    after = Cause(**{**vars(before), "title": "Relief that comes late"})
    assert url_of(after) == url_of(before) == "causes/delayed-effect/"


@pytest.mark.parametrize("entry", [Cell(text="No verified source for this figure."),
                                   Redirect(source="causes/old/", target=None)], ids=lambda e: type(e).__name__)
def test_a_kind_without_addresses_refuses_to_give_one(entry):
    with pytest.raises(TypeError, match="has no address"):
        source_of(entry)


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.addressed], ids=lambda kind: kind.name)
def test_every_addressed_kind_is_published_at_an_address_made_from_ids(kb, kind):
    entry = next((e for e in kb.entries if kind_of(e) is kind), None)
    assert entry is not None, f"the KB has no published {kind.noun} to take the address of"
    src, anchor = source_of(entry)
    assert url_of(entry) == page_url(src) + (f"#{anchor}" if anchor else "")
    assert anchor == (entry.id if kind.anchored else "")
    if kind.page is None:  # nested: on the page of the entry that holds it
        assert src == source_of(getattr(entry, kind.parent_attr))[0]
    elif "{id}" in kind.page:  # a page of its own
        assert entry.id in src
    else:  # an anchor on a shared page, which someone wrote
        assert (ROOT / "docs" / src).is_file(), f"{kind.noun} entries are drawn on {src}, which docs/ does not have"


@pytest.mark.parametrize("src, url", [
    ("index.md", ""),
    ("causes/index.md", "causes/"),
    ("faq.md", "faq/"),
    ("causes/delayed-effect.md", "causes/delayed-effect/"),
    ("training/slides/index.md", "training/slides/"),
    ("training/slides/week-one.md", "training/slides/week-one/"),
    ("reindex.md", "reindex/"),  # a name that merely ends in "index" is a page of its own
])
def test_page_url_is_the_directory_style_address_of_a_page_source(src, url):
    assert page_url(src) == url


def test_a_link_from_a_top_level_page_goes_down_into_causes(cause):
    assert link_from("faq.md", cause.facets[0]) == "causes/delayed-effect.md#onset-takes-time"
    assert link_from("index.md", cause) == "causes/delayed-effect.md"


def test_a_link_from_a_cause_page_goes_up_to_a_shared_page(cause):
    assert link_from("causes/index.md", an_faq_entry(cause=cause)) == "../faq.md#how-long-to-wait"
    assert link_from("causes/delayed-effect.md", cause.facets[0].checks[0]) == "../checklist.md#onset-takes-time-check"


def test_a_link_to_an_entry_on_the_same_page_names_the_page_and_its_anchor(cause):
    assert link_from("causes/delayed-effect.md", cause.facets[1]) == "delayed-effect.md#post-injection-flare"
    assert link_from("faq.md", an_faq_entry(cause=cause)) == "faq.md#how-long-to-wait"


# --- render.py: the text of links and citations -----------------------------------


def test_a_short_citation_is_the_first_authors_surname_and_the_year():
    assert short_cite(a_reference(authors="Khan AM, McLoughlin E, Giannakas K")) == "Khan 2004"
    assert short_cite(a_reference(authors="Cohen SP; Bicket MC")) == "Cohen 2004"
    assert short_cite(a_reference(authors="Taylor-Gjevre RM, Nair B")) == "Taylor-Gjevre 2004"


def test_a_short_citation_without_authors_uses_the_first_words_of_the_title():
    ref = a_reference(authors=None, title="Osteoarthritis in over 16s: diagnosis and management", year=2022)
    assert short_cite(ref) == "Osteoarthritis in over 16s 2022"


def test_a_short_citation_without_a_year_leaves_the_year_out():
    assert short_cite(a_reference(year=None)) == "Khan"
    assert short_cite(a_reference(authors=None, title="Steroid injection leaflet", year=None)) == "Steroid injection leaflet"


def test_link_text_is_the_entrys_label_or_a_short_citation(cause):
    ref = a_reference()
    assert link_text(ref) == "Injection versus placebo for shoulder pain: a randomised trial"
    assert link_text(ref, "cite") == "Khan 2004"
    assert link_text(cause.facets[0]) == link_text(cause.facets[0], "facet") == "The title of onset-takes-time, which may change"
    assert link_text(an_faq_entry()) == "How long should I wait before judging the injection?"


def test_an_entry_is_labelled_by_the_field_readers_know_it_by(cause):
    assert label(cause) == "The title of delayed-effect"
    assert label(cause.facets[0].checks[0]) == "Is there a sign of onset-takes-time-check?"
    assert label(Condition(id="gout", name="Gout")) == "Gout"
    assert label(Term(id="corticosteroid", term="Corticosteroid", definition="A steroid hormone.")) == "Corticosteroid"
    step = Step(id="review-dose", title="Review the dose", summary="S.", detail="D.", causes=(cause,))
    assert label(step) == "Review the dose"


def test_every_published_entry_of_the_kb_has_a_label_of_one_line(kb):
    assert [url_of(e) for e in kb.entries if not label(e).strip() or "\n" in label(e)] == []


def test_citations_are_numbered_in_first_cited_order_without_repeats():
    one, two, three = a_reference("one-2001"), a_reference("two-2002"), a_reference("three-2003")
    cause = a_cause("delayed-effect", a_facet("a", references=(one, two)), a_facet("b", references=(three, one)),
                    a_facet("c", references=(two,)))
    numbers = citation_numbers(cause)
    assert numbers == {"one-2001": 1, "two-2002": 2, "three-2003": 3}
    assert list(numbers) == ["one-2001", "two-2002", "three-2003"]


def test_a_cause_citing_nothing_numbers_nothing(cause):
    assert citation_numbers(cause) == {}


def read_css_string(css: str) -> tuple[str, int]:
    """Read one CSS string token from the start of css as a browser does (CSS Syntax Level 3, 4.3.5 and 4.3.7).

    Returns its value and where it ends; a line break before the closing quote makes it a bad string."""
    quote, value, i = css[0], [], 1
    assert quote in "\"'", f"not a string: {css!r}"
    while i < len(css):
        char = css[i]
        if char == quote:
            return "".join(value), i + 1
        if char in "\n\r\f":
            raise AssertionError(f"bad string: a raw line break at {i} in {css!r}")
        if char == "\\":
            hex_digits = re.match(r"[0-9a-fA-F]{1,6}", css[i + 1:])
            if hex_digits:
                code = int(hex_digits.group(0), 16)
                i += 1 + len(hex_digits.group(0))
                i += 2 if css[i:i + 2] == "\r\n" else 1 if css[i:i + 1] in (" ", "\t", "\n", "\r", "\f") else 0
                value.append("\ufffd" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code))
                continue
            if css[i + 1:i + 2] in ("\n", "\r", "\f"):
                raise AssertionError(f"a line continuation at {i}: css_string never writes one")
            value.append(css[i + 1])
            i += 2
            continue
        value.append(char)
        i += 1
    raise AssertionError(f"the string never ends: {css!r}")


@pytest.mark.parametrize("text", [
    "http://127.0.0.1:8000/ · KB version 1.1.0 · Educational aid, not medical advice",
    'a "quoted" word', "it's", "back\\slash", "\\22 looks like an escape", "ends in a backslash\\",
    "line\nbreak", "carriage\rreturn", "form\ffeed", "tab\there", "bell\x07 and delete\x7f and \x9f",
    "line\u2028separator", "zero\u200bwidth", "\"; } body { display: none; } p { content: \"", "*/ /* */",
    "</style><script>alert(1)</script>", "Ünïcödé — “quotes” ✓ 日本語", "abc\ndef",  # "\a def" must not read as "\adef"
    "", " ",
])
def test_css_string_is_one_css_string_that_reads_back_as_the_text(text):
    css = css_string(text)
    value, end = read_css_string(css)
    assert end == len(css), f"{css!r} holds more than one string"
    assert value == text
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", css), "an unprintable character is written raw"


def test_a_nul_in_css_string_becomes_the_replacement_character_without_ending_the_string():
    css = css_string("a\x00b")
    assert read_css_string(css) == ("a\ufffdb", len(css))  # CSS cannot hold U+0000: browsers read U+FFFD


# --- generate.front_matter: KB text never ends the block or adds keys ---------------


HOSTILE_TEXT = [
    "---", "...", "--- ", "title\n---\nrender_macros: true", "a\n...\nb", "Key: value", "render_macros: true",
    "'single' and \"double\" quotes", "a \\ backslash", "{{ kb.meta.version }}", "{% include 'secret' %}",
    "# not a comment", "- not a list", "& anchor * alias ! tag | pipe > fold", "? question : mark",
    "Ünïcödé — “smart quotes” ✓ 日本語 🙂", " leading and trailing spaces ", "null", "yes", "1.10", "0o17", "",
    "line\r\nbreak", "tab\tinside", "line\u2028separator", "\ufeffbyte order mark", "bell\x07",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "x" * 500,
    "a NEL\x85inside",  # written as an escape, so it reads back exactly
]


def block_lines(text: str) -> list[str]:
    """The lines of a front matter block up to the first line that ends a YAML document (---, ...)."""
    lines = text.split("\n")
    assert lines[0] == "---", f"the block does not start with ---: {text[:40]!r}"
    end = next(n for n, line in enumerate(lines) if n and re.fullmatch(r"(---|\.\.\.)[ \t]*", line))
    return lines[1:end]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_front_matter_reads_back_exactly_as_written(text):
    meta = {"title": text, "description": text, "search": {"boost": 2}, "render_macros": False}
    block = front_matter(meta)
    assert block.endswith("\n---\n\n")
    lines = block_lines(block)
    assert len(lines) == block.count("\n") - 3, "a line inside the block ends it early"
    assert yaml.safe_load("\n".join(lines)) == meta


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_mkdocs_reads_the_front_matter_and_the_page_body_apart(text):
    from mkdocs.utils.meta import get_data

    meta = {"title": text, "description": text, "render_macros": False}
    body, read = get_data(front_matter(meta) + "# The page\n\n---\n\nText.\n")
    assert read == meta
    assert body == "# The page\n\n---\n\nText.\n"


def test_each_cause_page_opens_with_front_matter_holding_its_title(kb):
    from mkdocs.utils.meta import get_data

    pages = cause_pages(kb)
    for cause in kb.causes:
        _body, read = get_data(pages[source_of(cause)[0]])
        assert read["title"] == cause.title and read["render_macros"] is False, cause.id


# --- markup.py: link targets KB text may use ----------------------------------------


@pytest.mark.parametrize("url, scheme", [
    ("https://example.org/a:b", "https"),
    ("HTTPS://EXAMPLE.ORG/", "https"),
    ("mailto:editor@example.org", "mailto"),
    ("javascript:alert(1)", "javascript"),
    ("JavaScript:alert(1)", "javascript"),
    ("  javascript:alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"),
    ("java\nscript:alert(1)", "javascript"),
    ("java\rscript:alert(1)", "javascript"),
    ("\x00\x01javascript:alert(1)", "javascript"),
    # A browser reads these two as relative; reading them as javascript errs on the side of refusing.
    ("jav\x7fascript:alert(1)", "javascript"),
    ("javascript :alert(1)", "javascript"),
    ("evil.example:8080/path", "evil.example"),  # a host and port without a scheme reads as a scheme
    ("/causes/delayed-effect/", None),
    ("causes/delayed-effect/", None),
    ("../faq/#how-long-to-wait", None),
    ("#onset-takes-time", None),
    ("?q=steroid", None),
    ("//evil.example/path", None),  # protocol-relative: no scheme of its own
    ("&#106;avascript:alert(1)", None),  # an entity left undecoded is no scheme
    ("", None),
])
def test_url_scheme_sees_through_case_whitespace_and_control_characters(url, scheme):
    assert url_scheme(url) == scheme


@pytest.mark.parametrize("url", ["https://example.org/", "http://example.org/a?b=c#d", "HTTPS://EXAMPLE.ORG",
                                 "mailto:editor@example.org"])
def test_whole_web_and_mail_addresses_may_be_linked(url):
    assert link_problem(url) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
                                 "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
                                 "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=",
                                 "blob:https://example.org/1234", "file:///etc/passwd"])
def test_script_and_local_urls_are_refused_however_they_are_spelt(url):
    assert "script URL" in link_problem(url)


@pytest.mark.parametrize("url", ["/causes/delayed-effect/", "faq/", "../faq/", "#onset-takes-time", "?q=1",
                                 "//evil.example/path", "&#106;avascript:alert(1)", ""])
def test_relative_and_protocol_relative_links_are_refused(url):
    assert "relative address" in link_problem(url)


@pytest.mark.parametrize("url, scheme", [("ftp://example.org/file", "ftp"), ("tel:+441234567890", "tel"),
                                         ("evil.example:8080/path", "evil.example")])
def test_other_schemes_are_refused_by_name(url, scheme):
    assert link_problem(url) == f"links to a '{scheme}:' address: links may only go to http(s) or mailto addresses"


# --- loading: the rules that content tests once re-checked on the real KB ---------------


def rewrite(path, change) -> None:
    """Load a KB file, change its data in place, and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(kb_dir) -> list[str]:
    return [str(p) for p in validate_kb(kb_dir)[1]]


def test_a_cause_needs_three_facets_and_a_question_or_step_a_cause(kb_copy):
    rewrite(kb_copy / "causes" / "delayed-effect.yaml", lambda cause: cause.update(facets=cause["facets"][:2]))
    rewrite(kb_copy / "faq.yaml", lambda faq: faq[0].update(causes=[]))
    rewrite(kb_copy / "approach.yaml", lambda steps: steps[0].update(causes=[]))
    messages = [p.split(": ", 1)[1] for p in problems_of(kb_copy)]
    assert "'facets' must have at least 3 item(s)" in messages
    assert sum(m.endswith("'causes' must have at least 1 item(s)") for m in messages) == 2, messages


def test_a_related_link_named_on_one_side_is_listed_on_both(kb_copy):
    files = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in (kb_copy / "causes").glob("*.yaml")}
    named = {f["id"]: (path, f) for path, cause in files.items() for f in cause["facets"]}
    one, other = next((f["id"], r) for _path, f in named.values() for r in f.get("related", ()))

    def forget(cause):
        for item in cause["facets"]:
            if item["id"] == other:
                item["related"] = [r for r in item.get("related", ()) if r != one]

    rewrite(named[other][0], forget)
    facets = {f.id: f for f in load_kb(kb_copy).facets}
    assert facets[other] in facets[one].related
    assert facets[one] in facets[other].related
