"""Canonical source names: abbreviations, appositions and titles, pronouns, documents' authors.

Works on one document's plain claim rows after parsing, because resolving ``he`` or ``The
report`` needs what came before in the whole document, not just the paragraph.
"""

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import gender, lexicon
from .structure import SECTION_SEPARATOR

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "them"}
THING_PRONOUNS = {"it"}
UNRESOLVED = PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS | {"i", "we", "you"}  # no referent to take
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
            hit = next((c for c in reversed(seen) if c[1] == "PERSON" and reaches(c[2])
                        and gender.agrees(low, c[0], text)), None)
            if hit is None:
                hit = _nearest_person(persons, start, reaches, low, text)
            if hit:
                canon, label = hit[0], "PERSON"
        elif " and " in canon:  # "Hamilton and Greer" → "Neil Hamilton and Ian Greer"
            parts = [p.strip() for p in canon.split(" and ")]
            canon = " and ".join(
                (_full_name(p, seen, persons, start) or p) if " " not in p and p[:1].isupper() else p
                for p in parts
            )
        elif low in GROUP_PRONOUNS | THING_PRONOUNS:
            # "it" stands for an organization, "they" for anyone but one person
            hit = next((c for c in reversed(seen) if reaches(c[2]) and c[0].lower() not in UNRESOLVED and (
                c[1] in ORGANIZATIONS if low in THING_PRONOUNS else c[1] != "PERSON" or " and " in c[0])),
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


def _nearest_person(persons: Sequence[Entity], before: int, reaches: Callable[[int], bool],
                    pronoun: str, text: str) -> tuple[str, str, int] | None:
    for e in reversed(persons):
        name = _name_without_title(e.text)
        if e.end <= before and " " in e.text.strip() and reaches(e.start) and gender.agrees(pronoun, name, text):
            return name, "PERSON", e.start
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


# --- a first guess from the parse ---------------------------------------------------------------
# What the parse of one paragraph says of a source span: its head's entity or proper name, else
# its words. spaCy is imported only where a parse is read, so that the store, which keys sources
# by :func:`source_key`, loads without it.

NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
OUTLETS = frozenset({"newspaper", "paper", "agency", "magazine", "channel", "broadcaster", "website",
                     "daily", "weekly", "network", "station", "tabloid"})


def _entity_at(token, offset: int) -> Entity | None:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in NAME_LABELS:
            return Entity(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_)
    return None


def name_chain(token) -> "Span | None":
    """A proper name ending at ``token``: ``Jan Kubis`` in ``… to Afghanistan Jan Kubis``."""
    if token.pos_ != "PROPN":
        return None
    start = token.i
    while start > 0:
        prev = token.doc[start - 1]
        if prev.pos_ != "PROPN" or prev.head.i != token.i or prev.ent_type_ in ("GPE", "ORG", "NORP") \
                and prev.ent_type_ != token.ent_type_:
            break
        start -= 1
    return token.doc[start:token.i + 1]


def name_chains(doc: "Doc", offset: int) -> list[Entity]:
    """Proper names of two words or more that NER missed, as PERSON candidates."""
    from spacy.attrs import DEP, ENT_TYPE, POS  # loaded with the parse; see the module's note
    from spacy.symbols import PROPN

    out = []
    pos, dep, ent_type = doc.to_array([POS, DEP, ENT_TYPE]).T  # one pass in C, not three per token
    heads = (pos == PROPN) & (dep != doc.vocab.strings["compound"]) & (ent_type == 0)
    for i in heads.nonzero()[0]:
        chain = name_chain(doc[int(i)])
        if chain is not None and len(chain) >= 2:
            out.append(Entity(offset + chain.start_char, offset + chain.end_char,
                                      chain.text, "PERSON"))
    return out


def guess(span: "Span", offset: int) -> tuple[str | None, str | None]:
    """A first canonical name and entity label for a source span, from its head."""
    head = span.root
    doc = span.doc
    if any(c.dep_ == "conj" and span.start <= c.i < span.end for c in head.children):
        return clean(_sentence_case(span), {}), None  # "Hamilton and Greer": part by part
    ent = _entity_at(head, offset)
    appos = next((c for c in head.children if c.dep_ == "appos" and span.start <= c.i < span.end), None)
    appos_ent = _entity_at(appos, offset) if appos is not None else None
    if appos_ent is not None and appos_ent.label == "PERSON" and (ent is None or ent.label != "PERSON"):
        ent = appos_ent
    if ent is None and appos is not None and appos.pos_ == "PROPN":
        chain = name_chain(appos)
        ent = Entity(0, 0, chain.text, "PERSON") if chain is not None else None
    chain = name_chain(head) if ent is None else None
    if chain is not None:
        ent = Entity(0, 0, chain.text, "PERSON" if head.ent_type_ != "ORG" else "ORG")
    if ent is None and head.lower_ in OUTLETS:
        named = [c for c in head.children if c.dep_ == "compound" and _entity_at(c, offset)]
        ent = _entity_at(named[0], offset) if named else None
    if ent is not None:
        return canonical_from_parts(span.text, ent, None, None, {}), ent.label
    left = [t for t in span if t.i <= head.i and t.dep_ not in ("det", "poss", "case", "predet")
            and not t.is_punct and t.head.i in (head.i, *(c.i for c in head.lefts))]
    start = min((t.i for t in left), default=head.i)
    end = head.i + 1
    for c in head.rights:  # keep "of Milan", "for Mr. Yanukovich"; drop clauses and participles
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "at", "to") and c.i == end:
            end = c.right_edge.i + 1
    return clean(_sentence_case(doc[start:end]), {}), None


def _sentence_case(span: "Span") -> str:
    """The span's text, its first letter lowered where only the sentence start capitalised it:
    "Officials said" names the same source as "officials said"; "Thai officials" keeps its capital."""
    first = span[0]
    if first.is_sent_start and first.pos_ != "PROPN" and not first.ent_type_ \
            and first.text[:1].isupper() and not first.is_upper:
        return span.text[:1].lower() + span.text[1:]
    return span.text
