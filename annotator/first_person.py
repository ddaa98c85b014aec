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
("officials", "a spokesman") stands for no one the other claim can name, and is left alone; but
a definite role noun ("The presidential candidate reiterated: 'I ... did not send classified
material'", "the senator said") stands for the person the claims of its paragraph just before it
name, when they name one person only (:func:`role_sources`): the way a pronoun source does in
:mod:`annotator.sources`, for matching alone.
"""

import dataclasses
from collections.abc import Sequence
from functools import cache

from . import lexicon, match_words, matching

_GROUPS = frozenset({"ORG", "NORP", "GPE"})  # the sources that say "we" as one


def said_by(f: "matching.Features", canonical: str | None, label: str | None,
            role: str | None = None) -> "matching.Features":
    """``f`` with each first-person subject of its predicates read as its source (``canonical``
    name, entity ``label``): *i* for a person, *we* for an organisation; ``f`` itself when it has
    none, or its source is no named person or organisation. ``role``: the role noun the source
    was read from (:func:`role_sources`), whose words in the claim ("The presidential candidate
    reiterated: ...") name the speaker, not what is claimed: the name stands for them."""
    pronoun = "i" if label == "PERSON" else "we" if label in _GROUPS else None
    if pronoun is None or not canonical or all(s != pronoun for _p, s in f.subjects):
        return f
    parts = match_words.name_words(canonical)
    if not parts:
        return f
    words = frozenset(match_words.stems(parts))
    name = match_words.stems([parts[-1]])[0]  # a person by surname, as matching.features has them
    subjects = frozenset((p, name if s == pronoun else s) for p, s in f.subjects)
    terms = f.terms - frozenset(match_words.stems(match_words.name_words(role))) if role else f.terms
    return dataclasses.replace(f, terms=terms | words, subjects=subjects, names=f.names | words,
                               speaker=frozenset({name}))


def as_parsed(stored: dict, speaker: Sequence[str], label: str | None) -> dict:
    """The parse that :func:`said_by` was given, from the one stored with the features it made
    (``Features.parse``, its ``speaker``, its source's entity ``label``): each subject it read as
    the source a first-person pronoun again. (A subject that was the source's name already
    becomes one too: said_by makes the same features of either.)"""
    pronoun = "i" if label == "PERSON" else "we" if label in _GROUPS else None
    if not speaker or pronoun is None:
        return stored
    return {**stored, "s": [[p, pronoun if s in speaker else s] for p, s in stored["s"]]}


def speaks_of(a: "matching.Features", b: "matching.Features") -> bool:
    """Whether one of two claims is said in the first person by a source the other names (or
    both by one source). Evidence for a subject in common only: a claim that names others and
    not the source may still speak of it by a pronoun or a role ("the nominee said she ...")."""
    return bool(a.speaker & (b.persons | b.entities | b.speaker) or b.speaker & (a.persons | a.entities))


def _is_role(source: str | None, canonical: str | None) -> bool:
    """Whether a source is a definite role noun ("the presidential candidate", "the senator"):
    "the", then lower-case words, the last a role (``lexicons/match_roles.txt``) of no one who
    speaks for someone else (``lexicons/match_speaking_for.txt``: "the spokesman", "the
    moderator" after a claim naming the candidate)."""
    words = (source or "").split()
    if len(words) < 2 or len(words) > 4 or words[0].lower() != "the" or not canonical:
        return False
    rest = words[1:]
    return all(w.isalpha() and w.islower() for w in rest) and rest[-1] not in _speaking_for() and \
        match_words.stems([rest[-1]])[0] in match_words.roles()


@cache
def _speaking_for() -> frozenset[str]:
    return lexicon.words("match_speaking_for.txt")


def role_sources(claims: Sequence[tuple[int, str | None, str | None, str | None, Sequence[str]]]
                 ) -> list[tuple[str | None, str | None, str | None]]:
    """The source each claim of a document speaks for, for :func:`said_by` (canonical name,
    entity label, and the role it was read from, if so): ``claims`` in document order, each (its
    paragraph, its source's text, canonical name and entity label, the persons it names). A
    definite role noun with no entity of its own ("The presidential candidate reiterated")
    stands for the person that the nearest claim of its paragraph before it naming anyone names,
    if that claim names one person only (by surname); any other source is as it is."""
    found: list[tuple[str | None, str | None, str | None]] = []
    for i, (paragraph, source, canonical, label, _persons) in enumerate(claims):
        person = None
        if label is None and _is_role(source, canonical):
            for earlier in reversed(claims[:i]):
                if earlier[0] != paragraph:
                    break
                names = [n for n in earlier[4] if n[:1].isupper()]  # not "bona" of "bona fides"
                surnames = {(match_words.name_words(n) or [""])[-1] for n in names} - {""}
                if surnames:
                    person = max(names, key=len) if len(surnames) == 1 else None
                    break
        found.append((person, "PERSON", canonical) if person else (canonical, label, None))
    return found
