"""What two claims whose words, names, figures and predicates agree must also share to be the
same claim, for :func:`matching.compare`.

Blind samples of the pairs the earlier rules called the same claim, judged by an independent
judge, were right at 30-40 %: nearly always when the two sentences are near-verbatim (a repeated
quotation, an editor's note, word agreement of 0.75 or more), at about a third below that. Below
it the right pairs share a stretch of words ("speak directly to white people", "look into
releasing transcripts") or a distinctive figure ("$916 million", "$1.1 trillion"); the wrong ones
share a topic and a predicate, said of something else (two memos released by one campaign
manager, "build a wall" promised and quoted at a rally). So:

- below :data:`WORDS_ENOUGH` word agreement, the two must share a stretch of at least
  :data:`MIN_RUN` words in order, or a distinctive figure (a share or sum, or a count of at
  least 100);
- a **fragment** (a piece of a sentence: it starts in lower case and ends without a full stop,
  "political violence and is a serial liar, rampant xenophobe,") is related to nothing: what it
  claims, if anything, is in the sentence it was cut from.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .matching import Features

WORDS_ENOUGH = 0.75  # word agreement (matching._similarity) from which nothing more is asked
MIN_RUN = 4  # words in order two claims below it must share (or a distinctive figure)

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
    return {q.key() for q in f.quantities if q.unit or q.value >= 100}


def enough_shared(a: Features, b: Features, score: float) -> bool:
    """Whether two claims that agree in all else share enough to be the same claim: near-verbatim
    (``score``, their word agreement, at least :data:`WORDS_ENOUGH`), or a stretch of
    :data:`MIN_RUN` words, or a distinctive figure."""
    return (score >= WORDS_ENOUGH or bool(_distinctive(a) & _distinctive(b))
            or longest_run(a.sequence, b.sequence) >= MIN_RUN)
