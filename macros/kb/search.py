"""What search indexes beyond the page text: each entry's keywords, and how queries are cut into words.

Material's search has no synonym field of its own (squidfunk/mkdocs-material #3174), so the words a
reader may type for an entry travel in a `keywords` field of the entry's search document, which the
search plugin is told to index (see `search_settings`) and which no page shows. An entry's keywords
are its synonyms, the names and synonyms of the conditions and regions it concerns, and, for every
thesaurus group one of whose terms it uses (in its title, summary, question or synonyms), all the
group's terms and misspellings.

Search cuts text and queries into words with one regular expression (Material's `separator`), the
same in the browser for the index and for what a reader types: besides spaces and punctuation it
drops common words and single letters (Material adds a wildcard to every word typed, so "a" would
otherwise match every word beginning with a), and a plural's final s (Material's English search does
no stemming, so "injections" would otherwise not find "injection").
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .kinds import KINDS, kind_of, label
from .model import KnowledgeBase, SynonymGroup
from .urls import source_of

# lunr's English stop words (the list Material's search index applies), dropped from queries too.
STOP_WORDS = (
    "a able about across after all almost also am among an and any are as at be because been but by can cannot "
    "could dear did do does either else ever every for from get got had has have he her hers him his how however "
    "i if in into is it its just least let like likely may me might most must my neither no nor not of off often "
    "on only or other our own rather said say says she should since so some than that the their them then there "
    "these they this tis to too twas us wants was we were what when where which while who whom why will with "
    "would yet you your"
).split()

# How much a keyword counts, against a word of the section's title (1000) or of its text (1).
KEYWORD_BOOST = 100.0
KEYWORD_FIELD = "keywords"
# Kinds whose entries are not answers to a reader's question, but sources for them: found by their own words.
UNEXPANDED = frozenset({"reference"})


def _stop_word_pattern() -> str:
    # The separator is matched before the text is lower-cased, so a capitalised first letter must match too.
    words = sorted((w for w in STOP_WORDS if len(w) > 1), key=lambda w: (-len(w), w))
    return r"\b(?:" + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in words) + r")\b"


# Tried in order at each place in the text: HTML entities, spaces and punctuation, a common word, a single
# letter, the final s of a word of four letters or more (not -ss).
SEPARATOR = "|".join((
    r"&(?:amp|lt|gt|quot|#39);",
    r"[\s\-\u2010-\u2015,:;!?.()\[\]{}\"'\u2018\u2019\u201c\u201d/\\+=*&|<>~^]+",
    _stop_word_pattern(),
    r"\b[A-Za-z]\b",
    r"(?<=[A-Za-z]{3})(?<![sS])[sS]\b",
))


def search_settings() -> dict:
    """The search plugin's settings for the project: how text is cut into words, and the keywords field."""
    return {"separator": SEPARATOR, "pipeline": ["stopWordFilter"], "fields": {KEYWORD_FIELD: {"boost": KEYWORD_BOOST}}}


_STOP = frozenset(STOP_WORDS)


def words(text: str) -> tuple[str, ...]:
    """text cut into words as search cuts it: lower case, no common words or single letters, no plural s."""
    result = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        if word in _STOP or (len(word) == 1 and word.isalpha()):
            continue
        if len(word) >= 4 and word.endswith("s") and not word.endswith("ss") and word[-4:-1].isalpha():
            word = word[:-1]
        result.append(word)
    return tuple(result)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def searchable_texts(entry: object) -> list[str]:
    """The texts of an entry in which thesaurus terms are looked for: its label, summary and synonyms, and the
    names and synonyms of the conditions and regions it concerns."""
    texts = [label(entry), getattr(entry, "summary", "") or "", *getattr(entry, "synonyms", ())]
    for item in linked_topics(entry):
        texts += [item.name, *item.synonyms]
    return texts


def linked_topics(entry: object) -> list:
    """The conditions and regions an entry concerns (a facet's, a red flag's, an injection site's region)."""
    topics = [*getattr(entry, "conditions", ()), *getattr(entry, "regions", ())]
    region = getattr(entry, "region", None)
    return topics + ([region] if region is not None else [])


def group_words(group: SynonymGroup) -> tuple[str, ...]:
    """Every word of a thesaurus group that reaches the index: its terms, then its misspellings."""
    return (*group.terms, *group.misspellings)


def expansions(texts: Iterable[str], thesaurus: Iterable[SynonymGroup]) -> list[str]:
    """The terms and misspellings of every thesaurus group one of whose terms occurs in texts."""
    found = [words(text) for text in texts]
    result = []
    for group in thesaurus:
        if any(_contains(text, words(term)) for term in group.terms for text in found):
            result.extend(group_words(group))
    return result


def keywords(entry: object, thesaurus: Iterable[SynonymGroup]) -> list[str]:
    """An entry's keywords: its synonyms, its conditions' and regions' names and synonyms, and its thesaurus
    expansions, each once (case ignored), in that order."""
    candidates = [*getattr(entry, "synonyms", ())]
    for item in linked_topics(entry):
        candidates += [item.name, *item.synonyms]
    if kind_of(entry).name not in UNEXPANDED:
        candidates += expansions(searchable_texts(entry), thesaurus)
    unique: dict[str, str] = {}
    for word in candidates:
        unique.setdefault(word.lower(), word)
    return list(unique.values())


def keywords_by_place(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    """The keywords of every published entry, by where its search document is: (page source, anchor or "")."""
    places: dict[tuple[str, str], str] = {}
    for kind in KINDS:
        if not kind.addressed:
            continue
        for entry in getattr(kb, kind.attr):
            if not kind.is_published(entry):
                continue
            found = keywords(entry, kb.thesaurus)
            if found:
                places[source_of(entry)] = " ".join(found)
    return places
