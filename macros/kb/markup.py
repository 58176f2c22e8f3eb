"""What KB text may contain: plain Markdown that renders to a small allowlist of HTML.

KB text is untrusted input (clinicians' pull requests are built by CI). It is checked twice:
first as text (no template or attribute syntax, no file includes, no control characters, no raw
HTML), then as the HTML it renders to, with the same Markdown extensions as the site: only the
tags, attributes and link targets in the allowlist below pass. Nothing is rewritten: a violation is
reported, and the author fixes the text.
"""
from __future__ import annotations

import re
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
                          "next_steps", "finding", "note", "text", "signs", "action", "misconception"})

_TEXT_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"),
     "contains a control character ({char}): remove it"),
    (re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]"),
     "contains an invisible or direction-changing character ({char}): remove it"),
    (re.compile(r"\{[{%#]|[}%#]\}"),
     "contains template syntax ({found!r}): KB text is never run as a template"),
    (re.compile(r"[{}]"),
     "contains a curly brace ({found!r}): braces are attribute and template syntax, which KB text may not use"),
    (re.compile(r"-+8<-+"),
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


def text_problems(value: str, field: str) -> list[tuple[int, str]]:
    """Problems in one KB text value, each as (offset into the text, message)."""
    problems = []
    for pattern, message in (_TEXT_RULES if _ANY_TEXT_RULE.search(value) else ()):
        match = pattern.search(value)
        if match:
            char = f"U+{ord(match.group(0)[0]):04X}"
            problems.append((match.start(), message.format(found=match.group(0), char=char)))
    if "\n" in value and field not in BLOCK_FIELDS:
        problems.append((value.index("\n"), "must be a single line: it holds a line break"))
    if problems:
        return problems  # rendering text already refused could read files or hide the first problem
    # Citation tokens become links drawn by the templates, not by the author's Markdown: check the rest.
    prose = CITATION.sub("", value)
    if not MAY_BUILD_MARKUP.search(prose):
        return []
    return [(0, message) for message in html_problems(render_text(prose))]


# With braces, `<` and `--8<--` refused and `&` escaped, only these can make Markdown produce more than
# paragraphs, lists, emphasis and code: links and images, headings, rules and lists at a line start,
# admonitions, collapsible blocks, tables and fenced code. Text without them is not rendered (the check is 10 times faster).
MAY_BUILD_MARKUP = re.compile(r"\[|\||`|~~~|^[ \t]*(?:#|[-*_=+]|!!!|\?\?\?)", re.MULTILINE)


@cache
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS))


def render_text(value: str) -> str:
    """The HTML a KB text value becomes on a page (templates escape it, then Markdown renders it)."""
    md = _markdown()
    md.reset()
    return md.convert(str(escape(value)))


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
