"""What search knows beyond the page text, and how it cuts text into words.

The site's search runs in the reader's browser (docs/assets/kb-search.js, a worker that answers the
theme's search box in place of Material's lunr worker). Besides each page's sections, as the search
plugin indexes them, it is given:
- each entry's keywords, in a `keywords` field of the entry's search document, on no page (never shown or
  printed): its synonyms and the names and synonyms of the conditions and regions it concerns;
- each entry kind's search boost (`ENTRY_BOOST`; pages set theirs in front matter);
- the thesaurus and the common words, in the index's config (`search_config`): the worker applies the
  thesaurus to every entry at query time, so a word added to a group once reaches every entry that uses
  any term of the group.

`words` cuts text as the worker does: the two must agree, or a thesaurus phrase would never match (a
browser test compares them).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .kinds import KINDS, kind_of
from .model import KnowledgeBase
from .urls import source_of, url_of

# lunr's English stop words (the list Material's search applied), and "still" (nearly every question here is
# about pain that is still there), dropped from text and queries alike.
STOP_WORDS = ("still "
    "a able about across after all almost also am among an and any are as at be because been but by can cannot "
    "could dear did do does either else ever every for from get got had has have he her hers him his how however "
    "i if in into is it its just least let like likely may me might most must my neither no nor not of off often "
    "on only or other our own rather said say says she should since so some than that the their them then there "
    "these they this tis to too twas us wants was we were what when where which while who whom why will with "
    "would yet you your"
).split()

KEYWORD_FIELD = "keywords"
# A cause's page opens with the cause itself, at its plain weight; facets and FAQ answers are boosted by
# their pages' front matter, and the glossary, index pages and references are lowered there.
ENTRY_BOOST = {"cause": 1.0}
# A cause page's list of its sources: found by a source's own words, below every entry.
CAUSE_REFERENCES_BOOST = 0.1

_STOP = frozenset(STOP_WORDS)

# Words typed on a phone without their apostrophe, read as search reads them with it: "didn't" is "didn" and a
# one-letter "t" (dropped), so "didnt" is "didn"; "can't" is the common word "can", so "cant" is dropped too.
APOSTROPHE_DROPPED = {
    word + "t": word
    for word in "aren can couldn didn doesn don hadn hasn haven isn mustn needn shouldn wasn weren won wouldn".split()
}


def reduce(word: str) -> str:
    """A word's common endings removed: a plural (-ies to -y from five letters, a final s from four letters but
    not -ss, -us, -is), then -ing (from six letters) or -ed (from five, not -eed), then a final e (from five):
    "placed", "place" and "places" all read "plac". Only plain a-z words are reduced."""
    if not re.fullmatch(r"[a-z]+", word):
        return word
    if len(word) >= 5 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) >= 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) >= 6 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) >= 5 and word.endswith("ed") and not word.endswith("eed"):
        word = word[:-2]
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    return word


def fold(word: str) -> str:
    """A word without accents, in lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower()


def words(text: str) -> tuple[str, ...]:
    """text cut into words as search cuts it: lower case, no accents, no common words or single letters, no
    plural ending."""
    result = []
    for raw in re.findall(r"[^\W_]+", text):
        word = fold(raw)
        word = APOSTROPHE_DROPPED.get(word, word)
        if word in _STOP or (len(word) == 1 and "a" <= word <= "z"):
            continue
        result.append(reduce(word))
    return tuple(result)


# Everyday words that say little about which entry is meant ("getting", "much", "actually", "nothing"). Few
# entries use them, so by rarity alone they would weigh as much as "sciatica"; search counts them VAGUE as
# much as other words. Unlike stop words they stay in the query, so thesaurus phrases that hold them
# ("did nothing", "down below") still match.
VAGUE_WORDS = (
    "actually again ago already although anymore anyone anything anyway around basically bit came come comes "
    "coming couple definitely definition difference doing done down even everyone everything explain "
    "explained few gave getting gets go goes going gone guy happen happened happens instead keep keeps kept know "
    "lady lot lots made make makes many mean meaning means much need needed needs nothing now okay out over "
    "people perhaps person please possibly pretty probably put quite really seem seemed seems someone something "
    "take takes taking tell thanks thing things think thought though told took tried try trying turn turned turns "
    "up way whats went "
    # Praise, blame and degree ("really bad", "felt brilliant", "not enough"), people around the patient, and
    # clinical shorthand for the patient and for "after" ("pt c/o knee pain post CSI").
    "very enough good bad great brilliant terrible awful felt feel feels point matter mum mom dad wife husband "
    "son daughter sister brother mother father partner friend neighbour neighbor pt pts post "
    # Worry about a symptom ("should I worry") is not the psychological factor "anxiety".
    "worry worried worrying "
    # When, not what ("swollen calf today", "how long until it works"): without this, the first result's lacking
    # them was shown as a sign that the KB does not cover the question (the query sets' figures are unchanged).
    "until today tonight yesterday tomorrow"
).split()


# Words for the treatment itself, which may stand inside a thesaurus phrase and are read with it: "another
# cortisone jab" is "another jab", "how long does a steroid injection take to work" is "how long does it take
# to work". Nearly every entry has them, so they say little on their own.
FILLER_WORDS = "steroid steroids cortisone corticosteroid injection injections jab jabs shot shots".split()


def filler_terms() -> list[str]:
    """FILLER_WORDS as search reads them."""
    return sorted(set(words(" ".join(FILLER_WORDS))))


def vague_terms() -> list[str]:
    """VAGUE_WORDS as search reads them ("getting" is "gett")."""
    return sorted(set(words(" ".join(VAGUE_WORDS))))


def linked_topics(entry: object) -> list:
    """The conditions and regions an entry concerns (a facet's, a red flag's, an injection site's region)."""
    topics = [*getattr(entry, "conditions", ()), *getattr(entry, "regions", ())]
    region = getattr(entry, "region", None)
    return topics + ([region] if region is not None else [])


def _unique(candidates: Iterable[str]) -> list[str]:
    unique: dict[str, str] = {}
    for word in candidates:
        unique.setdefault(word.lower(), word)
    return list(unique.values())


def keywords(entry: object) -> list[str]:
    """An entry's search words beyond its page text: its synonyms, then the names and synonyms of the
    conditions and regions it concerns; each once, case ignored. (Thesaurus words are added by the search
    itself, for every entry alike.)"""
    topics = [word for item in linked_topics(entry) for word in (item.name, *item.synonyms)]
    return _unique([*getattr(entry, "synonyms", ()), *topics])


def keywords_by_place(kb: KnowledgeBase) -> dict[tuple[str, str], dict]:
    """What every published entry's search document gains (its keywords, and its boost where ENTRY_BOOST
    sets one), by where the document is: (page source, anchor or "")."""
    places: dict[tuple[str, str], dict] = {}
    for kind in KINDS:
        if not kind.addressed:
            continue
        for entry in getattr(kb, kind.attr):
            if not kind.is_published(entry):
                continue
            fields: dict = {}
            found = keywords(entry)
            if found:
                fields[KEYWORD_FIELD] = " ".join(found)
            if kind.name in ENTRY_BOOST:
                fields["boost"] = ENTRY_BOOST[kind.name]
            if fields:
                places[source_of(entry)] = fields
    for cause in kb.causes:
        places[(source_of(cause)[0], "references")] = {"boost": CAUSE_REFERENCES_BOOST}
    return places


# The lines of links that end an entry on its page ("Related: ...", "Sources: ..."): on the page they lead on, in
# search they would make every entry that links to an idea a match for it. Their names reach an entry's keywords
# where they describe it (its conditions and regions).
LINK_LINES = ("Red flags", "Red flags to exclude", "Injection sites", "Related", "Conditions and regions", "Sources",
              "Cited in", "Causes", "Causes examined", "See also", "Consider when", "Usual differentials", "Where",
              "Read more", "Read", "Red flags first", "Worked case", "Worked cases", "Entries", "Sites", "Site",
              "Red flag in the story")
_LINK_LINE = re.compile(r"<p>(?:" + "|".join(re.escape(label) for label in LINK_LINES) + r"): .*?</p>", re.S)


def without_link_lines(text: str) -> str:
    """A section's indexed text (HTML, as the search plugin keeps it) without its lines of links."""
    return _LINK_LINE.sub("", text)


# Where the site keeps its whole search index. The theme fetches search/search_index.json on every page as it
# starts; that file holds only what the theme reads itself and where the worker finds the documents, which it
# fetches when the reader first searches (a page's first visit then moves about 120 KB, not 300).
FULL_INDEX = "search/kb-index.json"


def split_index(index: dict) -> tuple[dict, dict]:
    """The index the theme fetches on every page (its config without the worker's part, no documents, and the
    address of the whole index relative to the site root), and the whole index, for the worker."""
    config = {key: value for key, value in index.get("config", {}).items() if key != "kb"}
    return {"config": {**config, "kb": {"index": FULL_INDEX}}, "docs": []}, index


def search_config(kb: KnowledgeBase, directory_urls: bool = True) -> dict:
    """What the search worker needs besides the documents: the common words it drops (and how it reads words
    typed without their apostrophe), the everyday words that weigh little, the thesaurus, the words of body
    regions' names, which say where the pain is rather than what is wrong, so weigh less, and the addresses
    of the red flags, which come first when they answer the question (with the facets each one points to, and
    which concern any region, so fit a body region's word in the query). Addresses are written as the search
    index writes its documents' locations: directory-style online, file-style in the offline copy."""
    def address(entry: object) -> str:
        return url_of(entry, directory_urls)

    return {"stop": list(STOP_WORDS),
            "apostrophe_dropped": APOSTROPHE_DROPPED,
            "context": sorted({word for region in kb.regions for word in words(region.name)}),
            "region_of": {word: sorted(r.id for r in kb.regions if word in words(r.name))
                          for word in sorted({w for region in kb.regions for w in words(region.name)})},
            "vague": vague_terms(),
            "filler": filler_terms(),
            "urgent": sorted(address(flag) for flag in kb.red_flags if kind_of(flag).is_published(flag)),
            "anywhere": sorted(address(flag) for flag in kb.red_flags if kind_of(flag).is_published(flag)
                               and not flag.regions),
            "flag_facets": {address(flag): sorted(address(facet) for facet in flag.facets
                                                 if kind_of(facet).is_published(facet))
                            for flag in kb.red_flags if kind_of(flag).is_published(flag)},
            "thesaurus": [{"terms": list(g.terms), "misspellings": list(g.misspellings), "red_flag": g.red_flag,
                           "two_regions": [list(pair) for pair in g.two_regions]}
                          for g in kb.thesaurus]}
