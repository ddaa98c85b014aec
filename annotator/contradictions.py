"""When two claims on one subject contradict each other: the rules, for :func:`matching.compare`.

Most pairs of news sentences with different figures for "the same" thing do not contradict: two
polls, two dates, two measures of one thing (a national average and one state's, 2,000 emails
against 22), which the sentences rarely name. And most pairs where one sentence denies a word the
other asserts are about different things ("Ryan was not ready to support Trump" against "Trump
doesn't need those states"). Three blind samples of the pairs the earlier rules called
contradictions held none that an independent judge called one. So a pair contradicts only when
it says what is measured or asserted, and of whom, closely enough:

- **a denial**: a predicate both assert (main or clausal, main in one of them, as
  :mod:`annotator.match_structure` reads the parse) is denied in one only, said of a subject both
  name (a noun, or a personal pronoun standing for a person the claim names: "she neither sent
  nor received" is said of Clinton in a sentence about Clinton), and of the same objects where
  both give one (a light verb's noun said of what its clause says: "has no chance of winning the
  nomination" is no denial that he "has a chance to take them all"); not a predicate whose object is a pronoun in either ("I don't like it" names
  nothing that is not liked), nor one denied of an object the other does not name
  ("without speaking his name" against "will speak there"). A claim whose parse gave no predicate contradicts nothing;
- **a figure** of one unit with incompatible values (:func:`figures.conflict`; a count's unit is
  the noun it counts: "four Americans" killed and "three security agents" on site that night
  are no conflict), the rest of what both measure agreeing, anchored by a figure, a month or a
  day both give ("67 delegates to reach the 2,383" against "71 delegates short of the 2,383"),
  neither of them a poll's figure (``lexicons/match_polls.txt``: polls differ without
  contradicting each other) nor said on a condition or as a possibility ("he would need 69
  percent if he loses Ohio");
- a claim that reports what it says as someone's claim, or calls it false or unsupported
  (``lexicons/match_disputed.txt``: "claiming without any evidence that Obama wanted to take in
  250,000 Syrian refugees", "his claim that ...", "criticized him for saying he had sacrificed")
  asserts none of it: it contradicts nothing (four
  of the nine wrong contradictions of the blind samples `w16p-2`..`w16p-4`, and a gold pair that
  two independent judges read as neither);
- **a denial anchored by a figure**: one denies all the words a negation of it bears on, which
  the other says, and both give the same distinctive figure ("Obama wanted to take in 250,000
  Syrian refugees" against "Obama is not admitting ... 250,000 Syrian refugees"), neither a
  poll's; a month both name is not enough ("a rally against the Iran nuclear deal" last
  September is no denial of a sentence on another speech at that rally).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

from . import figures, lexicon, match_words, matching

if TYPE_CHECKING:
    from .matching import Features, Weight

# The personal pronouns whose subject is a person the claim names ("I pay federal taxes" in a
# sentence quoting Trump): stems, as match_structure stores them.
PERSONAL = frozenset({"i", "he", "she", "we", "they", "you"})


@cache
def _polls() -> frozenset[str]:
    words = [w for word in sorted(lexicon.words("match_polls.txt")) for w in match_words.fold(word).split()]
    return frozenset(match_words.stems(words))


def is_poll(f: Features) -> bool:
    """Whether a claim reports a poll's figures (a poll, survey, average of polls, voters' shares)."""
    return bool(f.terms & _polls())


@cache
def _disputing() -> tuple[str, ...]:
    return tuple(f" {' '.join(match_words.fold(phrase).split())} " for phrase in sorted(lexicon.words("match_disputed.txt")))


def disputes(f: Features) -> bool:
    """Whether a claim reports what it says as someone's claim, or calls it false or unsupported
    (``lexicons/match_disputed.txt``)."""
    return any(phrase in f.sequence for phrase in _disputing())


def subjects(f: Features, predicate: str) -> set[str]:
    """The subjects of ``predicate`` in ``f``: its noun subjects, and for a personal pronoun the
    persons ``f`` names (none named: unknown)."""
    found = {s for p, s in f.subjects if p == predicate}
    if found & PERSONAL:
        found = (found - PERSONAL) | set(f.persons)
    return found


def _said_of_one_subject(a: Features, b: Features, predicate: str) -> bool:
    """Whether ``predicate`` is said of a subject both name, and of the same objects where both
    give one."""
    return bool(subjects(a, predicate) & subjects(b, predicate)) and matching.same_objects(a, b, predicate)


def _denies_as_asserted(denier: Features, asserter: Features, predicate: str) -> bool:
    """Whether a denial bears on what the other asserts: a denial that gives noun objects denies
    the predicate of one of them, which the other must name ("all without speaking his name" is
    no denial that she "will speak there"; "did not send classified material" denies "sent and
    received classified material", whose parse gives the object to *received* only)."""
    objects = {o for p, o in denier.objects if p == predicate}
    return not objects or bool(objects & asserter.terms)


def denial(a: Features, b: Features) -> bool:
    """One denies a predicate the other asserts, of a subject both name (see the module)."""
    if not a.parsed or not b.parsed:
        return False
    shared = (a.mains | a.clauses) & (b.mains | b.clauses) & (a.mains | b.mains) - a.vague - b.vague
    return any((p in a.denied) != (p in b.denied) and _said_of_one_subject(a, b, p)
               and _denies_as_asserted(*((a, b) if p in a.denied else (b, a)), p) for p in shared)


def _anchor(a: Features, b: Features) -> set[str]:
    """The distinctive figures both give (a share or a sum, or a count of at least 100), and the
    months or days both name (not a year alone): what ties two figures or a denial to one
    occasion."""
    def distinctive(f: Features) -> set[str]:
        return {q.key() for q in f.quantities if q.unit or q.value >= 100}
    return (distinctive(a) & distinctive(b)) | {d for d in a.dates & b.dates if d.startswith("m")}


def _denies_what_other_says(a: Features, b: Features) -> bool:
    """A negation of ``a`` bears on words that ``b`` all says, and ``b`` does not deny them
    ("not admitting ... Syrian refugees" against "wanted to take in ... Syrian refugees")."""
    return any(len(scope) >= 2 and scope <= b.words and not b.denies(scope) for scope in a.negations)


def contradicts(a: Features, b: Features, weight: Weight | None, agree: bool) -> bool:
    """Whether two claims that name a subject in common contradict each other (see the module);
    ``agree``: their predicates agree (:func:`matching._predicates_agree`), so that a negation
    of one bears on what the other says."""
    return _conflict(a, b, weight, agree) and not (disputes(a) or disputes(b))  # rare: checked last


def _conflict(a: Features, b: Features, weight: Weight | None, agree: bool) -> bool:
    """A denial or a figure conflict between the two (see the module), whether they dispute what
    they report or not."""
    if agree and matching._polarity_conflict(a, b) and denial(a, b):
        return True
    if is_poll(a) or is_poll(b) or a.hedged or b.hedged or not _anchor(a, b):
        return False  # a figure said on a condition, as a possibility or asked gives no value
    figure = _anchor(a, b) - {d for d in a.dates if d.startswith("m")}  # a month is no figure
    if figure and (_denies_what_other_says(a, b) or _denies_what_other_says(b, a)):
        return True
    return (figures.conflict(*_measured_apart(a, b))
            and matching._predicates_agree(a.properties, b.properties, weight))


def _measured_apart(a: Features, b: Features) -> tuple[frozenset[figures.Quantity], frozenset[figures.Quantity]]:
    """What each measures (:func:`_measured`), less their counts when both give one count alike,
    whatever noun it counts: their other counts are then of something else, or of another day
    ("needs 2,383 delegates" against "within 150 delegates of the 2,383 needed"; "67 delegates to
    reach the 2,383" on June 4 against "71 delegates short of the 2,383" on June 3)."""
    ours, theirs = _measured(a), _measured(b)
    def counts(f: Features) -> set[float]:
        return {q.value for q in f.quantities if q.unit == ""}
    if counts(a) & counts(b):
        def uncounted(qs: frozenset[figures.Quantity]) -> frozenset[figures.Quantity]:
            return frozenset(q for q in qs if q.unit != "" and not q.unit.startswith("n"))
        return uncounted(ours), uncounted(theirs)
    return ours, theirs


def _measured(f: Features) -> frozenset[figures.Quantity]:
    """Its quantities, a count's unit the noun it counts where the parse gives it ("67
    delegates" against "71 delegates", not "four Americans" against "three security agents"). A
    value that counts two nouns ("three weeks and three days") says no one thing it counts: as it is."""
    counts = Counter(key for key, _ in f.counted)
    nouns = {key: noun for key, noun in f.counted if counts[key] == 1}
    if sum(q.unit == "" for q in f.quantities) > 2:  # a table of counts ("Cruz has 370, Kasich 129 ..."): as it is
        return f.quantities
    return frozenset(figures.Quantity(q.value, f"n{nouns[q.key()]}", q.qualifier) if q.key() in nouns else q
                     for q in f.quantities)
