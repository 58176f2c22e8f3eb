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

# How much a word counts in each field, against a word of the section's title (1000) or of its text (1).
NAME_FIELD, NAME_BOOST = "names", 300.0
KEYWORD_FIELD, KEYWORD_BOOST = "keywords", 60.0
# A cause's page opens with the cause itself: its title's words ("patient", "diagnosis") would otherwise put
# the page above the facet a reader looks for, and fold that facet under "more on this page".
ENTRY_BOOST = {"cause": 1.0}
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
    return {"separator": SEPARATOR, "pipeline": ["stopWordFilter"], "fields": {NAME_FIELD: {"boost": NAME_BOOST},
                                                                     KEYWORD_FIELD: {"boost": KEYWORD_BOOST}}}


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


def linked_topics(entry: object) -> list:
    """The conditions and regions an entry concerns (a facet's, a red flag's, an injection site's region)."""
    topics = [*getattr(entry, "conditions", ()), *getattr(entry, "regions", ())]
    region = getattr(entry, "region", None)
    return topics + ([region] if region is not None else [])


def group_words(group: SynonymGroup) -> tuple[str, ...]:
    """Every word of a thesaurus group that reaches the index: its terms, then its misspellings."""
    return (*group.terms, *group.misspellings)


def _matches(text: tuple[str, ...], group: SynonymGroup) -> list[tuple[str, ...]]:
    return [term for term in (words(t) for t in group.terms) if _contains(text, term)]


def _unique(candidates: Iterable[str]) -> list[str]:
    unique: dict[str, str] = {}
    for word in candidates:
        unique.setdefault(word.lower(), word)
    return list(unique.values())


def keywords(entry: object, thesaurus: Iterable[SynonymGroup]) -> tuple[list[str], list[str]]:
    """An entry's search words beyond its text, as (names, keywords).

    Names are the words for what the entry is: the thesaurus groups whose terms make up more than a third of
    the words of its title (its term, name or question). Keywords are its synonyms, its conditions' and regions' names and
    synonyms, and the groups found in the rest of its title and in its synonyms. Each word once, case ignored."""
    title = words(label(entry))
    synonyms = [words(s) for s in getattr(entry, "synonyms", ())]
    names, related = [], []
    if kind_of(entry).name not in UNEXPANDED:
        for group in thesaurus:
            in_title = {w for term in _matches(title, group) for w in term}
            if in_title and 3 * sum(w in in_title for w in title) > len(title):
                names.extend(group_words(group))
            elif in_title or any(_matches(s, group) for s in synonyms):
                related.extend(group_words(group))
    topics = [word for item in linked_topics(entry) for word in (item.name, *item.synonyms)]
    names = _unique(names)
    seen = {n.lower() for n in names}
    return names, [w for w in _unique([*getattr(entry, "synonyms", ()), *topics, *related]) if w.lower() not in seen]


def keywords_by_place(kb: KnowledgeBase) -> dict[tuple[str, str], dict[str, str]]:
    """What every published entry's search document gains ({field: words}, and its boost where ENTRY_BOOST
    sets one), by where the document is: (page source, anchor or "")."""
    places: dict[tuple[str, str], dict[str, str]] = {}
    for kind in KINDS:
        if not kind.addressed:
            continue
        for entry in getattr(kb, kind.attr):
            if not kind.is_published(entry):
                continue
            names, related = keywords(entry, kb.thesaurus)
            fields: dict = {field: " ".join(found) for field, found in ((NAME_FIELD, names), (KEYWORD_FIELD, related))
                            if found}
            if kind.name in ENTRY_BOOST:
                fields["boost"] = ENTRY_BOOST[kind.name]
            if fields:
                places[source_of(entry)] = fields
    return places
