"""Jinja partials that draw KB entries as Markdown for a page. Python passes data; templates draw."""
from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from .kinds import label
from .markup import CITATION
from .model import (
    ANAESTHETIC_RESPONSES,
    ANSWERS,
    CASE_QUESTIONS,
    CASE_STAGES,
    JOINTS,
    STEROID_RESPONSES,
    Cause,
    KnowledgeBase,
    Reference,
)
from .publish import edit_url, report_url
from .urls import link_from, url_of

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

EVIDENCE_LABELS = {
    "supported": "Supported by cited evidence",
    "mixed": "Evidence is mixed",
    "expert-opinion": "Expert opinion",
    "doubtful": "Doubtful",
}


# Urgency in words and in shape, so that it survives black-and-white printing.
URGENCY_LABELS = {"emergency": "Emergency: refer now", "same-day": "Same day", "urgent": "Urgent: within days",
                  "routine": "Routine referral"}
URGENCY_MARKS = {"emergency": "\u25b2\u25b2", "same-day": "\u25b2", "urgent": "\u25c6", "routine": "\u25cb"}

# What each badge means, for the legend every badge on the injection sites page links to.
EVIDENCE_MEANINGS = {
    "supported": "A cited review, trial or guideline backs the graded claim.",
    "mixed": "Cited studies disagree about the graded claim.",
    "expert-opinion": "Plausible practice with little direct evidence: no verified source supports the graded claim.",
    "doubtful": "A common claim that the evidence does not bear out.",
}
URGENCY_MEANINGS = {
    "emergency": "Act now: an ambulance, the emergency department or the on-call team at once.",
    "same-day": "Assessment or referral today.",
    "urgent": "An urgent referral or test within days; the red flag says how soon.",
    "routine": "A routine referral.",
}


class Renderer:
    """Renders the partials in macros/templates for one KB.

    site_url is the published address and repository where readers report problems: with a repository,
    every addressed entry gets its "Report a problem with this entry" link."""

    def __init__(self, kb: KnowledgeBase, site_url: str = "", repository: str = ""):
        self.kb = kb
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        )
        self.env.globals.update(kb=kb, evidence_labels=EVIDENCE_LABELS, urgency_labels=URGENCY_LABELS, answers=ANSWERS,
                                urgency_marks=URGENCY_MARKS, joints=JOINTS, anaesthetic_responses=ANAESTHETIC_RESPONSES,
                                steroid_responses=STEROID_RESPONSES, case_stages=CASE_STAGES,
                                case_questions=CASE_QUESTIONS, evidence_meanings=EVIDENCE_MEANINGS,
                                urgency_meanings=URGENCY_MEANINGS, joint_labels=JOINTS)
        self.env.filters["label"] = label
        self.env.filters["fingerprint"] = fingerprint
        self.env.filters["link_text"] = link_text
        self.env.filters["md_text"] = md_text
        self.env.filters["md_url"] = md_url
        self.env.filters["short_cite"] = short_cite
        self.env.filters["address"] = url_of
        self.env.globals["citation_numbers"] = citation_numbers
        self.env.globals["report_url"] = lambda entry: report_url(repository, entry, kb.meta.version, site_url)
        self.env.globals["edit_url"] = lambda entry: edit_url(repository, entry)
        references = {ref.id: ref for ref in kb.references}

        @jinja2.pass_context
        def cited(context: jinja2.runtime.Context, text: str, numbers: dict[str, int] | None = None) -> Markup:
            """KB text with each `[@id]` drawn as a citation marker: the reference's number on a cause page,
            else a short citation linking to the references page. Markers stay out of the search index."""
            return draw_citations(text, references, numbers, context["href"])

        self.env.filters["cited"] = cited
        self.env.filters["uncited"] = lambda text: CITATION.sub("", text).replace(" .", ".").replace(" ,", ",")
        self.css_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                                          undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        self.css_env.filters["css_string"] = css_string

    def render(self, template: str, page_src: str, **context: object) -> str:
        """Render one partial for the page whose source path is page_src."""
        def href(entry: object) -> str:
            return link_from(page_src, entry)

        def page_href(src: str) -> str:
            return posixpath.relpath(src, posixpath.dirname(page_src) or ".")

        return self.env.get_template(template).render(href=href, page_href=page_href, **context)

    def render_checklist(self, page_src: str, address: str) -> str:
        """The checklist as its page draws it: the red flags most urgent first, then each cause's checks; the one
        call the macro and the tests share, so that what a test renders is what the page shows."""
        flags = sorted(self.kb.red_flags, key=lambda flag: flag.urgency_rank)
        return self.render("checklist.md.j2", page_src, causes=self.kb.checklist_causes, red_flags=flags,
                           joints=JOINTS, address=address)

    def render_css(self, template: str, **context: object) -> str:
        """Render a stylesheet template: values go in only through the css_string filter."""
        return self.css_env.get_template(template).render(**context)


def fingerprint(parts: str | Iterable[str]) -> str:
    """A short fingerprint of everything the summary prints for a checklist entry (its question, label, key step,
    cause, next steps; a red flag's question, title, urgency and action): a saved mark carries it, so a mark
    made against other wording is dropped instead of silently changing meaning."""
    texts = [parts] if isinstance(parts, str) else list(parts)
    joined = "\x1f".join(" ".join(str(text).split()) for text in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def css_string(text: str) -> str:
    """text as a double-quoted CSS string: quotes, backslashes and unprintable characters escaped."""
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text) + '"'


def draw_citations(text: str, references: dict[str, Reference], numbers: dict[str, int] | None, href) -> Markup:
    """Escape text, then turn each citation token into a Markdown link marked to stay out of search."""
    parts, last = [], 0
    for match in CITATION.finditer(text):
        ref = references[match.group(1)]
        parts.append(escape(text[last:match.start()]))
        if numbers and ref.id in numbers:
            label, target = f"[{numbers[ref.id]}]", f"#cite-{ref.id}"
        else:
            label, target = f"[{short_cite(ref)}]", href(ref)
        parts.append(Markup(f"[{md_text(label)}]({escape(target)}){{ .kb-cite data-search-exclude }}"))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def link_text(entry: object, style: str = "label") -> Markup:
    """The text of a link to an entry: its label, or a short citation ('Khan 2004') for style "cite", as
    Markdown that shows exactly that text (md_text)."""
    return md_text(short_cite(entry) if style == "cite" else label(entry))


# The punctuation Python-Markdown lets a backslash escape that can end, open or reshape a link or its text.
_LINK_SYNTAX = re.compile(r"([\\`*_\[\]()!])")


def md_text(text: object) -> Markup:
    """A structured value (a name, title, DOI) as Markdown that shows exactly its text, wherever a template puts it:
    link and code syntax backslash-escaped, then HTML-escaped, so that no value can close a link or open one."""
    return Markup(escape(_LINK_SYNTAX.sub(r"\\\1", str(text))))


def md_url(url: object) -> Markup:
    """An address as a Markdown link target that stays one target: spaces, brackets, quotes and other characters
    that could end it are percent-encoded, and round brackets too unless they pair up (as in many DOIs)."""
    text = "".join(c if c.isascii() and c.isprintable() and c not in " []<>\"'`\\{}|^" else quote(c, safe="")
                   for c in str(url))
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("(", "%28").replace(")", "%29")
    return Markup(escape(text))


def citation_numbers(cause: Cause) -> dict[str, int]:
    """The number of each reference on a cause's page, in first-cited order: {reference id: n}."""
    return {ref.id: n for n, ref in enumerate(cause.references, start=1)}


# Organisations that author guidance, by the short name readers know them by.
ORGANISATIONS = {"National Institute for Health and Care Excellence": "NICE", "U.S. Food and Drug Administration": "FDA",
                 "American Academy of Orthopaedic Surgeons": "AAOS", "Academy of Medical Royal Colleges": "AoMRC",
                 "American Association of Electrodiagnostic Medicine": "AAEM", "Pfizer Limited": "Pfizer"}


def short_cite(ref: Reference) -> str:
    """A compact citation label: first author's surname and year ('Khan 2004', 'Al Shammari 2020'), an
    organisation's short name ('NICE 2022'), or, without authors, the title's first words."""
    first = (ref.authors or "").split(",")[0].split(";")[0].strip()
    words = first.removesuffix(" et al.").split()
    acronym = re.search(r"\(([A-Z][A-Za-z]{1,9})\)", first)
    if first in ORGANISATIONS:
        name = ORGANISATIONS[first]
    elif acronym:
        name = acronym.group(1)
    elif len(words) >= 2 and words[-1].isupper() and len(words[-1]) <= 3:
        name = " ".join(words[:-1])  # "Al Shammari M": the surname is all but the initials
    elif words and len(words) <= 3:
        name = " ".join(words)
    elif words:
        name = " ".join(words[:3])
    else:
        name = " ".join(ref.title.split(" (")[0].split()[:4]).rstrip(":,.")
    return f"{name} {ref.year}" if ref.year else name
