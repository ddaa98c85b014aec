"""Faster stand-ins for two of the model's components whose work is a function of a few token
attributes: the same annotations, worked out once per distinct value of those attributes.

The English models' lemmatizer reads a token's lemma from its form, part of speech and
morphology alone, but builds a Token and runs its rules (or its cache, which leaves out base
forms) for every token of every Doc. Its attribute ruler runs a Matcher of some 180 patterns
over every token, though all but a few patterns look at one token's tag, form and dependency.
Together they took about a fifth of the model's time on the bench corpus, as much as all the
annotator's own components. :class:`Lemmas` and :class:`AttributeRules` keep a table from
those attributes to the component's answer, over the Doc's arrays, and ask the component
itself only about values they have not seen, so every token gets exactly what it would have.
"""

from collections.abc import Iterable, Iterator
from typing import Any, cast

import numpy as np
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc

# Entries a stand-in's table keeps before it starts again: a corpus of a million documents has
# more distinct (form, tag, ...) values than memory should hold; a table this size is tens of MB.
TABLE_LIMIT = 200_000


class _StandIn:
    """A pipeline component in place of ``component``: everything but its work is the original's."""

    def __init__(self, component: Any):
        self.component = component

    def __getattr__(self, name: str):  # its name, lookups, config, error handler, serialization
        if name == "component":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.component, name)

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


class Lemmas(_StandIn):
    """A rule-mode spaCy Lemmatizer's lemmas, one call of it per (form, part of speech, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer):
        super().__init__(lemmatizer)
        self.known: dict[tuple[int, int, int], int] = {}  # -> the lemma's hash

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        lemmatizer = self.component
        known, strings = self.known, doc.vocab.strings
        changed = False
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not lemmatizer.overwrite:  # set before (by the attribute ruler): kept
                continue
            key = (orth, pos, morph)
            found = known.get(key)
            if found is None:
                if len(known) >= TABLE_LIMIT:
                    known.clear()
                found = known[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = found
            changed = True
        if changed:
            doc.from_array([LEMMA], cast(Any, lemmas.reshape(-1, 1).astype(np.uint64)))
        return doc


# Token attributes a one-token pattern may test for :class:`AttributeRules` to answer it from a
# table (what the Matcher reads of them is a function of their value).
_TABLE_ATTRS = ("ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "MORPH", "LEMMA", "SHAPE",
                "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "ENT_TYPE")


class AttributeRules(_StandIn):
    """An AttributeRuler's matches, its one-token patterns looked up per distinct value of the
    attributes they test, the others (a few of several tokens) matched as the ruler does; then
    set by the ruler itself, in its order."""

    def __init__(self, ruler: AttributeRuler, one: Matcher, rest: Matcher, attrs: list[str]):
        super().__init__(ruler)
        self.one, self.rest = one, rest
        self.columns = [IDS["ORTH" if a == "TEXT" else a] for a in attrs]
        self.known: dict[tuple[int, ...], list[int]] = {}  # -> the one-token patterns' match ids
        self.order: dict[int, int] = {}  # match id -> the ruler's index of its attributes

    @classmethod
    def of(cls, ruler: AttributeRuler) -> "AttributeRules | None":
        """The stand-in for ``ruler``, or None when a pattern tests what it cannot look up."""
        one, rest = Matcher(ruler.vocab), Matcher(ruler.vocab)
        attrs: set[str] = set()
        for i in range(len(ruler.attrs)):
            key = str(i)
            for pattern in ruler.matcher.get(key)[1]:
                if len(pattern) == 1 and "OP" not in pattern[0]:
                    if not set(pattern[0]) <= set(_TABLE_ATTRS):
                        return None
                    attrs |= set(pattern[0])
                    one.add(key, [pattern])
                else:
                    rest.add(key, [pattern])
        return cls(ruler, one, rest, sorted(attrs))

    def __call__(self, doc: Doc) -> Doc:
        ruler = self.component
        matches: list[tuple[int, int, int]] = []
        if self.columns:
            known = self.known
            for i, key in enumerate(map(tuple, doc.to_array(self.columns).tolist())):
                found = known.get(key)
                if found is None:
                    if len(known) >= TABLE_LIMIT:
                        known.clear()
                    found = known[key] = [m for m, _, _ in self.one(doc[i:i + 1], allow_missing=True)]
                matches.extend((m, i, i + 1) for m in found)
        if len(self.rest):
            matches.extend(self.rest(doc, allow_missing=True))
        order = self.order
        for m, _, _ in matches:
            if m not in order:
                order[m] = int(ruler.vocab.strings[m])
        ruler.set_annotations(doc, sorted((order[m], m, s, e) for m, s, e in matches))
        return doc


def speed_up(nlp: Language) -> None:
    """Put the stand-ins in place of ``nlp``'s rule lemmatizer and attribute ruler, if it has them."""
    for i, (name, component) in enumerate(nlp._components):
        if isinstance(component, Lemmatizer) and component.mode == "rule":
            nlp._components[i] = (name, Lemmas(component))
        elif isinstance(component, AttributeRuler) and (rules := AttributeRules.of(component)):
            nlp._components[i] = (name, rules)
