"""Is a claims database whole? SQLite's own checks, then the annotator's invariants.

Every stored span must be the text at its offsets (``documents.text[start:end] == text``) for
current claims, their source and cue, blocks and entity mentions; no row may point at a missing
row; the full-text index and the stored facet counts must match the claims table. Superseded
claims are exempt from the offset check: their offsets point into a version of the document that
is no longer stored.
"""

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from .connection import open_existing
from .schema import ALL_CLAIMS, FACET_COLUMNS

MAX_SHOWN = 10  # problems listed per check; the rest are counted


@dataclass
class Finding:
    """The outcome of one check: ``status`` is ok, FAIL or note (worth knowing, not wrong)."""

    name: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"


def _short(text: str | None, width: int = 60) -> str:
    if text is None:
        return "NULL"
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _listed(rows: list, describe) -> list[str]:
    shown = [describe(r) for r in rows[:MAX_SHOWN]]
    if len(rows) > MAX_SHOWN:
        shown.append(f"… and {len(rows) - MAX_SHOWN} more")
    return shown


def _integrity(conn: sqlite3.Connection) -> Finding:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if rows == ["ok"]:
        return Finding("integrity", "ok", "PRAGMA integrity_check found no damage")
    return Finding("integrity", "FAIL", f"PRAGMA integrity_check reports {len(rows)} problem(s)",
                   _listed(rows, str))


def _foreign_keys(conn: sqlite3.Connection) -> Finding:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return Finding("foreign keys", "ok", "no row points at a missing row")
    columns: dict[tuple[str, int], str] = {}
    for table in {r[0] for r in rows}:
        for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
            columns[(table, fk[0])] = fk[3]

    def describe(row) -> str:
        table, rowid, parent, fkid = row
        column = columns.get((table, fkid), "?")
        value = conn.execute(f"select {_quote(column)} from {_quote(table)} where rowid = ?",
                             [rowid]).fetchone() if column != "?" else None
        return (f"{table} row {rowid}: {column} = {_short(value[0] if value else None)} "
                f"is not in {parent}")

    return Finding("foreign keys", "FAIL", f"{len(rows)} row(s) point at missing rows",
                   _listed(rows, describe))


def _claim_part(name: str) -> tuple[str, str, str, str, str]:
    """The rows of a claim's ``source`` or ``cue`` span, for :data:`_SPANS`."""
    rows = ("claims c join documents d on d.id = c.document_id where c.superseded = 0"
            f" and (c.{name} is not null or c.{name}_start is not null)")
    return rows, "c.id", f"c.{name}_start", f"c.{name}_end", f"c.{name}"


# Each span kind: what it is called, the spans that must hold (a FROM and WHERE joined to their
# document ``d``), and their id, start, end and text columns.
_SPANS = {
    "claims": (
        "claims c join documents d on d.id = c.document_id where c.superseded = 0",
        "c.id", "c.start", "c.end", "c.text",
    ),
    "sources": _claim_part("source"),
    "cues": _claim_part("cue"),
    "entity mentions": (
        ("claim_entities e join claims c on c.id = e.claim_id "
         "join documents d on d.id = c.document_id where c.superseded = 0"),
        "e.id", "e.start", "e.end", "e.text",
    ),
    "blocks": (
        "blocks b join documents d on d.id = b.document_id where 1",
        "b.id", "b.start", "b.end", "b.text",
    ),
}


def _offsets(conn: sqlite3.Connection) -> Finding:
    counts, bad = [], []
    for kind, (source, *_) in _SPANS.items():
        counts.append(f"{conn.execute(f'select count(*) from {source}').fetchone()[0]} {kind}")
    # One read of each document's text, compared with its spans in Python: a SQLite substr()
    # per span walks the text from its start, which took minutes on one 2 MB document.
    for doc_id, path in conn.execute("select id, path from documents").fetchall():
        (doc_text,) = conn.execute("select text from documents where id = ?", [doc_id]).fetchone()
        doc_text = doc_text if isinstance(doc_text, str) else None
        for kind, (source, key, start, end, text) in _SPANS.items():
            for key_, s, e, stored in conn.execute(
                    f"select {key}, {start}, {end}, {text} from {source} and d.id = ?", [doc_id]):
                found = (doc_text[s:e] if doc_text is not None and isinstance(s, int)
                         and isinstance(e, int) and 0 <= s <= e <= len(doc_text) else None)
                if found is None or found != stored:
                    bad.append((kind, key_, path, s, e, stored, found))
    stale = conn.execute(
        "select c.id, d.path from claims c join documents d on d.id = c.document_id "
        "where c.superseded = 0 and c.doc_sha256 is not d.sha256"
    ).fetchall()
    bad.extend(("claims", cid, path, None, None, "from another version of the document", None)
               for cid, path in stale)
    if not bad:
        return Finding("offsets", "ok", f"the text at every span's offsets is the span's text: "
                       f"{', '.join(counts)}")

    def describe(row) -> str:
        kind, key, path, start, end, stored, found = row
        if start is None and found is None and stored:
            return f"{kind} {key} in {path}: {stored}"
        if stored is None or found is None:
            return (f"{kind} {key} in {path} [{start}:{end}]: stored {_short(stored)}, "
                    f"the document holds {_short(found)}")
        at = next((i for i, (a, b) in enumerate(zip(stored, found)) if a != b),
                  min(len(stored), len(found)))
        cut = max(0, at - 20)
        lead = "…" if cut else ""
        return (f"{kind} {key} in {path} [{start}:{end}] differs at character {at}: stored "
                f"{lead}{_short(stored[cut:])}, the document holds {lead}{_short(found[cut:])}")

    return Finding("offsets", "FAIL", f"{len(bad)} span(s) do not match their document's text",
                   _listed(bad, describe))


def _fts(conn: sqlite3.Connection) -> Finding:
    tables = {r[0] for r in conn.execute("select name from sqlite_master")}
    if "claims_fts" not in tables:
        return Finding("full-text index", "FAIL", "there is no claims_fts table")
    missing = [t for t in ("claims_ai", "claims_ad", "claims_au") if t not in tables]
    if missing:
        return Finding("full-text index", "FAIL",
                       "the triggers that keep claims_fts current are missing: " + ", ".join(missing))
    # FTS5's own check, comparing the index with the claims table (rank 1 = external content).
    # It writes nothing, but SQLite counts it as a write; it runs in a transaction rolled back.
    try:
        conn.execute("BEGIN")
        conn.execute("insert into claims_fts(claims_fts, rank) values ('integrity-check', 1)")
    except sqlite3.OperationalError as e:
        if "readonly" in str(e):
            return Finding("full-text index", "note", f"not checked: {e}")
        raise
    except sqlite3.DatabaseError as e:
        return Finding("full-text index", "FAIL",
                       f"claims_fts does not match the claims table ({e}); rebuild it with: "
                       "sqlite-utils rebuild-fts DB claims")
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    n = conn.execute("select count(*) from claims").fetchone()[0]
    return Finding("full-text index", "ok", f"claims_fts matches the claims table ({n} rows)")


def _duplicates(conn: sqlite3.Connection) -> Finding:
    rows = conn.execute(
        "select d.path, c.start, c.end, count(*) from claims c join documents d on d.id = c.document_id "
        "where c.superseded = 0 group by c.document_id, c.start, c.end having count(*) > 1"
    ).fetchall()
    if not rows:
        return Finding("duplicates", "ok", "no two current claims share a span")
    return Finding("duplicates", "FAIL", f"{len(rows)} span(s) hold more than one current claim",
                   _listed(rows, lambda r: f"{r[0]} [{r[1]}:{r[2]}]: {r[3]} claims"))


def _facet_counts(conn: sqlite3.Connection) -> Finding:
    """The claims table's stored facet counts, when current, must be what counting gives."""
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'trigger')")}
    if "claim_facet_counts" not in tables:
        return Finding("facet counts", "note", "none stored yet; the next 'annotator extract' or "
                       "'annotator serve' adds them")
    missing = [f"claim_facet_counts_{t}" for t in ("insert", "update", "delete")
               if f"claim_facet_counts_{t}" not in tables]
    if missing:
        return Finding("facet counts", "FAIL", "the triggers that keep claim_facet_counts honest are "
                       "missing: " + ", ".join(missing))
    if not conn.execute("select 1 from claim_facet_counts where column = ?", [ALL_CLAIMS]).fetchone():
        return Finding("facet counts", "ok", "not stored now; the claims table page counts its facets "
                       "until the next 'annotator extract' or 'annotator serve'")
    wrong = []
    for column in FACET_COLUMNS:
        stored = dict(conn.execute("select value, n from claim_facet_counts where column = ?", [column]))
        counted = dict(conn.execute(f"select {_quote(column)}, count(*) from claims "
                                    f"where {_quote(column)} is not null group by 1"))
        if stored != counted:
            wrong.append(column)
    if wrong:
        return Finding("facet counts", "FAIL", "claim_facet_counts disagrees with the claims for "
                       + ", ".join(wrong) + "; delete its rows ('delete from claim_facet_counts') "
                       "and the next 'annotator serve' counts them again")
    return Finding("facet counts", "ok", "the stored facet counts match the claims")


def _runs(conn: sqlite3.Connection) -> Finding:
    rows = conn.execute(
        "select id, started, status from runs where status is not 'done' order by id").fetchall()
    if not rows:
        return Finding("runs", "ok", "every extraction run finished")
    return Finding(
        "runs", "note",
        f"{len(rows)} run(s) did not finish (still running, interrupted or failed); what they "
        "stored is whole, and the next 'annotator extract' does the rest",
        _listed(rows, lambda r: f"run {r[0]} started {r[1]}: {r[2]}"),
    )


def _contents(conn: sqlite3.Connection) -> Finding:
    def count(sql: str) -> int:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # a table an older database does not have
            return 0

    return Finding("contents", "ok", ", ".join([
        f"{count('select count(*) from documents')} documents",
        (f"{count('select count(*) from claims where superseded = 0')} claims "
         f"(and {count('select count(*) from claims where superseded = 1')} superseded)"),
        f"{count('select count(*) from reviews')} reviews",
        f"{count('select count(*) from evidence')} pieces of evidence",
    ]))


CHECKS = (_contents, _integrity, _foreign_keys, _offsets, _fts, _duplicates, _facet_counts, _runs)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def run(path: str | os.PathLike) -> Iterator[Finding]:
    """Run every check on the database at ``path``, yielding one :class:`Finding` each.

    Raises ``FileNotFoundError`` when there is no such file.
    """
    conn = open_existing(path)
    try:
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        except sqlite3.DatabaseError as e:
            yield Finding("database", "FAIL", f"cannot be opened as SQLite: {e}")
            return
        missing = {"documents", "claims", "blocks", "claim_entities", "runs"} - tables
        if missing:
            yield Finding("database", "FAIL", "not an annotator database: no "
                          + ", ".join(sorted(missing)) + " table")
            return
        for check in CHECKS:
            try:
                yield check(conn)
            except sqlite3.DatabaseError as e:
                name = check.__name__.strip("_").replace("_", " ")
                yield Finding(name, "FAIL", f"could not be checked: {e}")
    finally:
        conn.close()


def report(path: str | os.PathLike, findings: list[Finding]) -> str:
    """The findings as lines a person reads: one per check, details indented under it."""
    lines = [f"{os.fspath(path)}:"]
    for f in findings:
        lines.append(f"{f.status:<5} {f.name}: {f.summary}")
        lines.extend(f"        {d}" for d in f.details)
    failed = sum(f.failed for f in findings)
    lines.append(f"{failed} check(s) failed" if failed else "all checks passed")
    return "\n".join(lines)
