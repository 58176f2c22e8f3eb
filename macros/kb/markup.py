"""What KB text may contain: plain Markdown that renders to a small allowlist of HTML.

KB text is untrusted input (clinicians' pull requests are built by CI). It is checked twice:
first as text (no template or attribute syntax, no file includes, no control characters, no raw
HTML), then as the HTML it renders to, with the same Markdown extensions as the site: only the
tags, attributes and link targets in the allowlist below pass. Nothing is rewritten: a violation is
reported, and the author fixes the text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser

import markdown
from markupsafe import escape

# The site's Markdown extensions: MkDocs' own three, then mkdocs.yml's, less pymdownx.snippets (its syntax
# is refused in KB text before anything is rendered, so the check never reads a file). A test keeps them in step.
MARKDOWN_EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition", "pymdownx.details")

# Tags KB text may produce, each with the attributes it may carry.
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    "p": frozenset(), "br": frozenset(), "em": frozenset(), "strong": frozenset(), "code": frozenset(),
    "pre": frozenset(), "blockquote": frozenset(), "ul": frozenset(), "li": frozenset(),
    "ol": frozenset({"start"}), "a": frozenset({"href", "title"}),
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data", "blob", "file"})

# Fields that hold paragraphs; every other text field is one line.
BLOCK_FIELDS = frozenset({"overview", "explanation", "detail", "answer", "definition", "evidence_note", "examples",
                          "next_steps", "finding", "note", "text", "signs", "action", "misconception", "story"})
# Fields no page shows (a reference's note is for editors only): checked as text, but free to hold brackets.
EDITORS_ONLY_FIELDS = frozenset({"note"})
# Square brackets open links: past this many in one text, Markdown's link scanning grows with their square.
MAX_BRACKETS = 64

_TEXT_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"),
     "contains a control character ({char}): remove it"),
    (re.compile(r"\{[{%#]|[}%#]\}"),
     "contains template syntax ({found!r}): KB text is never run as a template"),
    (re.compile(r"[{}]"),
     "contains a curly brace ({found!r}): braces are attribute and template syntax, which KB text may not use"),
    (re.compile(r"-8<-"),  # the same texts as -+8<-+, found in linear time (a run of dashes made that one backtrack)
     "contains file-include syntax ({found!r}): KB text cannot include files"),
    (re.compile(r"<\s*[A-Za-z/!?]"),
     "contains raw HTML ({found!r}...): write plain Markdown text"),
    # A reference such as &lt; turns back into markup wherever text is decoded (search results, kb.json users).
    (re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"),
     "contains an HTML character reference ({found!r}): write the character itself"),
)

# A citation where the claim is: `[@reference-id]`, checked against the entry's references (validate.py)
# and drawn as a marker by the templates (render.py). Plain text, never a template call.
CITATION = re.compile(r"\[@([a-z0-9]+(?:-[a-z0-9]+)*)\]")

_ANY_TEXT_RULE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _message in _TEXT_RULES))

# Characters that hide or reshape text: Unicode's format characters (bidirectional marks and isolates, zero-width
# characters, TAG characters that spell invisible text), line and paragraph separators, private-use, surrogate and
# unassigned code points; and invisible letters and joiners of other categories.
HIDDEN_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
HIDDEN_CHARS = frozenset("\u034f\u115f\u1160\u180e\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10)))
                         + "".join(map(chr, range(0xE0100, 0xE01F0))))


def hidden_character(value: str) -> int | None:
    """The offset of the first character in value that hides or reshapes text, or None."""
    if value.isascii():
        return None
    for offset, char in enumerate(value):
        if char > "\x7f" and (char in HIDDEN_CHARS or unicodedata.category(char) in HIDDEN_CATEGORIES):
            return offset
    return None


def text_problems(value: str, field: str) -> list[tuple[int, str]]:
    """Problems in one KB text value, each as (offset into the text, message)."""
    problems = []
    for pattern, message in (_TEXT_RULES if _ANY_TEXT_RULE.search(value) else ()):
        match = pattern.search(value)
        if match:
            char = f"U+{ord(match.group(0)[0]):04X}"
            problems.append((match.start(), message.format(found=match.group(0), char=char)))
    hidden = hidden_character(value)
    if hidden is not None:
        problems.append((hidden, f"contains an invisible or direction-changing character (U+{ord(value[hidden]):04X}): "
                                 "remove it"))
    if "\n" in value and field not in BLOCK_FIELDS:
        problems.append((value.index("\n"), "must be a single line: it holds a line break"))
    if problems:
        return problems  # rendering text already refused could read files or hide the first problem
    # Citation tokens become links drawn by the templates, not by the author's Markdown: check the rest.
    prose = CITATION.sub("", value)
    if not MAY_BUILD_MARKUP.search(prose):
        return []
    if prose.count("[") > MAX_BRACKETS:
        return [(_nth(value, "[", MAX_BRACKETS + 1), f"holds more than {MAX_BRACKETS} '[': square brackets are link "
                                                      "syntax, and one text may hold at most that many")]
    html, definitions = render_markdown(prose)
    problems = [(0, message) for message in html_problems(html)]
    for name in definitions:
        problems.append((_definition_offset(value, name), f"defines the link reference '[{name}]:': a link's address "
                                                          "goes in the link itself, since a definition would serve "
                                                          "every field on the page"))
    plain = field not in BLOCK_FIELDS
    if plain and re.search(r"<(?!/?p>)", html):
        problems.append((0, "is plain text (a name, title or label that templates place inside links and "
                            "headings): it may not hold Markdown such as links, emphasis or code"))
    if field not in EDITORS_ONLY_FIELDS:
        for found, message in _stray_syntax(html, plain):
            problems.append((_offset_of(value, found), message))
    return problems


def _nth(value: str, char: str, n: int) -> int:
    offset = -1
    for _ in range(n):
        offset = value.find(char, offset + 1)
    return max(offset, 0)


def _definition_offset(value: str, name: str) -> int:
    match = re.search(r"^ {0,3}\[" + re.escape(name) + r"\]:", value, re.MULTILINE | re.IGNORECASE)
    return match.start() if match else 0


def _offset_of(value: str, found: str) -> int:
    """Where the text around a stray character sits in value (the start of value if it was reshaped)."""
    for size in (len(found), 1):
        offset = value.find(found[-size:])
        if offset >= 0:
            return offset + size - 1
    return 0


# Syntax that Markdown left as text: on a page, beside another field's text, it could open a link, a code span
# or a fence that ends in that other field. Each with what it leaves and what to write instead.
STRAY_SYNTAX = (("[", "has a '[' that is not part of a link: on a page it could join the next field's text into a "
                      "link; write round brackets"),
                ("]", "has a ']' that is not part of a link: on a page it could close a link that another field "
                      "opened; write round brackets"),
                ("`", "has a backtick that opens no complete code span: on a page it could swallow the text up to "
                      "the next field's backtick; close the span in the same field, or remove it"),
                ("~~~", "has a '~~~' that opens no complete code block: on a page it could swallow the headings up to "
                        "the next field's '~~~'; close the block in the same field, or remove it"))


def _stray_syntax(html: str, plain: bool) -> list[tuple[str, str]]:
    """Link and code syntax left as text in rendered html: (the text before it and it, the message)."""
    text = _Text()
    text.feed(html)
    text.close()
    found = []
    for chunk in text.chunks:
        for syntax, message in STRAY_SYNTAX + ((("\\", "is plain text: it may not hold a backslash, which escapes "
                                                          "the link syntax around it on a page"),) if plain else ()):
            at = chunk.find(syntax)
            if at >= 0:
                found.append((chunk[max(0, at - 12): at + len(syntax)], message))
    return found


class _Text(HTMLParser):
    """The text of rendered html outside code elements, chunk by chunk."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._code += tag in ("code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag in ("code", "pre") and self._code > 0

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.chunks.append(data)


# With braces, `<` and `--8<--` refused and `&` escaped, only these can make Markdown produce more than
# paragraphs, lists, emphasis and code: links and images, headings, rules and lists at a line start,
# admonitions, collapsible blocks, tables and fenced code. Text without them is not rendered (the check is 10 times faster).
MAY_BUILD_MARKUP = re.compile(r"[\[\]\\]|\||`|~~~|^[ \t]*(?:#|[-*_=+]|!!!|\?\?\?)", re.MULTILINE)


@cache
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))


def render_text(value: str) -> str:
    """The HTML a KB text value becomes on a page (templates escape it, then Markdown renders it)."""
    return render_markdown(value)[0]


def render_markdown(value: str) -> tuple[str, list[str]]:
    """The HTML a KB text value becomes, and the link references it defines (which would serve a whole page)."""
    md = _markdown()
    md.reset()
    html = md.convert(str(escape(value)))
    return html, sorted(md.references)


def html_problems(html: str) -> list[str]:
    """Everything in html that the allowlist does not allow, as messages for an author."""
    checker = _Allowlist()
    checker.feed(html)
    checker.close()
    return checker.problems


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in url (whitespace and control characters dropped), or None if relative."""
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    return match.group(1) if match else None


def link_problem(url: str) -> str | None:
    """Why a link target is not allowed, or None if it is.

    Only whole http(s) and mailto addresses: KB text appears on several pages (a facet on its cause
    page and on the checklist), so a relative address would lead somewhere different from each.
    Entries link to each other through their structured fields (related, facets, references)."""
    scheme = url_scheme(url)
    if scheme in SCRIPT_SCHEMES:
        return f"contains a script URL ({scheme}:): links may only go to http(s) or mailto addresses"
    if scheme is None:
        return (f"links to the relative address {url[:60]!r}: link other entries through the structured fields "
                "(related, facets, references), and outside pages by their full https:// address")
    if scheme not in LINK_SCHEMES:
        return f"links to a '{scheme}:' address: links may only go to http(s) or mailto addresses"
    return None


class _Allowlist(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = ALLOWED_TAGS.get(tag)
        if tag == "img":
            self.problems.append("shows an image: KB text may not show images, so that a page never loads one "
                                 "from elsewhere")
            return
        if allowed is None:
            self.problems.append(f"produces a <{tag}> element, which KB text may not contain "
                                 "(headings, rules, boxes and tables come from the templates)")
            return
        for name, value in attrs:
            if name == "id":
                self.problems.append(f"sets the element id {value!r}: ids come only from the templates")
            elif name not in allowed:
                self.problems.append(f"sets the attribute '{name}' on <{tag}>: KB text may not set attributes")
            elif name == "href":
                problem = link_problem(value or "")
                if problem:
                    self.problems.append(problem)

    handle_startendtag = handle_starttag
