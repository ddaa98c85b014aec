"""Canonical source names: abbreviations, appositions and titles, pronouns, documents' authors.

Works on one document's plain claim rows after parsing, because resolving ``he`` or ``The
report`` needs what came before in the whole document, not just the paragraph.
"""

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import lexicon
from .structure import SECTION_SEPARATOR

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them"}
THING_PRONOUNS = {"it"}
ORGANIZATIONS = ("ORG", "NORP", "GPE")  # entity labels an "it" can stand for
NAMED = ("PERSON", *ORGANIZATIONS)  # a source with one of these labels is a named identity
ARTICLES = ("the ", "a ", "an ")
TITLES = {"mr", "mrs", "ms", "dr", "general", "gen", "president", "prime", "minister", "senator",
          "sen", "rep", "congressman", "congresswoman", "judge", "sir", "lord", "lady", "professor",
          "prof", "chairman", "secretary", "governor", "mayor", "king", "queen", "pope"}

_LONG_THEN_ABBR = re.compile(
    r"\b((?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|the|on|in|de|du|des|la|le|&))*)"
    r"\s+\(([A-Z][A-Za-z&.]{1,11})\)"
)
_ABBR_THEN_LONG = re.compile(r"\b([A-Z][A-Z&.]{1,11})\s+\(([A-Z][^()]{3,100})\)")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str


def _initials_match(abbr: str, long: str) -> bool:
    letters = [c for c in abbr.upper() if c.isalpha()]
    caps = [w[0].upper() for w in re.findall(r"[\w'’-]+", long) if w[0].isupper()]
    it = iter(caps)
    return len(letters) >= 2 and all(any(c == l for c in it) for l in letters) and caps[0] == letters[0]


def abbreviations(text: str) -> dict[str, str]:
    """Abbreviations the document defines, ``{"ESI": "European Stability Initiative"}``."""
    found: dict[str, str] = {}
    for m in _LONG_THEN_ABBR.finditer(text):
        words, abbr = m.group(1).split(), m.group(2)
        # the shortest tail of the capitalised run whose initials spell the abbreviation
        tails = (" ".join(words[i:]) for i in range(len(words) - 1, -1, -1) if words[i][0].isupper())
        long_form = next((t for t in tails if _initials_match(abbr, t)), None)
        if long_form and abbr not in found:
            found[abbr] = long_form
    for m in _ABBR_THEN_LONG.finditer(text):
        abbr, long = m.group(1), m.group(2).strip()
        if abbr not in found and _initials_match(abbr, long):
            found[abbr] = long
    return found


def strip_articles(s: str) -> str:
    low = s.lower()
    for a in ARTICLES:
        if low.startswith(a):
            return s[len(a):]
    return s


def clean(source: str, abbrs: dict[str, str]) -> str:
    """Drop articles, a trailing abbreviation or parenthesis, and resolve an abbreviation."""
    s = source.strip().strip(",;:")
    s = re.sub(r"\s*\([^()]*\)?\s*$", "", s) or s  # "(ESI)", or "(MDC" where NER cut it
    s = strip_articles(s).strip()
    if s in abbrs:
        return abbrs[s]
    return s


_NAME_WORD = re.compile(r"^(?:[A-Z][a-zà-ÿ'’]+(?:-[A-Z]?[a-zà-ÿ'’]+)*|[A-Z]\.|[A-Z][a-z]?-[A-Z][a-z]+.*)$")


def _name_without_title(text: str) -> str:
    """``Mr. Thaksin`` → ``Thaksin``, ``then-MPs Neil Hamilton`` → ``Neil Hamilton``."""
    words = text.split()
    while len(words) > 1 and (words[0].lower().rstrip(".") in TITLES or not _NAME_WORD.match(words[0])):
        words = words[1:]
    return " ".join(words)


def canonical_from_parts(
    source: str, head_entity: Entity | None, appos_entity: Entity | None, head_phrase: str | None,
    abbrs: dict[str, str],
) -> str:
    """A canonical name from the syntactic analysis of the source span (see pipeline)."""
    for ent in (head_entity, appos_entity):
        if ent is not None and ent.label in ("PERSON", "ORG", "NORP", "GPE"):
            name = clean(ent.text, abbrs)
            return _name_without_title(name) if ent.label == "PERSON" else name
    if head_phrase:
        return clean(head_phrase, abbrs)
    return clean(source, abbrs)


def source_key(canonical: str, label: str | None, doc: str) -> tuple[str, ...]:
    """What makes two claims' sources the same source: the name, for a named entity (``Reuters``
    in any document); the name within its document, for anything else (``officials``, ``two
    people``, ``the documents`` of one article are not those of another)."""
    key = canonical.casefold()
    return (key,) if label in NAMED else (doc, key)


def _section_finder(sections: Sequence[tuple[int, str]]) -> Callable[[int], str]:
    starts = [start for start, _ in sections]

    def section_at(offset: int) -> str:
        i = bisect.bisect_right(starts, offset) - 1
        return sections[i][1] if i >= 0 else ""

    return section_at


def _within(outer: str, inner: str) -> bool:
    """Whether section ``inner`` is section ``outer`` or below it (all is below the top, "")."""
    return not outer or inner == outer or inner.startswith(outer + SECTION_SEPARATOR)


def resolve(rows: Sequence[dict], text: str, entities: Sequence[Entity],
            sections: Sequence[tuple[int, str]] = ()) -> None:
    """Fill ``source_canonical`` and ``source_label`` of a document's claim rows in place.

    Each row has ``source``, ``source_start``, ``source_canonical`` (a first guess from the parse)
    and ``source_label`` (the entity label of the source's head, if any), in document order.
    ``sections`` are the ``(start, section path)`` of the document's blocks, in order: a pronoun
    stands for someone named in its own section or a section above it, never in another one.
    """
    abbrs = abbreviations(text)
    section_at = _section_finder(sections)
    persons = [e for e in entities if e.label == "PERSON"]
    seen: list[tuple[str, str | None, int]] = []  # (canonical, label, start) of earlier sources
    for row in rows:
        src = row.get("source")
        if not src:
            continue
        start = row["source_start"]
        low = src.lower().strip()
        canon = row.get("source_canonical") or clean(src, abbrs)
        label = row.get("source_label")
        here = section_at(start)

        def reaches(offset: int, here: str = here) -> bool:
            return _within(section_at(offset), here)

        if low in PERSON_PRONOUNS:
            hit = next((c for c in reversed(seen) if c[1] == "PERSON" and reaches(c[2])), None)
            if hit is None:
                hit = _nearest_person(persons, start, reaches)
            if hit:
                canon, label = hit[0], "PERSON"
        elif " and " in canon:  # "Hamilton and Greer" → "Neil Hamilton and Ian Greer"
            parts = [p.strip() for p in canon.split(" and ")]
            canon = " and ".join(
                (_full_name(p, seen, persons, start) or p) if " " not in p and p[:1].isupper() else p
                for p in parts
            )
        elif low in GROUP_PRONOUNS | THING_PRONOUNS:
            want = ORGANIZATIONS if low in THING_PRONOUNS else None
            hit = next((c for c in reversed(seen) if (want is None or c[1] in want) and reaches(c[2])),
                       None)
            # "Standard Chartered said it rejects …": a nearer organization named in the text
            named = _nearest_organization(entities, start, abbrs, reaches)
            if named is not None and (hit is None or named[2] > hit[2]):
                hit = named
            if hit:
                canon, label = hit[0], hit[1]
        elif " " not in canon and canon[:1].isupper():
            full = _full_name(canon, seen, persons, start)
            if full:
                canon, label = full, "PERSON"
        elif _is_document(canon):
            author = _author(canon, text, entities, start, abbrs)
            if author:
                canon, label = author
        elif label is None and low.startswith("the "):
            person = _described_person(canon, text, persons, start)
            if person:
                canon, label = person, "PERSON"
        if label is None and " " not in canon and canon.isalpha():
            canon = _qualified(canon, seen, entities, text, start)
        if canon in abbrs:
            canon = abbrs[canon]
        row["source_canonical"] = canon
        row["source_label"] = label
        seen.append((canon, label, start))


def _qualified(noun: str, seen, entities: Sequence[Entity], text: str, before: int) -> str:
    """``officials`` → ``Thai officials``: the organization or place the text last tied the noun to.

    An earlier source of the document ending in the same noun (``Thai police officials``), or a
    name of an organization, people or place written just before the noun (``Afghan officials``).
    """
    low = noun.lower()
    for canon, label, _ in reversed(seen):
        words = canon.split()
        if label is None and len(words) > 1 and words[-1].lower() == low and words[0][:1].isupper():
            return canon
    for e in reversed(entities):
        if e.end < before and e.label in ORGANIZATIONS and re.match(
                rf"\s+{re.escape(low)}\b", text[e.end:e.end + len(low) + 2], re.IGNORECASE):
            return f"{strip_articles(e.text)} {low}"
    return noun


PRONOUN_REACH = 200  # characters back from a pronoun within which a named organization is its referent


def _nearest_organization(entities: Sequence[Entity], before: int, abbrs: dict[str, str],
                          reaches: Callable[[int], bool]) -> tuple[str, str, int] | None:
    for e in reversed(entities):
        if e.label in ORGANIZATIONS and e.end <= before and before - e.end <= PRONOUN_REACH \
                and reaches(e.start):
            name = clean(e.text, abbrs)
            return abbrs.get(name, name), e.label, e.start
    return None


def _nearest_person(persons: Sequence[Entity], before: int,
                    reaches: Callable[[int], bool]) -> tuple[str, str, int] | None:
    for e in reversed(persons):
        if e.end <= before and " " in e.text.strip() and reaches(e.start):
            return _name_without_title(e.text), "PERSON", e.start
    return None


def _full_name(name: str, seen, persons: Sequence[Entity], before: int) -> str | None:
    """``Kraisak`` → ``Kraisak Choonhavan``: an earlier longer name holding this one."""
    for canon, label, _ in reversed(seen):
        if label == "PERSON" and name in canon.split() and canon != name:
            return canon
    for e in reversed([e for e in persons if e.end <= before]):
        full = _name_without_title(e.text)
        if name in full.split() and full != name:
            return full
    return None


def _is_document(canon: str) -> bool:
    words = canon.lower().split()
    return bool(words) and words[-1] in lexicon.words("document_nouns.txt") and len(words) <= 3


def _author(canon: str, text: str, entities: Sequence[Entity], before: int,
            abbrs: dict[str, str]) -> tuple[str, str] | None:
    """``The report`` → the organization that the text says published it."""
    noun = canon.lower().split()[-1]
    orgs = [e for e in entities if e.label in ("ORG", "PERSON") and e.end <= before]
    for m in reversed(list(re.finditer(rf"\b{re.escape(noun)}\b", text[:before], re.IGNORECASE))):
        sent_start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        in_sentence = [e for e in orgs if sent_start <= e.start < m.start()]
        if in_sentence:
            e = in_sentence[0]
            return clean(e.text, abbrs), e.label
    return None


def _described_person(canon: str, text: str, persons: Sequence[Entity], before: int) -> str | None:
    """``The general`` → the person earlier called ``General X`` or ``X, the general``."""
    words = canon.lower().split()
    if not words or len(words) > 3 or not all(w.isalpha() for w in words):
        return None
    head = words[-1]
    for e in reversed([e for e in persons if e.end <= before]):
        title = re.split(r"[.,;:\"“”()]", text[max(0, e.start - 40):e.start])[-1].lower()
        appositive = re.match(r",\s+(?:the|a|an)\s+[^,.;]*", text[e.end:e.end + 80])
        if head in e.text.lower().split() or re.search(rf"\b{re.escape(head)}\b", title) or (
            appositive and re.search(rf"\b{re.escape(head)}\b", appositive.group(0).lower())
        ):
            return _name_without_title(e.text)
    return None
