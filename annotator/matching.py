"""The same claim across documents, and claims that contradict each other: the rules.

A claim is reduced to its *match features*: the stems of its content words (function words and
attribution cues left out, synonyms folded into one concept: "jobless rate" and "unemployment"
are one, "dropped" and "fell" another), its quantities normalized ("4.2%" = "4.2 percent",
"$2.9 billion" = 2.9e9 dollars, "nearly $3 billion" an approximate 3e9 dollars), its named
entities (a person by surname), its dates, and its polarity (an odd number of negations denies);
the words are folded, stemmed and sorted by :mod:`annotator.match_words`;
the quantities and dates are read by :mod:`annotator.figures`; what it asserts, by its parse, by
:mod:`annotator.match_structure`.
:func:`compare` decides on a pair: ``same`` when the words agree enough and the entities,
quantities, dates, polarity and asserted predicates all agree, and below near-verbatim they share
a stretch of words or a figure (:mod:`annotator.same_claim`); ``contradicts`` when the words agree
on one subject (a shared entity) and one denies what the other asserts of it, or a figure of one
measure and occasion takes incompatible values (:mod:`annotator.contradictions`). A fragment of a
sentence is related to nothing. Where the features are stored and how candidates are found is
:mod:`annotator.store.relations`.
"""

import functools
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import contradictions, figures, first_person, match_words, same_claim

SAME_THRESHOLD = 0.4  # word agreement (see _similarity) from which a pair can be the same claim
# Dice from which a pair can be the same claim, however high its overlap: a short sentence whose
# words are all in a long one is a part of what the long one says ("this is going to be the number
# one issue" in a sentence about a poll on Clinton's health), not the same claim. Chosen on the
# judged pairs (tests/fixtures/matching-precision): it drops 3 of their 31 wrong `same` pairs and
# none of the right ones, nor any `same` pair of the gold (the lowest there: 0.31).
MIN_DICE = 0.3
# Word agreement from which a pair is about the same thing, so that one figure against another,
# or a denial against an assertion, is a contradiction. Both thresholds were chosen on the
# development gold (tests/fixtures/matching-gold), with the words weighted by their IDF.
CONTRADICTS_THRESHOLD = 0.3

Weight = Mapping[str, float]  # how much each word counts: its inverse document frequency
# What two claims say of their subjects must agree too, not only whom they name: "Pence won the
# debate" is not "Pence said the tweet was a joke".
PREDICATE_THRESHOLD = 0.25
PREDICATE_WEIGHT = 1.2  # ... and share the weight of this many words never seen before
MIN_PREDICATE = 2  # predicate words they must share ("X is director of debate" is one: debate)
NEAR_VERBATIM = 0.65  # word agreement from which few predicate words can make the same claim
NEGATION_SCOPE = 3  # content words after a negation that it bears on
# The shape of the features stored in claim_match_keys: a database whose features have another
# (matched by an older annotator) has them redone before it is matched again (relations.stale).
FEATURES_VERSION = 12  # 12: a fall is a rise denied (lexicons/match_antonyms.tsv: decrease, increase); 11: claims worded alike stand for one another (store/wordings.py); 10: a light verb noun's object its clause's verb ("a chance to take"); 9: predicates with a pronoun object; 7: a first-person subject read as the claim's source (first_person); 8: a role noun source too
# The key of a claim row (pipeline.paragraph_rows) that holds its predicates, read from the parse
# (match_structure.predicates): stored in its match features, not in the claims table.
MATCH_STRUCTURE = "match_structure"
MIN_SHARED = 4  # words two claims must share to be related at all ("She is right" is no claim)
NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT",
                          "WORK_OF_ART"})

# A negation's scope ends at these ("Nobody knows why, but unemployment fell" asserts the fall).
_BREAKS = frozenset({";", ":", "(", ")", "—", "–", "but", "while", "although", "though", "whereas"})
_WORD_OR_BREAK = re.compile(r"[^\W_]+|[;:()—–]", re.UNICODE)
_AGE = re.compile(r"\b(?:\d+|" + "|".join(figures.NUMBER_WORDS) + r")[- ]years?[- ]old\b", re.IGNORECASE)


@dataclass(frozen=True)
class Features:
    terms: frozenset[str]  # content stems, synonyms folded; no numbers
    quantities: frozenset[figures.Quantity]
    persons: frozenset[str]  # surnames (stemmed)
    entities: frozenset[str]  # the words of other named entities, stemmed
    dates: frozenset[str]  # "y2016", "m9d27", "m9"
    # each negation's scope: the words it bears on ("did not send classified material": send,
    # classifi, materi; see NEGATION_SCOPE); "opposed" bears on the concept "support"
    negations: tuple[frozenset[str], ...]
    names: frozenset[str] = frozenset()  # every word of its named entities (first names too)
    # from its parse (match_structure.predicates): the predicates it asserts, and those of its
    # other clauses; none known for a claim whose root is no verb (a fragment, a headline)
    mains: frozenset[str] = frozenset()
    clauses: frozenset[str] = frozenset()
    background: frozenset[str] = frozenset()  # and those of relative clauses, appositions, questions
    verbs: int = 0  # how many verbs it has (none: a fragment, or no parse)
    hedged: bool = False  # a main predicate said as possible or on a condition; a question
    counted: frozenset[tuple[str, str]] = frozenset()  # (a count's key, the noun it counts)
    denied: frozenset[str] = frozenset()  # those of its main and clausal predicates it denies
    subjects: frozenset[tuple[str, str]] = frozenset()  # (predicate, its subject) when a noun
    objects: frozenset[tuple[str, str]] = frozenset()  # (predicate, its object) when a noun
    sequence: str = ""  # its words, folded, in order: " a b c " (see contains)
    fragment: bool = False  # a piece of a sentence (same_claim.is_fragment): related to nothing
    speaker: frozenset[str] = frozenset()  # its source's name, for a claim in the first person (first_person)
    vague: frozenset[str] = frozenset()  # main and clausal predicates whose object is a pronoun ("don't like it")

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """What the similarity of two claims counts: content stems, quantities, dates."""
        return self.terms | {q.key() for q in self.quantities} | self.dates

    @functools.cached_property
    def predicate(self) -> frozenset[str]:
        """The words that say what is claimed of whom: all but names, titles and roles, and
        times (``lexicons/match_roles.txt``)."""
        return self.words - self.persons - self.entities - self.names - self.dates - match_words.roles()

    @functools.cached_property
    def properties(self) -> frozenset[str]:
        """The predicate with each figure replaced by its unit ("u" for a count, "upct"): what
        is measured, whatever the value, for two figures of one quantity to contradict."""
        figures = {q.key() for q in self.quantities}
        return (self.predicate - figures) | {f"u{q.unit}" for q in self.quantities}

    @functools.cached_property
    def parsed(self) -> bool:
        """Whether its parse gave any predicate (none: a fragment, a headline, no parse)."""
        return bool(self.mains or self.clauses or self.background)

    @functools.cached_property
    def asserted(self) -> tuple[frozenset[str], frozenset[str]]:
        """What it asserts, as its parse gives it: its main predicates and all it asserts (main
        and clausal); for a claim with neither (a fragment: "Rice, issued last week, in which
        the White House took credit ..."), what it has: its clausal, or else its background ones."""
        main = self.mains or self.clauses or self.background
        return main, self.mains | self.clauses | main

    def bag(self) -> tuple:
        """What it says, less its parse and word order: equal for a repeated claim."""
        return self._bag

    @functools.cached_property
    def _bag(self) -> tuple:  # compare asks for it at each of a claim's candidates
        return (self.terms, self.quantities, self.persons, self.entities, self.dates,
                self.negations, self.names)

    def keys(self) -> list[str]:
        """The words the full-text index holds for this claim."""
        return sorted(self.words)

    def to_json(self) -> dict:
        """What is stored of it: every set sorted, so that the same claim gives the same bytes in
        any process (a set's order follows the process's string hashing)."""
        return {"v": FEATURES_VERSION, "t": sorted(self.terms), "q": sorted([q.value, q.unit, q.qualifier] for q in self.quantities),
                "p": sorted(self.persons), "e": sorted(self.entities), "d": sorted(self.dates),
                "n": [sorted(scope) for scope in self.negations], "w": sorted(self.names),
                "x": self.parse(), "s": self.sequence, "f": self.fragment, "sp": sorted(self.speaker)}

    def parse(self) -> dict:
        """What it holds of its parse, as :func:`match_structure.predicates` gives it."""
        return {"m": sorted(self.mains), "c": sorted(self.clauses), "b": sorted(self.background),
                "v": self.verbs, "h": int(self.hedged), "k": sorted(self.counted), "n": sorted(self.denied), "s": sorted(self.subjects), "o": sorted(self.objects),
                "p": sorted(self.vague)}

    @classmethod
    def from_json(cls, data: dict) -> "Features":
        return cls(frozenset(data["t"]), frozenset(figures.Quantity(*q) for q in data["q"]),
                   frozenset(data["p"]), frozenset(data["e"]), frozenset(data["d"]),
                   tuple(frozenset(scope) for scope in data["n"]), frozenset(data["w"]),
                   sequence=data["s"], fragment=data["f"], speaker=frozenset(data["sp"]), **_parsed(data["x"]))

    def denies(self, words: frozenset[str]) -> bool:
        """Whether it denies what ``words`` say: an odd number of its negations bear on them."""
        return sum(1 for scope in self.negations if scope & words) % 2 == 1


def features(text: str, entities: Iterable[tuple[str, str]] = (),
             structure: Mapping | None = None,
             source: tuple[str | None, str | None] | tuple[str | None, str | None, str | None] = (None, None),
             ) -> Features:
    """The match features of a claim's text, its named entities ``(text, label)``, the
    predicates of its parse (:func:`match_structure.predicates`; none: a fragment) and its
    source (canonical name, entity label, and the role noun it was read from, if so:
    :func:`first_person.role_sources`), of whom its first-person subjects speak
    (:mod:`annotator.first_person`)."""
    terms, found, days, scopes, sequence, fragment = _text_features(text)
    persons, others, names = set(), set(), set()
    for name, label in entities:
        if label not in NAMED_LABELS:
            continue
        parts = match_words.name_words(name)
        if not parts:
            continue
        names.update(match_words.stems(parts))
        if label == "PERSON":
            persons.add(match_words.stems([parts[-1]])[0])
        else:
            others.update(match_words.stems(parts))  # "Iraq" is named in "the Iraq War"
    return first_person.said_by(Features(
        terms, found, frozenset(persons), frozenset(others), days, scopes, frozenset(names),
        sequence=sequence, fragment=fragment, **_parsed(structure)), *source)


# A sentence comes back: wire copy repeated by outlets, a quotation in several articles, the
# bench's recombined paragraphs. What its words give is read once.
@functools.lru_cache(maxsize=4096)
def _text_features(text: str) -> tuple[frozenset[str], frozenset[figures.Quantity], frozenset[str],
                                       tuple[frozenset[str], ...], str, bool]:
    """What :func:`features` reads from the text alone: its terms, quantities, dates (years
    included), negation scopes, folded word sequence and whether it is a fragment."""
    folded = match_words.fold(text)
    sequence = " " + " ".join(match_words.WORD.findall(folded)) + " "
    folded = _AGE.sub(" ", folded)  # "a 40-year-old man" says who, not what
    days, rest = figures.dates(folded)
    found, years, rest = figures.quantities(rest)
    raw = _WORD_OR_BREAK.findall(rest)
    negations, denying = match_words.negation_words(), match_words.antonyms()
    words = [denying.get(w, w) for w in raw]  # "opposed" is "support", denied
    stop = match_words.stopwords()
    scopes = []
    for i, w in enumerate(words):
        if w in negations:
            clause = itertools.takewhile(lambda x: x not in _BREAKS, words[i + 1:])
            scopes.append([x for x in clause if x not in stop and x not in negations][:NEGATION_SCOPE])
        elif raw[i] in denying:
            scopes.append([w])
    words = [w for w in words if w not in _BREAKS]
    terms = frozenset(match_words.stems([w for w in words if w not in stop and w not in negations]))
    return (terms, frozenset(found), frozenset(days | years), tuple(frozenset(match_words.stems(x)) for x in scopes),
            sequence, same_claim.is_fragment(text))


def _parsed(structure: Mapping | None) -> dict:
    """The fields of :class:`Features` that the parse gives (none for a claim without)."""
    if not structure:
        return {}
    return {"mains": frozenset(structure["m"]), "clauses": frozenset(structure["c"]),
            "background": frozenset(structure["b"]), "verbs": structure["v"],
            "hedged": bool(structure.get("h")), "denied": frozenset(structure["n"]),
            "counted": frozenset((k, noun) for k, noun in structure.get("k", ())),
            "subjects": frozenset((p, s) for p, s in structure["s"]),
            "objects": frozenset((p, o) for p, o in structure["o"]),
            "vague": frozenset(structure.get("p", ()))}


class _IDF(dict):
    """Inverse document frequencies, computed on first use; a word never seen counts most."""

    def __init__(self, document_frequency: Mapping[str, int], n_documents: int):
        super().__init__()
        self.df, self.n = document_frequency, n_documents

    def __missing__(self, word: str) -> float:
        value = self[word] = math.log((self.n + 1) / (self.df.get(word, 0) + 1)) + 1.0
        return value


def idf(document_frequency: Mapping[str, int], n_documents: int,
        words: Iterable[str] = ()) -> Weight:
    """Inverse document frequency: a word in few claims counts more than one in many."""
    weights = _IDF(document_frequency, n_documents)
    for word in words:
        weights[word]  # computed now, looked up many times
    return weights


def _dice_overlap(a: frozenset[str], b: frozenset[str], weight: Weight | None = None) -> tuple[float, float]:
    """Dice and the overlap coefficient of two word sets, each word counted by its ``weight``."""
    if not a or not b:
        return 0.0, 0.0

    def total(words: frozenset[str]) -> float:
        return sum(weight[w] for w in words) if weight is not None else float(len(words))

    shared, wa, wb = total(a & b), total(a), total(b)
    return 2 * shared / (wa + wb), shared / min(wa, wb)


def _similarity(a: frozenset[str], b: frozenset[str], weight: Weight | None = None) -> float:
    """The mean of Dice and the overlap coefficient of two word sets, each word counted by its
    ``weight``: paraphrases that add a few words keep a high overlap, while Dice keeps a short
    claim from matching a long one."""
    return sum(_dice_overlap(a, b, weight)) / 2


def _shared_subject(a: Features, b: Features) -> bool | None:
    """Whether the two name a person or entity in common (the source of a claim in the first
    person counts: first_person.speaks_of); None when one of them names none."""
    if first_person.speaks_of(a, b):
        return True
    if not (a.persons or a.entities) or not (b.persons or b.entities):
        return None
    return bool(a.persons & b.persons or a.entities & b.entities)


def _weighs(words: frozenset[str], weight: Weight | None) -> float:
    """How much ``words`` weigh, in words never seen before (the rarest: weight 1 each)."""
    if weight is None:
        return float(len(words))
    return sum(weight[w] for w in words) / weight["\0unseen"]


def _predicates_agree(a: frozenset[str], b: frozenset[str], weight: Weight | None,
                      verbatim: bool = False) -> bool:
    """Whether two claims say the same kind of thing of their subjects: their predicates (words
    less names, roles and times) agree (:data:`PREDICATE_THRESHOLD`) and share enough weight
    (:data:`PREDICATE_WEIGHT`, waived for near-verbatim claims) in at least
    :data:`MIN_PREDICATE` words: "Pence won the debate" is not
    "Kaine faces Pence in the debate"."""
    return len(a & b) >= MIN_PREDICATE and _similarity(a, b, weight) >= PREDICATE_THRESHOLD and (
        verbatim or _weighs(a & b, weight) >= PREDICATE_WEIGHT)


def _polarity_conflict(a: Features, b: Features) -> bool:
    """One denies what the other asserts: the negations that bear on the words both say ("did
    not send classified material" against "sent classified material") give them opposite
    polarity. A negation elsewhere in the sentence does not count."""
    shared = a.predicate & b.predicate
    return a.denies(shared) != b.denies(shared)


def _same_subject(a: Features, b: Features, predicate: str) -> bool:
    """Whether a predicate can be said of one subject in both: its noun subjects (a pronoun or
    none: unknown) are the same ("taxpayers would pay" is not said of Trump)."""
    ours = {s for p, s in a.subjects if p == predicate} - contradictions.PERSONAL
    theirs = {s for p, s in b.subjects if p == predicate} - contradictions.PERSONAL
    return not ours or not theirs or bool(ours & theirs)


def same_objects(a: Features, b: Features, predicate: str) -> bool:
    """Whether a predicate is said of the same noun objects in both, where both give one
    ("released a memo" is "a memo released"; "released a memo" is not "released the video")."""
    ours = {o for p, o in a.objects if p == predicate}
    theirs = {o for p, o in b.objects if p == predicate}
    return not ours or not theirs or bool(ours & theirs)


def _same_arguments(a: Features, b: Features, predicate: str) -> bool:
    """Whether a predicate is said of the same things in both: its noun subjects and its noun
    objects agree, where both give them."""
    return _same_subject(a, b, predicate) and same_objects(a, b, predicate)


def _structures_agree(a: Features, b: Features) -> bool:
    """Whether two claims assert the same thing, by their parse: a main predicate of one is a
    main or clausal predicate of the other ("police released video" is not "protesters demanded
    that police release video"; an apposition of one is not the other's claim). Waived for a
    fragment (no main predicate known), for a claim whose words are a stretch of the other's
    (a repeated passage, a part of the same sentence), and for two claims that give the same
    sums or shares (figures.same_values is checked apart: "a $916 million loss" told with
    different verbs)."""
    if not a.verbs or not b.verbs or a.sequence in b.sequence or b.sequence in a.sequence:
        return True
    if {q.unit for q in a.quantities} & {q.unit for q in b.quantities} - {""}:
        return True
    (main_a, all_a), (main_b, all_b) = a.asserted, b.asserted
    agreeing = main_a & all_b | main_b & all_a
    return any(_same_arguments(a, b, p) for p in agreeing)


def relatable(f: Features) -> bool:
    """Whether :func:`compare` can relate ``f`` to any claim (its first test): a fragment, or a
    claim of fewer than :data:`MIN_SHARED` words, needs no candidates."""
    return len(f.words) >= MIN_SHARED and not f.fragment


def compare(a: Features, b: Features, weight: Weight | None = None) -> tuple[str | None, float]:
    """``("same", score)``, ``("contradicts", score)`` or ``(None, score)`` for a pair of claims."""
    if len(a.words & b.words) < MIN_SHARED or a.fragment or b.fragment:  # most candidates stop here
        return None, 0.0
    if a.bag() == b.bag():  # the same words, names, figures, dates and negations: a repeated claim
        return ("same" if len(a.predicate) >= MIN_PREDICATE else None), 1.0
    dice, overlap = _dice_overlap(a.words, b.words, weight)
    score = (dice + overlap) / 2
    if score < min(SAME_THRESHOLD, CONTRADICTS_THRESHOLD):
        return None, score
    subject = _shared_subject(a, b)
    if subject is False or figures.dates_conflict(a.dates, b.dates):
        return None, score
    agree = _predicates_agree(a.predicate, b.predicate, weight, score >= NEAR_VERBATIM)
    if (score >= SAME_THRESHOLD and dice >= MIN_DICE and agree and not _polarity_conflict(a, b)
            and figures.same_values(a.quantities, b.quantities) and _structures_agree(a, b)
            and same_claim.enough_shared(a, b, score)):
        return "same", score
    if score >= CONTRADICTS_THRESHOLD and subject and contradictions.contradicts(a, b, weight, agree):
        return "contradicts", score
    return None, score
