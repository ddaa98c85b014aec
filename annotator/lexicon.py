"""Load the word lists in ``annotator/lexicons/`` (package data): cues, hedges, adverbs, nouns."""

from dataclasses import dataclass
from functools import cache
from importlib import resources

STANCE_OF_CLASS = {
    "factive": "asserted",
    "reported": "reported",
    "alleged": "alleged",
    "hedged": "hedged",
    "denied": "denied",
}


@dataclass(frozen=True)
class Cue:
    lemma: str
    cls: str  # factive, reported, alleged, hedged, denied
    frames: frozenset[str]  # clause, object, predicative
    pos: str  # VERB or ADJ

    @property
    def stance(self) -> str:
        return STANCE_OF_CLASS[self.cls]


def _rows(name: str) -> list[list[str]]:
    text = resources.files("annotator.lexicons").joinpath(name).read_text(encoding="utf-8")
    return [
        line.split("\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


@cache
def words(name: str) -> frozenset[str]:
    """A one-word-a-line list, lower-cased."""
    return frozenset(row[0].strip().lower() for row in _rows(name))


@cache
def table(name: str) -> dict[str, str]:
    """A two-column ``key<TAB>value`` list."""
    return {row[0].strip().lower(): row[1].strip() for row in _rows(name)}


@cache
def cues() -> dict[tuple[str, str], Cue]:
    """The attribution cues, keyed by ``(lemma, pos)``."""
    out = {}
    for lemma, cls, frames, pos in _rows("cues.tsv"):
        if cls not in STANCE_OF_CLASS:
            raise ValueError(f"lexicons/cues.tsv: unknown class {cls!r} for {lemma!r}")
        out[(lemma, pos)] = Cue(lemma, cls, frozenset(frames.split(",")), pos)
    return out


@cache
def pairs(name: str) -> tuple[tuple[str, str], ...]:
    """A two-column list that may repeat keys, as ``(key, value)`` pairs."""
    return tuple((row[0].strip().lower(), row[1].strip().lower()) for row in _rows(name))


@cache
def grouped(name: str) -> dict[str, frozenset[str]]:
    """A two-column list, as ``{key: every value listed with it}``."""
    out: dict[str, set[str]] = {}
    for key, value in pairs(name):
        out.setdefault(key, set()).add(value)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The raw tab-separated rows of a lexicon file."""
    return tuple(tuple(c.strip() for c in row) for row in _rows(name))


@cache
def weights(name: str) -> dict[str, tuple[str, int]]:
    """A ``word<TAB>kind<TAB>weight`` list, as ``{word: (kind, weight)}``."""
    return {row[0].lower(): (row[1], int(row[2])) for row in rows(name)}
