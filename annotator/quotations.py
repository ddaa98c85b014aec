"""Quotations: where they are in a text, and which attributed claim each cue-less quoted claim
belongs to (``"We are ready. We will win," he said.``: both sentences are his)."""

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Span

from . import stance
from .claims import text_of
from .structure import PARAGRAPH

if TYPE_CHECKING:
    from .attribution import Attribution
    from .structure import Block

QUOTES = "\"“”«»‘’„‟‹›'"
FIRST_PERSON = frozenset({"i", "we", "me", "us"})
OPENERS = {"“": "”", "«": "»", "„": "“", "‹": "›"}
_QUOTE_MARK = re.compile("''|[\"“”«»„‹›]")  # '' : two apostrophes, a straight double quote
CLOSERS = {"”", "»", "›"}


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of the quotations in ``text``, marks included.

    Straight double quotes alternate; curly and angle quotes pair; an unbalanced mark opens a
    quotation that runs to the end of the text, and never raises. News mixes its marks
    (``“Our roads are crumbling," she said``, ``“Apparently not,“ he said``): a double mark of
    another style closes the quotation where it stands as a closing mark does, after a word and
    before a space, punctuation or the end.
    """
    spans, stack_start, closer = [], None, None
    for m in _QUOTE_MARK.finditer(text):
        i, ch = m.start(), m.group(0).replace("''", '"')
        if stack_start is None:
            if ch == '"':
                stack_start, closer = i, '"'
            elif ch in OPENERS:
                stack_start, closer = i, OPENERS[ch]
        elif ch == closer or (closer != '"' and ch in CLOSERS) \
                or ch in '"“”' and _closing(text, i, m.end()):
            spans.append((stack_start, m.end()))
            stack_start = None
    if stack_start is not None:
        spans.append((stack_start, len(text)))
    return spans


def _closing(text: str, start: int, end: int) -> bool:
    """The mark at ``text[start:end]`` stands where a closing mark does: after a word, before a
    space, punctuation or the end."""
    return start > 0 and not text[start - 1].isspace() and (
        end == len(text) or text[end].isspace() or text[end] in ".,;:!?)—-")


@lru_cache(maxsize=16)
def quotation_marks(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """Where the quotations of ``text`` open and where they close (offsets past the closing mark),
    remembered for the few paragraphs being attributed at a time."""
    spans = quotation_spans(text)
    return frozenset(a for a, _ in spans), frozenset(b for _, b in spans)


def _speaker_hedge(a: "Attribution") -> bool:
    """A cue of the first or second person inside a quotation (``I would think …``, ``you say
    …``): the quoted speaker's own words, not a new speaker."""
    if a.source is None:
        return False
    who = a.source.text.lower()
    # "I" and "we" in a quotation are the quoted speaker however many cues they use ("I told you …")
    return who in FIRST_PERSON or who == "you" and len(a.classes) == 1


def quotation_links(claims: list[Span], found: list["Attribution"]) -> list[tuple[int, int]]:
    """``(i, j)``: claim i has no cue and lies in a quotation that claim j attributes.

    Claim j attributes a quotation when its cue stands outside the quotation, just before it
    (``He said: "…``) or just after it (``…," he said.``); every cue-less claim whose text lies
    inside that quotation is the same speaker's (``"We are ready. We will win," he said.``).
    """
    if not claims:
        return []
    doc = claims[0].doc
    links: list[tuple[int, int]] = []
    for q_start, q_end in quotation_spans(text_of(doc)):
        owner = None
        for j, (c, a) in enumerate(zip(claims, found)):
            if a.cue is None or a.source is None:
                continue
            if c.start_char <= q_end <= c.end_char and a.cue.start_char >= q_end - 1:
                owner = j  # "…," he said.
                break
            if c.start_char <= q_start <= c.end_char and a.cue.end_char <= q_start:
                owner = j  # He said: "…
                break
        if owner is None:
            # a quotation with no cue of its own continues an attributed quotation just before it
            before = [j for j, c in enumerate(claims) if c.end_char <= q_start]
            if before and found[before[-1]].cue is not None \
                    and any(ch in QUOTES for ch in claims[before[-1]].text):
                owner = before[-1]
                owner = dict(links).get(owner, owner)
            else:
                continue
        for i, (c, a) in enumerate(zip(claims, found)):
            inside = max(0, min(c.end_char, q_end) - max(c.start_char, q_start))
            own = a.cue is not None and not _speaker_hedge(a)
            if i != owner and not own and inside >= 0.5 * len(c.text.strip(QUOTES + " ")):
                links.append((i, owner))
    return links


_CARRIED = ("source", "source_start", "source_end", "source_canonical", "source_label",
            "cue", "cue_start", "cue_end")


def _open_at_end(text: str) -> bool:
    """``text`` ends inside a quotation (news leaves a quote open when the next paragraph goes on)."""
    spans = quotation_spans(text)
    return bool(spans) and spans[-1][1] == len(text) and text[-1:] not in CLOSERS | {'"'}


def across_paragraphs(rows: list[dict], blocks: Sequence["Block"], text: str) -> None:
    """Carry an attribution into the next paragraph, in place, where the text says it goes on.

    ``rows`` are a document's claim rows in order, ``blocks`` its structure; only a paragraph
    right after another (no heading or list between them) goes on from it. Two cases: a paragraph
    that ends in an attributed cue and a colon (``Limbaugh added:``) gives its speaker to the
    cue-less claims of the next paragraph; a quotation left open at the end of a paragraph and
    taken up by the next (``"… ¶ "…," he said``: news opens each paragraph of a long quotation
    and closes only the last) gives the speaker of the one to the cue-less quoted claims of the
    other.
    """
    def rows_in(start: int, end: int) -> list[dict]:
        return [r for r in rows if start <= r["start"] < end]

    for p, q in itertools.pairwise(blocks):
        if p.kind != PARAGRAPH or q.kind != PARAGRAPH:
            continue
        (p_start, p_end), (q_start, q_end) = (p.start, p.end), (q.start, q.end)
        before = rows_in(p_start, p_end)
        owner = next((r for r in reversed(before) if r.get("cue") and r.get("source")), None)
        if owner is None:
            continue
        colon = before[-1] is owner and owner["text"].rstrip().endswith(":")
        opened = _open_at_end(text[p_start:p_end]) and text[q_start:q_start + 1] in QUOTES
        if not (colon or opened):
            continue
        quoted = quotation_spans(text[q_start:q_end])
        for r in rows_in(q_start, q_end):
            if r.get("cue"):
                break
            inside = any(a <= r["start"] - q_start and r["end"] - q_start <= b + 1 for a, b in quoted)
            if colon or inside:
                r.update({k: owner.get(k) for k in _CARRIED})
                r["stance"] = stance.combine([owner["stance"], r["stance"]])
