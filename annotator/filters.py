"""Which claims: one :class:`Filters` for the export, claim sets, the review queue and the web
export, and the SQL conditions it stands for.

Labels are checked against :mod:`annotator.labels` and matched in any case; a source matches its
canonical name, its spelling in the text or any alias; a section matches itself and its
subsections. Every filter value reaches SQL as a named parameter, never as SQL text.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields

from .errors import AnnotatorError
from .labels import CHECKWORTHY, CLAIM_TYPES, STANCES, VERDICTS

# The orders claims are read in: the export's (document order) and the review queue's (most
# check-worthy first; the claim id breaks ties, so "the next claim after X" is well defined).
EXPORT_ORDER = "c.doc, c.start, c.id"
QUEUE_ORDER = "coalesce(c.checkworthy_score, -1) desc, c.id"

# Filters whose values are labels: matched in any case, and checked against the vocabulary.
LABEL_FILTERS = ("stances", "checkworthy", "claim_types", "verdicts")


class FilterError(AnnotatorError, ValueError):
    """A filter that cannot be applied: an unknown set or verdict, a set that refers to itself."""


@dataclass(frozen=True)
class Filters:
    """Which claims to export. Values of one field are alternatives; all fields must hold."""

    sets: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    checkworthy: tuple[str, ...] = ()
    claim_types: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    reviewed: bool | None = None
    search: str | None = None
    min_score: float | None = None

    def __post_init__(self) -> None:
        for what, given, known in (("stance", self.stances, STANCES),
                                   ("check-worthiness class", self.checkworthy, CHECKWORTHY),
                                   ("claim type", self.claim_types, CLAIM_TYPES),
                                   ("verdict", self.verdicts, VERDICTS)):
            unknown = [v for v in given if v not in known]
            if unknown:
                raise FilterError(f"unknown {what} {unknown[0]!r}; choose from {', '.join(known)}")
        if self.min_score is not None and not 0 <= self.min_score <= 1:
            raise FilterError(f"min_score is a check-worthiness score from 0 to 1, not {self.min_score:g}")

    @classmethod
    def from_dict(cls, data: Mapping) -> "Filters":
        """Build from a mapping such as stored JSON or request arguments (scalars or lists)."""
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise FilterError(f"unknown filter {min(unknown)!r}")
        values: dict = {}
        for name, value in data.items():
            if value is None or value == [] or value == ():
                continue
            if name == "reviewed":
                values[name] = value if isinstance(value, bool) else str(value).lower() in (
                    "1", "true", "yes", "on")
            elif name == "search":
                values[name] = str(value)
            elif name == "min_score":
                try:
                    values[name] = float(value)
                except ValueError:
                    raise FilterError(f"min_score must be a number, not {value!r}") from None
            else:
                items = [value] if isinstance(value, str) else list(value)
                values[name] = tuple(str(v).lower() if name in LABEL_FILTERS else str(v)
                                     for v in items)
        return cls(**values)

    def to_dict(self) -> dict:
        """The fields that are set, as JSON-ready values."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in asdict(self).items() if v not in (None, ())}

    def __bool__(self) -> bool:
        return bool(self.to_dict())


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def any_of(self, template: str, values: Iterable[object]) -> str:
        return "(" + " or ".join(template.format(p=self(v)) for v in values) + ")"


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _without_the(name: str) -> str:
    return name[4:] if name[:4].lower() == "the " else name


def fts_phrase(query: str) -> str:
    """Quote every word so that FTS5 reads user input as words, never as query syntax."""
    words = query.replace("\0", " ").split()  # FTS5's parser stops at a NUL
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _conditions(find_set: "FindSet", f: Filters, p: _Params, seen: tuple[str, ...] = ()) -> list[str]:
    where = []
    if f.sets:
        where.append("(" + " or ".join(_set_condition(find_set, name, p, seen) for name in f.sets) + ")")
    if f.docs:
        where.append(p.any_of("c.doc = {p} or c.document_id = {p}", f.docs))
    if f.sections:
        where.append("(" + " or ".join(
            f"c.section_path = {p(s)} collate nocase or "
            f"c.section_path like {p(_like_prefix(s) + ' > %')} escape '\\'"
            for s in f.sections) + ")")
    if f.sources:
        where.append(p.any_of(
            "c.source_canonical = {p} collate nocase or c.source = {p} collate nocase or "
            "c.source_id in (select s.id from sources s, json_each(s.aliases) a "
            "where s.canonical = {p} collate nocase or a.value = {p} collate nocase)",
            f.sources))
    if f.stances:
        where.append(p.any_of("c.stance = {p}", f.stances))
    if f.checkworthy:
        where.append(p.any_of("c.checkworthy = {p}", f.checkworthy))
    if f.claim_types:
        where.append(p.any_of("c.claim_type = {p}", f.claim_types))
    if f.verdicts:
        where.append(p.any_of("r.verdict = {p}", f.verdicts))
    if f.reviewed is True:
        where.append("r.verdict is not null")
    elif f.reviewed is False:
        where.append("r.verdict is null")
    if f.entities:
        where.append(p.any_of(
            "exists (select 1 from claim_entities ce where ce.claim_id = c.id "
            "and (ce.text = {p} collate nocase or ce.text = 'the ' || {p} collate nocase))",
            (_without_the(e) for e in f.entities)))
    phrase = fts_phrase(f.search) if f.search else ""
    if phrase:
        where.append(f"c.rowid in (select rowid from claims_fts where claims_fts match {p(phrase)})")
    elif f.search and f.search.strip():  # only NULs (and spaces): no word to find, so nothing
        where.append("0")
    if f.min_score is not None:
        where.append(f"c.checkworthy_score >= {p(f.min_score)}")
    return where


def _set_condition(find_set: "FindSet", name: str, p: _Params, seen: tuple[str, ...]) -> str:
    if name in seen:
        raise FilterError(f"claim set {name!r} refers to itself (through {' -> '.join(seen)})")
    found = find_set(name)
    if found is None:
        raise FilterError(f"no claim set named {name!r} (see 'annotator sets list')")
    if found["kind"] == "list":
        return f"c.id in (select m.claim_id from claim_set_members m where m.set_id = {p(found['id'])})"
    inner = _conditions(find_set, Filters.from_dict(json.loads(found["filters"] or "{}")), p,
                        seen + (name,))
    return "(" + (" and ".join(inner) or "1") + ")"


# A claim set's stored row (``id``, ``kind``, ``filters``) by name, or None: the store's
# :func:`annotator.store.queries.set_row`, so that this module reads no database itself.
FindSet = Callable[[str], Mapping | None]


def conditions(filters: Filters, find_set: FindSet) -> tuple[list[str], dict[str, object]]:
    """The SQL conditions on the claims ``c`` (and their current review ``r``) that ``filters``
    asks for, and their named parameters: the one definition of every filter, for the export,
    claim sets, the review queue and the web export."""
    p = _Params()
    return _conditions(find_set, filters, p), p.values
