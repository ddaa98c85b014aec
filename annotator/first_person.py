"""A claim in the first person is said of its source, for matching (:mod:`annotator.matching`).

"I did not send classified material", quoted from Clinton, denies what "Clinton sent classified
material" asserts; the words of the quotation do not name her. So where a predicate's subject is
*I* and the claim's source is a person, or *we* and its source an organisation (a party, an
agency, a people or a place speaking as one), matching reads that subject as the source: the
source's canonical name (its surname, or an organisation's last word: "State Department" is
*department*): the claim's words hold the source's name, as if the claim said it, and a claim
that names the source (as a person or an entity: its NER may have read "Trump" as an
organisation) has a subject in common with it. The source is evidence for a subject in common,
never against: a claim that names someone else may still speak of the source by a pronoun or a
role ("the nominee said she wanted ..."). Only the
match features change; the stored text and source do not. A source that is no named identity
("officials", "the candidate") stands for no one the other claim can name, and is left alone.
"""

import dataclasses

from . import match_words, matching

_GROUPS = frozenset({"ORG", "NORP", "GPE"})  # the sources that say "we" as one


def said_by(f: "matching.Features", canonical: str | None, label: str | None) -> "matching.Features":
    """``f`` with each first-person subject of its predicates read as its source (``canonical``
    name, entity ``label``): *i* for a person, *we* for an organisation; ``f`` itself when it has
    none, or its source is no named person or organisation."""
    pronoun = "i" if label == "PERSON" else "we" if label in _GROUPS else None
    if pronoun is None or not canonical or all(s != pronoun for _p, s in f.subjects):
        return f
    parts = match_words.name_words(canonical)
    if not parts:
        return f
    words = frozenset(match_words.stems(parts))
    name = match_words.stems([parts[-1]])[0]  # a person by surname, as matching.features has them
    subjects = frozenset((p, name if s == pronoun else s) for p, s in f.subjects)
    return dataclasses.replace(f, terms=f.terms | words, subjects=subjects, names=f.names | words,
                               speaker=frozenset({name}))


def speaks_of(a: "matching.Features", b: "matching.Features") -> bool:
    """Whether one of two claims is said in the first person by a source the other names (or
    both by one source). Evidence for a subject in common only: a claim that names others and
    not the source may still speak of it by a pronoun or a role ("the nominee said she ...")."""
    return bool(a.speaker & (b.persons | b.entities | b.speaker) or b.speaker & (a.persons | a.entities))
