"""Write claims out: CSV for spreadsheets, JSON Lines for pipelines, ClaimReview for the web.

One query serves every format and the Datasette "download CSV" link: :func:`export_query` turns a
:class:`Filters` into SQL and named parameters (every filter value is a parameter, never SQL
text). Rows are streamed from the cursor, so memory stays flat however many claims are exported.
"""

import contextlib
import csv
import io
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO

import sqlite_utils

from . import relations
from .labels import CHECKWORTHY, CLAIM_TYPES, STANCES, VERDICTS

# The export columns, in order. The first 23 are the original export's columns (an external
# scorer reads doc, start, end, text, source, source_canonical, cue, stance, checkworthy), then
# the claim's PDF page (empty for other formats); the review columns come last, where a reviewer
# fills ``verdict`` and ``note`` in a spreadsheet.
COLUMNS = (
    "id", "doc", "section_path", "paragraph_index", "sentence_index", "clause_index",
    "start", "end", "text", "source", "source_canonical", "cue", "stance",
    "checkworthy", "checkworthy_score", "claim_type", "entities",
    "source_start", "source_end", "cue_start", "cue_end", "doc_sha256", "run_id", "page",
    "verdict", "note", "reviewer", "reviewed_at", "evidence_urls",
    "match_group", "prior_verdict",
)

_EVIDENCE = """(
    select group_concat(url, ' ') from (
      select e.url from evidence e where e.claim_id = c.id group by e.url order by min(e.id)))"""

# Column name -> SQL expression over ``claims c`` and ``reviews r`` (the claim's latest review).
COLUMN_SQL = {
    **{name: f'c."{name}"' for name in COLUMNS[:COLUMNS.index("verdict")]},
    "entities": "c.entities",  # kept by store.save_document (see store.m005_claim_entity_list)
    "source_label": "c.source_label",
    "superseded": "c.superseded",
    "verdict": "r.verdict",
    "note": "r.note",
    "reviewer": "r.reviewer",
    "reviewed_at": "r.created",
    "evidence_urls": _EVIDENCE,
    "match_group": relations.GROUP_SQL,
    "prior_verdict": relations.PRIOR_VERDICT_SQL,
    "appearances": relations.APPEARANCES_SQL,
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Filters whose values are labels: matched in any case, and checked against the vocabulary.
LABEL_FILTERS = ("stances", "checkworthy", "claim_types", "verdicts")


class FilterError(ValueError):
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


def _conditions(conn, f: Filters, p: _Params, seen: tuple[str, ...] = ()) -> list[str]:
    where = []
    if f.sets:
        where.append("(" + " or ".join(_set_condition(conn, name, p, seen) for name in f.sets) + ")")
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


def _set_condition(conn, name: str, p: _Params, seen: tuple[str, ...]) -> str:
    if name in seen:
        raise FilterError(f"claim set {name!r} refers to itself (through {' -> '.join(seen)})")
    row = conn.execute("select id, kind, filters from claim_sets where name = ?", [name]).fetchone()
    if row is None:
        raise FilterError(f"no claim set named {name!r} (see 'annotator sets list')")
    set_id, kind, stored = row
    if kind == "list":
        return f"c.id in (select m.claim_id from claim_set_members m where m.set_id = {p(set_id)})"
    inner = _conditions(conn, Filters.from_dict(json.loads(stored or "{}")), p, seen + (name,))
    return "(" + (" and ".join(inner) or "1") + ")"


def conditions(conn, filters: Filters) -> tuple[list[str], dict[str, object]]:
    """The SQL conditions on the claims ``c`` (and their latest review ``r``) that ``filters``
    asks for, and their named parameters: the one definition of every filter, for the export,
    claim sets and the review queue."""
    p = _Params()
    return _conditions(conn, filters, p), p.values


def export_query(
    conn: sqlite_utils.Database | sqlite3.Connection,
    filters: Filters | None = None,
    columns: Sequence[str] = COLUMNS,
) -> tuple[str, dict[str, object]]:
    """The SQL and named parameters selecting the current claims that pass ``filters``.

    ``conn`` is only read to resolve claim sets. The rows come in document order with
    ``columns`` (names from :data:`COLUMN_SQL`), the same for the CLI and Datasette.
    """
    found, params = conditions(conn, filters or Filters())
    where = ["c.superseded = 0", *found]
    select = ",\n  ".join(f'{COLUMN_SQL[name]} as "{name}"' for name in columns)
    sql = (
        f"select\n  {select}\nfrom claims c\n"
        "left join reviews r on r.id = "
        "(select max(r2.id) from reviews r2 where r2.claim_id = c.id)\n"
        "where " + "\n  and ".join(where) + "\norder by c.doc, c.start, c.id"
    )
    return sql, params


def claim_rows(
    db: sqlite_utils.Database | sqlite3.Connection,
    filters: Filters | None = None,
    columns: Sequence[str] = COLUMNS,
) -> Iterator[dict]:
    """Every current claim passing ``filters``, in document order, streamed from the cursor.

    Bad filters raise :class:`FilterError` here, before the first row is read.
    """
    sql, params = export_query(db, filters, columns)
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, values)) for values in cursor)


def count_claims(db: sqlite_utils.Database | sqlite3.Connection, filters: Filters | None = None) -> int:
    sql, params = export_query(db, filters, ("id",))
    return db.execute(f"select count(*) from ({sql})", params).fetchone()[0]


# --- CSV ---------------------------------------------------------------------------------------


def guard_formula(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with ``'`` so it is shown as text."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unguard_formula(value: str) -> str:
    """Undo :func:`guard_formula`."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _guarded(values: Sequence) -> Sequence:
    """``values`` with every cell a spreadsheet would run as a formula prefixed with ``'``.

    None stays None: the csv module writes it as an empty cell.
    """
    if any(v.__class__ is str and v.startswith(FORMULA_START) for v in values):
        return ["'" + v if v.__class__ is str and v.startswith(FORMULA_START) else v for v in values]
    return values


def _cells(row: dict, columns: Sequence[str], formula_guard: bool) -> Sequence:
    values = [row.get(name) for name in columns]
    return _guarded(values) if formula_guard else values


def iter_csv(
    rows: Iterable[dict],
    columns: Sequence[str] = COLUMNS,
    *,
    excel: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """CSV text (RFC 4180: CRLF, minimal quoting) one row at a time, header first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    if excel:
        yield "\ufeff"
    writer.writerow(columns)
    yield flush()
    for row in rows:
        writer.writerow(_cells(row, columns, formula_guard))
        yield flush()


def _write_records(records: Iterable[Sequence], out: IO[str], excel: bool) -> int:
    """The header and ``records`` as CSV, as :func:`iter_csv` writes them; the number of records."""
    n = 0

    def counted() -> Iterator[Sequence]:
        nonlocal n
        for record in records:
            n += 1
            yield record

    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(counted())
    return n


def write_csv_query(db: sqlite_utils.Database | sqlite3.Connection, filters: Filters | None,
                    out: IO[str], *, excel: bool = False, formula_guard: bool = True) -> int:
    """:func:`write_csv` of the claims passing ``filters``, straight from the cursor's tuples
    (the same bytes, without a dict per row: a million claims are a million rows)."""
    sql, params = export_query(db, filters, COLUMNS)
    cursor = db.execute(sql, params)
    return _write_records((_guarded(v) for v in cursor) if formula_guard else cursor, out, excel)


def write_csv(rows: Iterable[dict], out: IO[str], *, excel: bool = False,
              formula_guard: bool = True) -> int:
    """Write rows as CSV, as :func:`iter_csv` would; returns the number of rows (header not counted)."""
    return _write_records((_cells(row, COLUMNS, formula_guard) for row in rows), out, excel)


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps({k: row.get(k) for k in COLUMNS}, ensure_ascii=False) + "\n")
        n += 1
    return n


# --- ClaimReview -------------------------------------------------------------------------------

# verdict -> (textual rating, numeric rating on the 1 (false) .. 3 (true) scale, or None: the
# verdict is not a point on the truth scale and the rating carries text only).
RATINGS: dict[str, tuple[str, int | None]] = {
    "false": ("False", 1),
    "misleading": ("Misleading", 2),
    "true": ("True", 3),
    "unverifiable": ("Unverifiable", None),
    "not_a_claim": ("Not a claim", None),
}
WORST_RATING, BEST_RATING = 1, 3
CLAIMREVIEW_COLUMNS = (*COLUMNS, "source_label", "appearances")
_AUTHOR_TYPES = {"PERSON": "Person", "ORG": "Organization", "NORP": "Organization",
                 "GPE": "Organization"}


def claim_review_id(claim_id: str, base_url: str | None = None) -> str:
    """A stable ``@id`` for the review of a claim: under ``base_url`` when given, else a URN."""
    if base_url:
        return base_url.rstrip("/") + "/" + claim_id
    return f"urn:annotator:claimreview:{claim_id}"


def claim_review(row: Mapping, *, org: str, org_url: str | None = None,
                 base_url: str | None = None) -> dict:
    """The schema.org ClaimReview of one reviewed claim row."""
    textual, value = RATINGS[row["verdict"]]
    rating: dict = {"@type": "Rating", "textualRating": textual, "alternateName": textual}
    if value is not None:
        rating.update(ratingValue=value, worstRating=WORST_RATING, bestRating=BEST_RATING)
    claim: dict = {"@type": "Claim"}
    if row.get("source_canonical"):
        claim["author"] = {"@type": _AUTHOR_TYPES.get(row.get("source_label") or "", "Thing"),
                           "name": row["source_canonical"]}
    claim["appearance"] = {"@type": "CreativeWork", "name": row["doc"]}
    if row.get("appearances"):  # the same claim in other documents (its match group)
        claim["appearance"] = [claim["appearance"], *(
            {"@type": "CreativeWork", "name": doc} for doc in row["appearances"].split("\n"))]
    author: dict = {"@type": "Organization", "name": org}
    if org_url:
        author["url"] = org_url
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": claim_review_id(row["id"], base_url),
    }
    if base_url:
        review["url"] = review["@id"]
    review.update(
        claimReviewed=row["text"],
        itemReviewed=claim,
        reviewRating=rating,
        author=author,
        datePublished=(row.get("reviewed_at") or "")[:10],
    )
    if row.get("note"):
        review["reviewBody"] = row["note"]
    return review


def write_claimreview(rows: Iterable[dict], out: IO[str], *, org: str,
                      org_url: str | None = None, base_url: str | None = None) -> int:
    """Write a JSON array of ClaimReview objects for the rows that carry a verdict."""
    n = 0
    out.write("[")
    for row in rows:
        if not row.get("verdict"):
            continue
        text = json.dumps(claim_review(row, org=org, org_url=org_url, base_url=base_url),
                          ensure_ascii=False, indent=2)
        out.write(("," if n else "") + "\n" + text)
        n += 1
    out.write("\n]\n")
    return n


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[IO[str]]:
    """A UTF-8 text file that appears under ``path`` only whole.

    It is written to a hidden temporary file in the same folder (``.NAME.PID.tmp``), flushed to
    the disk and renamed over ``path``. On any error or interruption the temporary file is
    removed and whatever was at ``path`` stays as it was; only a kill that Python cannot catch
    (SIGKILL, a power cut) can leave the temporary file behind, never a part under ``path``.
    A symbolic link is followed (the link stays); a pipe or a device (``/dev/stdout``) is written
    as it is, since there is no file to replace.
    """
    final = Path(os.path.realpath(path))
    if final.exists() and not final.is_file():
        with open(final, "w", encoding="utf-8", newline="") as out:
            yield out
        return
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # left by a killed process that had this process id
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
