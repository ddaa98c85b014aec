"""The claim in its passage: the stretch of document text around it, as HTML with the claim,
its source and its cue marked, and a link to it on the page it came from."""

import difflib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # "claim", "source" or "cue"


def passage_html(text: str, offset: int, marks: Iterable[Mark]) -> Markup:
    """``text`` (which starts at document offset ``offset``) as HTML with the marks highlighted.

    The claim becomes one ``<mark class="annotator-claim">``; source and cue become
    ``<span class="annotator-source">`` / ``annotator-cue`` inside or around it, split where they
    cross the claim's edge. Every character of ``text`` is escaped.
    """
    spans = [
        (max(m.start - offset, 0), min(m.end - offset, len(text)), m.kind)
        for m in marks
        if m.start is not None and m.end is not None and m.end > m.start
    ]
    spans = [s for s in spans if s[0] < s[1]]
    cuts = sorted({0, len(text), *(p for s in spans for p in s[:2])})
    out: list[str] = []
    in_claim = False
    for a, b in itertools.pairwise(cuts):
        kinds = {k for s, e, k in spans if s <= a and b <= e}
        claim = "claim" in kinds
        if claim and not in_claim:
            out.append('<mark class="annotator-claim">')
        elif in_claim and not claim:
            out.append("</mark>")
        in_claim = claim
        piece = str(escape(text[a:b]))
        inner = sorted(kinds - {"claim"})
        if inner:
            classes = " ".join(f"annotator-{k}" for k in inner)
            title = " and ".join(inner)
            piece = f'<span class="{classes}" title="{title}">{piece}</span>'
        out.append(piece)
    if in_claim:
        out.append("</mark>")
    return Markup("".join(out))


def _reach(claim: Mapping) -> tuple[int, int]:
    """The range the claim, its source and its cue cover."""
    points = [claim["start"], claim["end"]]
    for key in ("source", "cue"):
        s, e = claim.get(f"{key}_start"), claim.get(f"{key}_end")
        if s is not None and e is not None:
            points += [s, e]
    return min(points), max(points)


def line_window(claim: Mapping, text: str) -> tuple[int, int]:
    """The range of the lines of ``text`` holding the claim, its source and its cue (for an
    earlier version of a document, whose blocks are not stored)."""
    lo, hi = _reach(claim)
    start = max(text.rfind("\n", 0, lo), text.rfind("\r", 0, lo)) + 1
    ends = [i for i in (text.find("\n", hi), text.find("\r", hi)) if i >= 0]
    return start, min(ends, default=len(text))


def passage_window(claim: Mapping, blocks: Iterable[Mapping]) -> tuple[int, int]:
    """The document range to show: the blocks holding the claim, its source and its cue."""
    lo, hi = _reach(claim)
    starts, ends = [lo], [hi]
    for b in blocks:
        if b["start"] < hi and b["end"] > lo:
            starts.append(b["start"])
            ends.append(b["end"])
    return min(starts), max(ends)


def claim_marks(claim: Mapping) -> list[Mark]:
    marks = [Mark(claim["start"], claim["end"], "claim")]
    for key in ("source", "cue"):
        s, e = claim.get(f"{key}_start"), claim.get(f"{key}_end")
        if s is not None and e is not None:
            marks.append(Mark(s, e, key))
    return marks


def claim_link(document: Mapping, claim: Mapping) -> str | None:
    """Where a claim of a web page can be read: the page's canonical URL (or the address it was
    fetched from), with a text fragment (``#:~:text=``) that browsers scroll to and highlight."""
    url = next((u for u in (document.get("canonical_url"), document.get("url"))
                if u and urlsplit(u).scheme in ("http", "https")), None)
    if url is None:
        return None
    words = claim["text"].split()
    if len(words) > 8:  # text fragments match across elements; start and end words suffice
        directive = f"{_fragment(' '.join(words[:4]))},{_fragment(' '.join(words[-4:]))}"
    else:
        directive = _fragment(" ".join(words))
    return f"{url.split('#')[0]}#:~:text={directive}"


def _fragment(text: str) -> str:
    # "-", "," and "&" have meanings in a text directive, so they are escaped as well.
    return quote(text, safe="").replace("-", "%2D")


def similar_claims(claim: Mapping, others: Iterable[Mapping], threshold: float = 0.6) -> list[dict]:
    """Which of ``others`` (claims of the same document) look like other wordings of ``claim``.

    Used to find a claim's earlier, superseded versions, whose reviews belong to its history, and
    a superseded claim's current versions.
    """
    found = []
    for other in others:
        if other["id"] == claim["id"]:
            continue
        ratio = difflib.SequenceMatcher(None, other["text"], claim["text"], autojunk=False).ratio()
        if ratio >= threshold:
            found.append({**other, "similarity": round(ratio, 2)})
    return sorted(found, key=lambda o: -o["similarity"])
