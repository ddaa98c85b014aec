"""What two claims whose words, names, figures and predicates agree must also share to be the
same claim, for :func:`matching.compare`.

Blind samples of the pairs the earlier rules called the same claim, judged by an independent
judge, were right at 30-40 %: nearly always when the two sentences are near-verbatim (a repeated
quotation, an editor's note, word agreement of 0.75 or more), at about a third below that. Below
it the right pairs share a stretch of words ("speak directly to white people", "look into
releasing transcripts") or a distinctive figure ("$916 million", "$1.1 trillion"); the wrong ones
share a topic and a predicate, said of something else (two memos released by one campaign
manager, "build a wall" promised and quoted at a rally). So:

- below :data:`WORDS_ENOUGH` word agreement, the two must share a distinctive figure (a sum of
  at least a million, a count of at least 1,000: a fifth blind sample's wrong pairs shared "$15
  an hour", "$27" or "nearly half") with a predicate said alike (:func:`_said_alike`: "it takes
  1,237 delegates to win" is not "no one is on pace to get 1,237 delegates", nor "Obama asked
  for $1.9 billion" "Rubio supported Obama's call for $1.9 billion"), or a stretch of at least :data:`LONG_RUN` words in
  order (a passage repeated), or of :data:`MIN_RUN` with a predicate main in both or said of a
  subject both name (a fourth blind sample, from other articles, held right pairs in this band
  only so: "turn the tables on Sanders" and "did not return a request for comment" were not);
- a claim about a **poll** (``lexicons/match_polls.txt``) is the same claim only when both name
  a person or entity in common (the pollster, a candidate, a state), and below it only as a
  repeated passage (:data:`LONG_RUN` words in order): two polls' margins of error, samples and
  averages share their wording, near-verbatim too ("the poll has a margin of error of 3
  percentage points" said of a national poll in July and of three state polls in May: four of
  the ten wrong near-verbatim pairs of the blind samples `w16p-2`..`w16p-4`);
- a claim **hedged** (a main predicate under *could*, *may*, *might* or an *if* clause, or a
  question: :func:`match_structure.predicates`) is not the same claim as one that is not: "he
  would need to win 69 percent if he loses Ohio" is not "he would need to win 69 percent";
- a **fragment** (a piece of a sentence: it starts in lower case and ends without a full stop,
  "political violence and is a serial liar, rampant xenophobe,") is related to nothing: what it
  claims, if anything, is in the sentence it was cut from.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import contradictions

if TYPE_CHECKING:
    from .matching import Features

WORDS_ENOUGH = 0.75  # word agreement (matching._similarity) from which nothing more is asked
LONG_RUN = 8  # words in order that two claims below it share: a passage repeated
MIN_RUN = 5  # ... or fewer, not under this, with a predicate said of one subject or main in both

_STARTS_LOWER = re.compile(r"^\W*[a-z]")
_ENDS_SENTENCE = re.compile(r"""[.!?…][\s"'”’)\]]*$|["”’]\s*$""")


def is_fragment(text: str) -> bool:
    """Whether a claim's text is a piece of a sentence: it starts in lower case and does not end
    as a sentence does ("repeatedly pledged to ban all Muslims — ... — from")."""
    text = text.strip()
    return bool(_STARTS_LOWER.match(text)) and not _ENDS_SENTENCE.search(text)


def longest_run(a: str, b: str) -> int:
    """The most words in a row two word sequences share (``Features.sequence``)."""
    x, y = a.split(), b.split()
    best = 0
    previous = [0] * (len(y) + 1)
    for word in x:
        current = [0] * (len(y) + 1)
        for j, other in enumerate(y, 1):
            if word == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def _distinctive(f: Features) -> set[str]:
    """Its figures that few unrelated sentences share: a sum of at least a million, a count of at
    least 1,000 ("$916 million", "2,383 delegates"; not "$15 an hour", "nearly half")."""
    return {q.key() for q in f.quantities
            if (q.unit not in ("", "pct") and q.value >= 1e6) or (q.unit == "" and q.value >= 1000)}


def _said_alike(a: Features, b: Features) -> bool:
    """Whether a predicate one asserts and the other asserts or reports is main in both, or said
    of a subject both name ("Trump said Obama was the founder" and "he claimed Obama was the
    founder"; a personal pronoun stands for a person the claim names)."""
    (main_a, all_a), (main_b, all_b) = a.asserted, b.asserted
    return bool(main_a & main_b) or any(contradictions.subjects(a, p) & contradictions.subjects(b, p)
                                        for p in main_a & all_b | main_b & all_a)


def _names_one_subject(a: Features, b: Features) -> bool:
    """Whether the two name a person or entity in common (a pollster, a candidate, a state)."""
    return bool(a.persons & b.persons or a.entities & b.entities)


def enough_shared(a: Features, b: Features, score: float) -> bool:
    """Whether two claims that agree in all else share enough to be the same claim: both hedged or
    neither, and near-verbatim (``score``, their word agreement, at least :data:`WORDS_ENOUGH`),
    or a stretch of :data:`LONG_RUN` words in order, or (neither about a poll) a distinctive
    figure or a stretch of :data:`MIN_RUN` words, with a predicate said alike (:func:`_said_alike`)."""
    if a.hedged != b.hedged:
        return False
    if (contradictions.is_poll(a) or contradictions.is_poll(b)) and not _names_one_subject(a, b):
        return False  # "the poll has a margin of error of 3 points": which poll?
    if score >= WORDS_ENOUGH:
        return True
    if contradictions.is_poll(a) or contradictions.is_poll(b):  # two polls share their wording
        return longest_run(a.sequence, b.sequence) >= LONG_RUN
    if _distinctive(a) & _distinctive(b) and _said_alike(a, b):
        return True
    run = longest_run(a.sequence, b.sequence)
    return run >= LONG_RUN or (run >= MIN_RUN and _said_alike(a, b))
