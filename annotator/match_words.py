"""The words matching reads a claim by: folded to lower case and to one concept per synonym
phrase (``lexicons/match_synonyms.tsv``: "jobless rate" and "unemployment" are one), stemmed,
and sorted into what carries no content (function words, attribution cues), roles, negations
and antonyms. Every module of matching (:mod:`annotator.matching`, :mod:`annotator.match_structure`,
:mod:`annotator.contradictions`, :mod:`annotator.first_person`) reads words through these.
"""

import functools
import re
from functools import cache

import Stemmer

from . import lexicon

WORD = re.compile(r"[^\W_]+", re.UNICODE)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def _synonyms() -> tuple[re.Pattern, dict[str, str]]:
    table = lexicon.table("match_synonyms.tsv")
    phrases = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")
    return pattern, table


@cache
def stopwords() -> frozenset[str]:
    words = set(lexicon.words("match_stopwords.txt"))
    for lemma, _pos in lexicon.cues():  # attribution cues: "said" and "claimed" assert alike
        words.update((lemma, lemma + "s", lemma + "d", lemma + "ed", lemma + "ing"))
    return frozenset(words)


@cache
def roles() -> frozenset[str]:
    return frozenset(stems(sorted(lexicon.words("match_roles.txt"))))


@cache
def negation_words() -> frozenset[str]:
    """The words that deny (``lexicons/negations.txt``)."""
    return lexicon.words("negations.txt")


@cache
def antonyms() -> dict[str, str]:
    """The words that deny a concept, and the concept ("opposed": support)."""
    return lexicon.table("match_antonyms.tsv")


@functools.lru_cache(maxsize=8192)  # names and words come back claim after claim
def fold(text: str) -> str:
    """Lower case, "n't" as "not", each synonym phrase replaced by its concept."""
    text = text.lower().replace("’", "'").replace("n't", " not").replace("cannot", "can not")
    pattern, table = _synonyms()
    return pattern.sub(lambda m: f" {table[m.group(0)]} ", text)


def stems(words: list[str]) -> list[str]:
    return _stemmer().stemWords(words)


def name_words(name: str) -> list[str]:
    """The words a name is matched by: folded, function words left out, not yet stemmed (a
    person is matched by the last: the surname)."""
    return [w for w in WORD.findall(fold(name)) if w not in stopwords()]
