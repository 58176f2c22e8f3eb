"""Glossary terms explained where they are used: the first use of each term on a page gets its whole
definition (hover, keyboard focus or a tap) and, for an abbreviation, its expansion in print.

A term is marked only where the text names it: its name or a synonym, which kb/glossary.yaml keeps to other
names for the same thing ("arthrocentesis" for joint aspiration, not "Gram stain", a test of the fluid).

Works on a page's finished content HTML; text inside links, headings, code, form labels and
existing abbreviations is left alone. The definitions come from kb/glossary.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape

from .kinds import KINDS
from .model import KnowledgeBase, Term

SKIP = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "script", "style", "abbr", "button",
                  "label", "legend", "summary", "textarea", "title", "sup", "th", "caption"})
VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "wbr", "source", "col", "area", "base", "track"})
TAG = re.compile(r"(<!--.*?-->|<[^>]+>)", re.DOTALL)


@dataclass(frozen=True)
class _Gloss:
    term: Term
    word: str  # as the glossary writes it: an abbreviation matches only these capitals
    tip: str  # the tooltip: the whole definition, never cut short
    expansion: str  # printed after an abbreviation at its first use ("" for words)


def _name(term: Term) -> str:
    return term.term.split(" (", 1)[0]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]


def _is_abbreviation(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2 and " " not in word


WORD = re.compile(r"[\w'\u2019-]+")


def _key(phrase: str) -> str:
    return " ".join(WORD.findall(phrase.lower()))


@cache
def _index(glossary: tuple[Term, ...]) -> tuple[dict[str, _Gloss], int]:
    """Each word or phrase a reader may meet (terms, synonyms) with its gloss, and the longest phrase's length."""
    words: dict[str, _Gloss] = {}
    for term in glossary:
        tip = f"{_name(term)}: {' '.join(term.definition.split())}"
        for word in (_name(term), *term.synonyms):
            if len(word) < 3 or _key(word) in words or _key(word) != " ".join(word.lower().split()):
                continue  # too short, already taken, or punctuation no reader text would match
            expansion = _name(term) if _is_abbreviation(word) and not _is_abbreviation(_name(term)) else ""
            if _is_abbreviation(word) and not expansion:
                expansion = _first_sentence(term.definition).split(":")[0].rstrip(".")
            words[_key(word)] = _Gloss(term, word, tip, expansion)
    return words, max((key.count(" ") + 1 for key in words), default=0)


def term_pages(kb: KnowledgeBase) -> frozenset[str]:
    """The pages whose prose gets glossary tooltips: the pages of the kinds that hold reader prose."""
    pages = set()
    for kind in KINDS:
        if not (kind.prose and kind.addressed and kind.page) or kind.name == "check":
            continue  # the checklist is a form: its tab order stays on its answers
        if "{id}" in kind.page:
            pages.update(kind.page.format(id=e.id) for e in getattr(kb, kind.attr))
        else:
            pages.add(kind.page)
    return frozenset(pages)


def mark_terms(html: str, glossary: tuple[Term, ...]) -> str:
    """The page content with the first use of each glossary term wrapped in an explaining <abbr>."""
    words, longest = _index(glossary)
    if not words:
        return html
    used: set[str] = set()
    open_tags: list[str] = []
    out = []
    for piece in TAG.split(html):
        if piece.startswith("<"):
            _track(piece, open_tags)
            out.append(piece)
        elif piece and not SKIP.intersection(open_tags):
            out.append(_mark(piece, words, longest, used))
        else:
            out.append(piece)
    return "".join(out)


def _track(tag: str, open_tags: list[str]) -> None:
    match = re.match(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)", tag)
    if not match or tag.startswith("<!--"):
        return
    closing, name = match.group(1) == "/", match.group(2).lower()
    if closing:
        if name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name):]
    elif name not in VOID and not tag.rstrip().endswith("/>"):
        open_tags.append(name)


def _mark(text: str, words: dict[str, _Gloss], longest: int, used: set[str]) -> str:
    """Wrap the first use of each term in one run of text; the longest phrase wins ("joint tap" over "joint")."""
    tokens = list(WORD.finditer(text))
    out, last, i = [], 0, 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            span = tokens[i:i + n]
            if any(not text[a.end():b.start()].isspace() for a, b in zip(span, span[1:], strict=False)):
                continue  # a phrase is words separated by spaces only
            gloss = words.get(" ".join(t.group(0).lower() for t in span))
            if gloss is None:
                continue
            start, end = span[0].start(), span[-1].end()
            out.append(text[last:start] + _wrap(text[start:end], gloss, used))
            last, i = end, i + n
            break
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


def _wrap(text: str, gloss: _Gloss, used: set[str]) -> str:
    if gloss.term.id in used or (_is_abbreviation(gloss.word) and text != gloss.word):
        return text  # used already on this page, or an abbreviation in other capitals ("Ra" is not "RA")
    used.add(gloss.term.id)
    expansion = f' data-kb-expansion="{escape(gloss.expansion)}"' if gloss.expansion else ""
    return (f'<abbr class="kb-term" tabindex="0" title="{escape(gloss.tip)}"{expansion}>{text}</abbr>')
