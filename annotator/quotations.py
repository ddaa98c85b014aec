"""Quotations: where they are in a text, and whose words each quoted claim is (``"We are ready.
We will win," he said.``: both sentences are his), across sentences and paragraphs."""

import itertools
import re
from collections.abc import Callable, Sequence
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


@lru_cache(maxsize=16)
def quotation_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` character offsets of the quotations in ``text``, marks included,
    remembered for the few paragraphs being attributed at a time (every rule asks for them).

    Straight double quotes alternate; curly and angle quotes pair; an unbalanced mark opens a
    quotation that runs to the end of the text, and never raises. News mixes its marks
    (``“Our roads are crumbling," she said``, ``“Apparently not,“ he said``): a double mark of
    another style closes the quotation where it stands as a closing mark does, after a word and
    before a space, punctuation or the end.
    """
    spans: list[tuple[int, int]] = []
    stack_start, closer = None, None
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
    return tuple(spans)


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


def quotation_links(claims: list[Span], found: list["Attribution"],
                    speaker_of: Callable[[int, int], "Attribution | None"]) -> list[tuple[int, "Attribution"]]:
    """``(i, a)``: claim i lies in a quotation whose speaker is ``a``, and has no cue of its own
    outside it.

    A quotation's speaker is, in order: that of the claim whose cue stands just before it (``He
    said: "…``) or just after it (``…," he said.``); one named by words no claim attributes
    (``speaker_of(start, end)``: ``"…?" he said.``, a question being no claim); that of
    the claim just before it when that claim is quoted and attributed; that of the quotation
    before it when nothing but its speaker's words stands between (``"…?" he said. "…"``). Every
    claim mostly inside the quotation, or in it with its head word inside it (a sentence cut
    inside a quotation: ``X “were stiff. …” in comparison, Y said``) or its head word the speaker's
    cue (``X responded, with a smile: “…”``, the cue no rule read), is the speaker's, unless its own cue
    stands outside the quotation: a cue inside it is the quoted speaker's words (``"He's always
    calling me Little Marco. …," Rubio said``), as for a claim that holds a whole quotation.
    """
    if not claims:
        return []
    doc = claims[0].doc
    links: list[tuple[int, Attribution]] = []
    linked: dict[int, Attribution] = {}
    previous: tuple[int, Attribution] | None = None  # the quotation before: its end, its speaker
    text = text_of(doc)
    for q_start, q_end in quotation_spans(text):
        owner, speaker = None, None
        for j, (c, a) in enumerate(zip(claims, found)):
            if a.cue is None or a.source is None:
                continue
            if c.start_char <= q_end <= c.end_char and a.cue.start_char >= q_end - 1 \
                    or c.start_char <= q_start <= c.end_char and a.cue.end_char <= q_start:
                owner, speaker = j, a  # "…," he said. / He said: "…
                break
        if speaker is None:
            speaker = speaker_of(q_start, q_end)
        if speaker is None and previous is not None and _only_speaker_between(claims, previous, q_start):
            speaker = previous[1]
        named = speaker is not None  # by a cue of its own or of the one quotation it goes on
        if speaker is None:  # a quoted, attributed claim just before: most often the same speaker
            before = [j for j, c in enumerate(claims) if c.end_char <= q_start]
            if before and found[before[-1]].cue is not None \
                    and any(ch in QUOTES for ch in claims[before[-1]].text):
                owner = before[-1]
                speaker = linked.get(owner, found[owner])
        previous = (q_end, speaker) if speaker is not None else None
        if speaker is None:
            continue
        for i, (c, a) in enumerate(zip(claims, found)):
            inside = max(0, min(c.end_char, q_end) - max(c.start_char, q_start))
            # a cue inside the quotation is its speaker's words ("He's always calling me …," X said)
            own = a.cue is not None and not _speaker_hedge(a) and not (named and q_start <= a.cue.start_char < q_end)
            part = inside >= 0.5 * len(c.text.strip(QUOTES + " ")) or inside and (
                q_start <= c.root.idx < q_end  # its head word is quoted
                # its head is the tag's cue, or it holds the cue that opens the quotation ("…, saying, "…")
                or a.cue is None and speaker.cue is not None and (c.root in speaker.cue or c.start_char
                                                                  <= speaker.cue.start_char < q_start)
                or a.cue is None and _cut_at_mark(text, c, q_start))
            if i != owner and not own and part:
                links.append((i, speaker))
                linked[i] = speaker
    return links


def _cut_at_mark(text: str, claim: Span, start: int) -> bool:
    """``claim`` ends with the opening mark at ``start`` in the middle of its sentence (``… words
    like “maybe” and “`` ¶ ``perhaps”, he told reporters``: the parse cut the sentence there)."""
    words = text[claim.start_char:start].rstrip()
    return claim.end_char <= start + 2 and bool(words) and words[-1] not in ".!?:;)"


def _only_speaker_between(claims: list[Span], previous: tuple[int, "Attribution"], start: int) -> bool:
    """Every claim with words between the end of the quotation before (``previous``: its end,
    its speaker) and ``start`` holds that speaker's cue (``"…," he said. "…"``), so the one
    quotation goes on (not in ``"…," X said. Y said Z "…"``)."""
    end, speaker = previous
    cue = speaker.cue
    if cue is None:
        return False
    text = text_of(claims[0].doc)
    return all(c.start_char <= cue.start_char < c.end_char for c in claims
               if any(ch.isalnum() for ch in text[max(c.start_char, end):min(c.end_char, start)]))


_CARRIED = ("source", "source_start", "source_end", "source_canonical", "source_label",
            "cue", "cue_start", "cue_end")


def _open_at_end(text: str) -> bool:
    """``text`` ends inside a quotation (news leaves a quote open when the next paragraph goes on)."""
    spans = quotation_spans(text)
    return bool(spans) and spans[-1][1] == len(text) and text[-1:] not in CLOSERS | {'"'}


def across_paragraphs(rows: list[dict], blocks: Sequence["Block"], text: str) -> None:
    """Carry an attribution into the next paragraph, in place, where the text says it goes on.

    ``rows`` are a document's claim rows in order, ``blocks`` its structure; only a paragraph
    right after another (no heading or list between them) goes on from it. Three cases: a paragraph
    that ends in an attributed cue and a colon (``Limbaugh added:``) gives its speaker to the
    cue-less claims of the next paragraph; a quotation left open at the end of a paragraph and
    taken up by the next (``"… ¶ "…," he said``: news opens each paragraph of a long quotation
    and closes only the last) gives the speaker of the one to the cue-less quoted claims of the
    other; so does a paragraph ending in an attributed quotation to a next paragraph that opens
    with a quotation and has no cue at all (``"…," Rubio said. ¶ "Which is why …"``).
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
        opens = text[q_start:q_start + 1] in QUOTES
        opened = _open_at_end(text[p_start:p_end]) and opens
        after = rows_in(q_start, q_end)
        # "…," Rubio said. ¶ "Which is why …": a paragraph of quotation with no speaker of its own
        # ("…?" Trump said. ¶ "…": the tag the parse split off, the owner's cue, may close the one before)
        tail = before[before.index(owner) + 1:]
        quoted_owner = any(ch in QUOTES for ch in owner["text"]) or any(
            a <= owner["start"] - p_start < b for a, b in quotation_spans(text[p_start:p_end]))
        goes_on = opens and quoted_owner and not any(r.get("cue") for r in after) \
            and all(r["start"] <= (owner.get("cue_start") or -1) < r["end"] for r in tail)
        if not (colon or opened or goes_on):
            continue
        quoted = quotation_spans(text[q_start:q_end])
        for r in after:
            if r.get("cue"):
                break
            inside = any(a <= r["start"] - q_start and r["end"] - q_start <= b + 1 for a, b in quoted)
            if colon or inside:
                r.update({k: owner.get(k) for k in _CARRIED})
                r["stance"] = stance.combine([owner["stance"], r["stance"]])
