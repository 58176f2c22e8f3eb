"""Flesch reading ease, with syllables counted through pyphen's English dictionary (shipped with the package: no
download at run time, unlike the current textstat release).

    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)

60 or more is plain English ("standard"); 70 or more, fairly easy. A hyphenation dictionary marks where a word may
be broken, not every syllable: it leaves "every", "area" and "people" whole. So each word counts the larger of
pyphen's parts and its groups of vowels (a silent final e not counted, a final -le counted): a word counted short
would make the text read easier than it is, so the measure errs towards harder.
"""
from __future__ import annotations

import re
from functools import cache

import pyphen

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)")
VOWELS = re.compile(r"[aeiouy]+")


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_GB")


def vowel_groups(word: str) -> int:
    """Syllables as groups of vowels: a final silent e is not one, a final consonant-le is."""
    word = word.lower()
    count = len(VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def syllables(word: str) -> int:
    """A word's syllables: the larger of pyphen's hyphenation parts and its vowel groups."""
    parts = len(_dictionary().positions(word.lower())) + 1
    return max(parts, vowel_groups(word))


def words(text: str) -> list[str]:
    """The words of a text (numbers and signs left out; "don't" is one word)."""
    return WORD.findall(text)


def sentences(text: str) -> int:
    """How many sentences the text holds: ends of sentence (a colon or semicolon closes a list's lead-in too)."""
    return max(1, len(SENTENCE_END.findall(text.strip() if text.strip()[-1:] in ".!?:;" else text.strip() + ".")))


def flesch_reading_ease(texts: list[str], leave_out: set[str] = frozenset()) -> float:
    """The Flesch reading ease of texts, each one or more sentences, without the words in leave_out (drug names)."""
    left = {word.lower() for word in leave_out}
    total_words = total_sentences = total_syllables = 0
    for text in texts:
        found = [w for w in words(text) if w.lower() not in left]
        if not found:
            continue
        total_words += len(found)
        total_sentences += sentences(text)
        total_syllables += sum(syllables(w) for w in found)
    if not total_words:
        raise ValueError("no words to measure")
    return 206.835 - 1.015 * total_words / total_sentences - 84.6 * total_syllables / total_words
