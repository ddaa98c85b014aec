"""What a claim's parse says of its structure, for matching (:mod:`annotator.matching`).

Two sentences about one event can share most of their words and say different things of it:
"Tulsa police released video" and "protesters demanded that police release video"; "X served as
director of Y" said outright and in an apposition of a sentence on something else. What tells
them apart is which predicate each *asserts*. :func:`predicates` reads it from a claim's
dependency parse, once, at extract time (the Doc is at hand then; ``annotator match`` parses the
stored text of older claims again):

- its **main** predicates: the root of the claim and what the root's clause asserts through
  conjuncts and clausal complements (``ccomp``, ``xcomp``), past attribution cues ("Trump said
  Obama was the founder of ISIS": *founder*), a copula's complement standing for the copula
  ("X is director": *director*) and a light verb's object for the verb ("give remarks":
  *speech*);
- its **clausal** predicates: those in its other clauses (adverbial, prepositional), but not in
  relative clauses, appositions or clauses that modify a noun ("an economist who served as
  director": background to what is claimed), unless an attribution cue introduces them ("when he
  claimed Obama was the founder").

Each predicate is the stem of its lemma, synonyms folded as in :func:`matching.features`.
"""

from functools import cache

from spacy.tokens import Span, Token

from . import lexicon, matching

# Verbs whose object says what is done ("give remarks", "take credit", "hold a rally").
LIGHT_VERBS = frozenset({"give", "make", "take", "have", "deliver", "hold", "do", "get", "offer"})
_SUBJECT_OBJECT = frozenset({"dobj", "nsubjpass"})
_MAIN = frozenset({"conj", "ccomp", "xcomp", "parataxis", "pcomp", "prep", "pobj"})  # keep a clause main
_BACKGROUND = frozenset({"relcl", "acl", "appos"})  # what modifies a noun: background
_INTRODUCING = frozenset({"advcl", "acl", "relcl"})  # ... unless it is an attribution cue


@cache
def _cue_verbs() -> frozenset[str]:
    return frozenset(lemma for lemma, pos in lexicon.cues() if pos == "VERB")


def _is_cue(token: Token) -> bool:
    """An attribution cue with a clause for content: what it introduces is the claim."""
    return token.lemma_ in _cue_verbs() and any(c.dep_ in ("ccomp", "xcomp") for c in token.children)


def _stem(token: Token) -> str:
    """A token's stem, synonyms folded ("remarks": speech; "fell": decrease)."""
    word = token.text.lower()
    folded = matching.fold(word).split()
    if folded == [word]:  # no synonym of the form: the lemma's (a name keeps its form)
        folded = matching.fold(word if token.pos_ == "PROPN" else token.lemma_.lower()).split()
    if not folded:
        return ""
    return matching.stems([matching.antonym(folded[-1])])[0]


def _level(token: Token, span: Span) -> int:
    """0 for a main predicate of ``span``, 1 for a clausal one, 2 for background."""
    level, reported = 0, False
    x = token
    while x.i != span.root.i and x.head.i != x.i and span.start <= x.head.i < span.end:
        if x.dep_ in _MAIN or (x.dep_ in _INTRODUCING and _is_cue(x)):
            pass
        elif x.dep_ in _BACKGROUND:
            level = 2
        else:
            level = max(level, 1)
        reported = reported or (x.dep_ in ("ccomp", "xcomp") and _is_cue(x.head))
        x = x.head
    return min(level, 1) if reported else level


def predicates(span: Span) -> dict[str, list[str]]:
    """``{"m": main predicates, "c": clausal predicates}`` of a claim (stems, sorted)."""
    found: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for t in span:
        if t.pos_ not in ("VERB", "AUX") or t.dep_ in ("aux", "auxpass", "prep") or _is_cue(t):
            continue
        level = found[_level(t, span)]
        head = t
        if t.lemma_ == "be":  # "X is director of Y": director
            head = next((c for c in t.children if c.dep_ in ("attr", "acomp")), t)
        level.add(_stem(head))
        if t.lemma_ in LIGHT_VERBS:
            level.update(_stem(c) for c in t.children if c.dep_ in _SUBJECT_OBJECT and c.pos_ == "NOUN")
    main, clausal, _background = (sorted(s - {""}) for s in found)
    return {"m": main, "c": clausal}


@cache
def _parser():
    """The model's parser, for claims stored without their predicates (``annotator match`` on an
    older database): the named entities are not needed."""
    import spacy

    from .pipeline import resolve_model

    return spacy.load(resolve_model(None), disable=["ner"])


def parse(texts: list[str]) -> list[dict[str, list[str]]]:
    """The predicates of claims known only by their text: each parsed on its own."""
    return [predicates(doc[:]) for doc in _parser().pipe(texts, batch_size=64)]
