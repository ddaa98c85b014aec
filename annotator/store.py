"""The one place that touches SQLite: schema (as migrations), runs, documents, claims, upserts.

Every span is stored as ``start``/``end``/``text`` character offsets into ``documents.text``.
Ids are deterministic, so re-running upserts instead of duplicating. A changed document is
replaced in one transaction; its claims keep their ids where :mod:`annotator.identity` pairs them
with the stored ones, and claims that vanish keep their row (marked superseded, with the document
text they were found in) when a reviewer has worked on them, so no review is ever orphaned.
"""

import contextlib
import datetime as dt
import enum
import json
import operator
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils
from sqlite_utils.migrations import Migrations

from . import identity, sources
from .ids import now, stable_id
from .labels import VERDICTS

if TYPE_CHECKING:  # importing spaCy costs half a second, and an unchanged re-run needs none of it
    from .pipeline import DocumentResult

BUSY_TIMEOUT_MS = 30_000

migrations = Migrations("annotator")


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db.table("runs").create(
        {
            "id": str, "started": str, "ended": str, "status": str, "annotator_version": str,
            "spacy_version": str, "model": str, "model_version": str, "config": str,
            "n_documents": int, "n_extracted": int, "n_unchanged": int, "n_refused": int,
            "n_claims": int, "n_words": int, "refused": str,
        },
        pk="id",
    )
    db.table("documents").create(
        {
            "id": str, "path": str, "sha256": str, "size": int, "encoding": str, "text": str,
            "n_chars": int, "n_words": int, "n_paragraphs": int, "n_claims": int, "run_id": str,
            "extracted_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("documents").create_index(["path"], unique=True)
    db.table("blocks").create(
        {
            "id": str, "document_id": str, "idx": int, "kind": str, "start": int, "end": int,
            "text": str, "level": int, "section_path": str, "paragraph_index": int,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db.table("blocks").create_index(["document_id", "idx"])
    db.table("sources").create(
        {"id": str, "canonical": str, "label": str, "aliases": str, "n_claims": int, "n_documents": int},
        pk="id",
    )
    db.table("claims").create(
        {
            "id": str, "document_id": str, "doc": str, "doc_sha256": str, "section_path": str,
            "paragraph_index": int, "sentence_index": int, "clause_index": int,
            "start": int, "end": int, "text": str,
            "source": str, "source_start": int, "source_end": int, "source_canonical": str,
            "source_label": str, "source_id": str,
            "cue": str, "cue_start": int, "cue_end": int,
            "stance": str, "checkworthy": str, "checkworthy_score": float, "claim_type": str,
            "run_id": str, "superseded": int, "superseded_run": str,
        },
        pk="id",
        foreign_keys=[
            ("document_id", "documents", "id"),
            ("source_id", "sources", "id"),
            ("run_id", "runs", "id"),
        ],
        defaults={"superseded": 0},
        not_null={"document_id", "start", "end", "text"},
    )
    db.table("claims").create_index(["document_id", "start"])
    db.table("claims").create_index(["source_id"])
    db.table("claims").create_index(["checkworthy_score"])
    db.table("claims").enable_fts(["text"], fts_version="FTS5", create_triggers=True)
    db.table("entities").create(
        {"id": str, "text": str, "label": str, "n_mentions": int, "n_claims": int, "n_documents": int},
        pk="id",
    )
    db.table("claim_entities").create(
        {"id": str, "claim_id": str, "entity_id": str, "start": int, "end": int, "text": str, "label": str},
        pk="id",
        foreign_keys=[("claim_id", "claims", "id"), ("entity_id", "entities", "id")],
    )
    db.table("claim_entities").create_index(["claim_id"])
    db.table("claim_entities").create_index(["entity_id"])
    verdicts = ", ".join(f"'{v}'" for v in VERDICTS)
    db.execute(
        f"""
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims(id),
            verdict TEXT CHECK (verdict IS NULL OR verdict IN ({verdicts})),
            note TEXT,
            reviewer TEXT NOT NULL,
            created TEXT NOT NULL,
            source TEXT, source_canonical TEXT, cue TEXT, stance TEXT, checkworthy TEXT,
            claim_type TEXT
        )"""
    )
    db.table("reviews").create_index(["claim_id", "id"])
    db.execute(
        """
        CREATE TABLE evidence (
            id INTEGER PRIMARY KEY,
            claim_id TEXT NOT NULL REFERENCES claims(id),
            url TEXT NOT NULL,
            quote TEXT,
            relation TEXT CHECK (relation IN ('supports', 'refutes', 'context')),
            reviewer TEXT NOT NULL,
            created TEXT NOT NULL
        )"""
    )
    db.table("evidence").create_index(["claim_id"])


@migrations()
def m002_claim_sets(db: sqlite_utils.Database) -> None:
    """Named claim sets: a saved filter (JSON, re-evaluated at export) or a fixed member list."""
    db.execute(
        """
        CREATE TABLE claim_sets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('filter', 'list')),
            filters TEXT,
            description TEXT,
            created TEXT NOT NULL,
            creator TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE claim_set_members (
            set_id INTEGER NOT NULL REFERENCES claim_sets(id) ON DELETE CASCADE,
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            added TEXT NOT NULL,
            added_by TEXT NOT NULL,
            PRIMARY KEY (set_id, claim_id)
        )"""
    )
    db.table("claim_set_members").create_index(["claim_id"])


@migrations()
def m003_claim_verdicts(db: sqlite_utils.Database) -> None:
    """A view of the current claims with their latest review: verdict, note, reviewer, corrections."""
    db.execute(
        """
        CREATE VIEW claim_verdicts AS
        SELECT c.id, c.doc, c.section_path, c.start, c."end", c.text,
          c.source, c.source_canonical, c.cue, c.stance, c.checkworthy, c.checkworthy_score,
          c.claim_type,
          r.verdict, r.note, r.reviewer, r.created AS reviewed_at,
          r.source AS corrected_source, r.source_canonical AS corrected_source_canonical,
          r.cue AS corrected_cue, r.stance AS corrected_stance,
          r.checkworthy AS corrected_checkworthy, r.claim_type AS corrected_claim_type,
          (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id) AS evidence
        FROM claims c
        LEFT JOIN reviews r ON r.id = (SELECT max(r2.id) FROM reviews r2 WHERE r2.claim_id = c.id)
        WHERE c.superseded = 0"""
    )


@migrations()
def m004_claim_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for a million claims: Datasette's facets on the claims table, export's order."""
    claims = db.table("claims")
    claims.create_index(["doc", "start", "id"], if_not_exists=True)  # export order; the doc facet
    for column in ("stance", "checkworthy", "claim_type", "source_canonical", "section_path"):
        claims.create_index([column], if_not_exists=True)


ENTITY_LIST_SQL = """(
    select group_concat(label, '; ') from (
      select ce.text || ' (' || ce.label || ')' as label from claim_entities ce
      where ce.claim_id = claims.id order by ce.start, ce.id))"""


@migrations()
def m005_claim_entity_list(db: sqlite_utils.Database) -> None:
    """The claim's entities as text (``Azerbaijan (GPE); NATO (ORG)``), kept with the claim so that
    exporting a million claims does not look them up one claim at a time."""
    db.table("claims").add_column("entities", str)
    db.execute(f"update claims set entities = {ENTITY_LIST_SQL}")


# Columns whose counts over the whole claims table are kept in ``claim_facet_counts``.
FACET_COLUMNS = ("stance", "checkworthy", "claim_type", "source_canonical", "section_path", "doc")
ALL_CLAIMS = "*"  # the row of claim_facet_counts whose n is the number of claims counted


@migrations()
def m006_claim_facet_counts(db: sqlite_utils.Database) -> None:
    """Claims per value of each faceted column, so the claims table page does not count a million
    index entries per facet. Any change to the claims empties the table (triggers);
    ``refresh_facet_counts`` fills it again, and until then facets are counted as before."""
    db.execute(
        "create table claim_facet_counts (column text not null, value, n integer not null)"
    )
    db.execute("create index claim_facet_counts_column on claim_facet_counts (column, n desc)")
    columns = ", ".join(FACET_COLUMNS)
    for event in ("insert", f"update of {columns}", "delete"):
        name = "claim_facet_counts_" + event.split()[0]
        db.execute(f"create trigger {name} after {event} on claims begin "
                   "delete from claim_facet_counts; end")


@migrations()
def m007_run_process(db: sqlite_utils.Database) -> None:
    """Which machine and process ran each extract, so a later run can tell a killed one."""
    db.table("runs").add_column("host", str)
    db.table("runs").add_column("pid", int)


@migrations()
def m008_claim_identity(db: sqlite_utils.Database) -> None:
    """What tells a claim from a repeat of its text, and what a superseded claim's page shows.

    ``context_before`` / ``context_after``: hashes of the texts of the claims before and after it
    (see :mod:`annotator.identity`), filled as documents are extracted; a current claim's context
    is read from the order of its document's claims, so claims stored before need none.
    ``document_versions``: the earlier texts of a document that its superseded claims' offsets
    point into (``claims.doc_sha256``).
    """
    db.table("claims").add_column("context_before", str)
    db.table("claims").add_column("context_after", str)
    db.execute(
        """
        CREATE TABLE document_versions (
            document_id TEXT NOT NULL REFERENCES documents(id),
            sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (document_id, sha256)
        )"""
    )


@migrations()
def m009_document_formats(db: sqlite_utils.Database) -> None:
    """Web pages, PDFs and Word files: each document's format, its title and URLs, where each
    PDF page starts in its text, and the page of each claim."""
    documents = db.table("documents")
    for column in ("format", "title", "url", "canonical_url", "pages"):
        documents.add_column(column, str)
    db.execute("update documents set format = case when lower(path) like '%.md' then 'md' "
               "else 'txt' end")
    db.table("claims").add_column("page", int)


@migrations()
def m010_claim_relations(db: sqlite_utils.Database) -> None:
    """Claims of other documents that make the same claim or contradict it, and the match features
    they are found by (kept by annotator/relations.py; one row per unordered pair, the smaller
    claim id first). Both go with their claims: deleting a claim deletes its rows."""
    db.execute(
        """
        CREATE TABLE claim_match_keys (
            id INTEGER PRIMARY KEY,
            claim_id TEXT NOT NULL UNIQUE REFERENCES claims(id) ON DELETE CASCADE,
            document_id TEXT NOT NULL,
            keys TEXT NOT NULL,  -- a JSON array of words
            features TEXT NOT NULL,
            match_group TEXT
        )"""
    )
    db.table("claim_match_keys").create_index(["document_id"])
    db.table("claim_match_keys").create_index(["match_group"])
    db.table("claim_match_keys").enable_fts(["keys"], fts_version="FTS5", create_triggers=True)
    # How many claims hold each word (its document frequency), kept by triggers: fts5vocab would
    # scan its whole vocabulary for a list of words.
    db.execute("CREATE TABLE claim_match_words (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    db.execute(
        """
        CREATE TRIGGER claim_match_words_insert AFTER INSERT ON claim_match_keys BEGIN
          INSERT INTO claim_match_words (word, n) SELECT value, 1 FROM json_each(new.keys) WHERE true
          ON CONFLICT (word) DO UPDATE SET n = n + 1;
        END""")
    db.execute(
        """
        CREATE TRIGGER claim_match_words_delete AFTER DELETE ON claim_match_keys BEGIN
          UPDATE claim_match_words SET n = n - 1 WHERE word IN (SELECT value FROM json_each(old.keys));
        END""")
    db.execute(
        """
        CREATE TABLE claim_relations (
            claim_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            other_id TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            relation TEXT NOT NULL CHECK (relation IN ('same', 'contradicts')),
            score REAL NOT NULL,
            PRIMARY KEY (claim_id, other_id),
            CHECK (claim_id < other_id)
        )"""
    )
    db.table("claim_relations").create_index(["other_id"])


def entity_list(mentions: list[dict]) -> str | None:
    """``text (LABEL)`` of each mention, in document order, as ``claims.entities`` stores them."""
    ordered = sorted(mentions, key=lambda m: (m["start"], stable_id(m["claim_id"], m["start"], m["end"])))
    return "; ".join(f"{m['text']} ({m['label']})" for m in ordered) or None




def connect(path: str | os.PathLike, create: bool = True) -> sqlite_utils.Database:
    """Open (and migrate) the database: WAL mode, foreign keys on, a busy timeout."""
    if path != ":memory:":
        p = Path(path)
        if not p.exists() and not create:
            raise FileNotFoundError(f"{path}: no such database (run 'annotator extract' first)")
        p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if path != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    if migrations.pending(db):
        # Under the write lock: two processes opening a new database must not both migrate it.
        with writing(db):
            migrations.apply(db)
    return db


def open_existing(path: str | os.PathLike) -> sqlite3.Connection:
    """Open an existing database as it is, to inspect it: no migrations, no change of mode."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path}: no such database")
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


@contextlib.contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes the write lock first (``BEGIN IMMEDIATE``), waiting its turn.

    sqlite-utils' ``atomic()`` begins a deferred transaction: one that reads before it writes
    fails at once with "database is locked" when a reviewer saved in between, whatever the busy
    timeout. Nested, it is a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


# --- runs --------------------------------------------------------------------------------------


def start_run(db: sqlite_utils.Database, info: dict) -> str:
    """Record a new run, and mark this machine's runs whose process is gone as interrupted."""
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    host = socket.gethostname()
    with writing(db):
        for old_id, pid in db.execute(
                "select id, pid from runs where status = 'running' and host = ?", [host]).fetchall():
            if pid is not None and not _alive(pid):
                db.execute("update runs set status = 'interrupted' where id = ?", [old_id])
        db.table("runs").insert({"id": run_id, "started": now(), "status": "running", "host": host,
                                 "pid": os.getpid(), **info})
    return run_id


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists here; where that cannot be asked safely, assume it does."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_run(db: sqlite_utils.Database, run_id: str, counts: dict, status: str = "done") -> None:
    with writing(db):
        db.table("runs").update(run_id, {"ended": now(), "status": status, **counts})


# --- documents ---------------------------------------------------------------------------------


def stored_hash(db: sqlite_utils.Database, path: str) -> str | None:
    row = db.execute("select sha256 from documents where path = ?", [path]).fetchone()
    return row[0] if row else None


def _reviewed(db: sqlite_utils.Database, claim_ids: Iterable[str]) -> set[str]:
    ids = list(claim_ids)
    if not ids:
        return set()
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for table in ("reviews", "evidence", "claim_set_members"):  # a reviewer's work, all
            found.update(r[0] for r in db.execute(
                f"select distinct claim_id from {table} where claim_id in ({marks})", chunk))
    return found


def save_document(db: sqlite_utils.Database, result: "DocumentResult", run_id: str) -> None:
    """Insert or replace one document with its blocks, claims and entity mentions, atomically."""
    doc = result.document
    doc_id = doc.id
    with writing(db):
        stored = [dict(zip(("id", "text", "section_path", "context_before", "context_after",
                            "superseded"), r)) for r in db.execute(
            "select id, text, section_path, context_before, context_after, superseded from claims"
            " where document_id = ? order by start, id", [doc_id])]
        renamed, keep = identity.assign(
            doc.path, result.claims, [c for c in stored if not c["superseded"]],
            [c for c in stored if c["superseded"]], lambda ids: _reviewed(db, ids))
        mentions_rows = [{**m, "claim_id": renamed[m["claim_id"]]} for m in result.mentions]
        old_ids = {c["id"] for c in stored if not c["superseded"]}
        new_ids = {c["id"] for c in result.claims}
        if keep:  # their page shows the text they were found in
            db.execute("insert or ignore into document_versions (document_id, sha256, text) "
                       "select id, sha256, text from documents where id = ?", [doc_id])
        db.execute(
            "delete from claim_entities where claim_id in "
            "(select id from claims where document_id = ?)", [doc_id])
        db.execute("delete from blocks where document_id = ?", [doc_id])
        db.table("documents").upsert(
            {
                "id": doc_id, "path": doc.path, "sha256": doc.sha256, "size": doc.size,
                "encoding": doc.encoding, "text": doc.text, "n_chars": len(doc.text),
                "format": doc.format, "title": doc.title, "url": doc.url,
                "canonical_url": doc.canonical_url,
                "pages": json.dumps(doc.pages) if doc.pages else None,
                "n_words": result.n_words,
                "n_paragraphs": sum(1 for b in result.blocks if b.kind == "paragraph"),
                "n_claims": len(result.claims), "run_id": run_id, "extracted_at": now(),
            },
            pk="id",
        )
        _insert_rows(
            db, "blocks",
            [
                {
                    "id": stable_id(doc_id, b.index), "document_id": doc_id, "idx": b.index,
                    "kind": b.kind, "start": b.start, "end": b.end, "text": b.text,
                    "level": b.level, "section_path": b.section_path,
                    "paragraph_index": b.paragraph_index,
                }
                for b in result.blocks
            ],
        )
        _upsert_sources(db, result.claims, doc.path)
        mentions: dict[str, list[dict]] = {}
        for m in mentions_rows:
            mentions.setdefault(m["claim_id"], []).append(m)
        _insert_rows(
            db, "claims",
            [
                {
                    **c,
                    "document_id": doc_id, "doc": doc.path, "doc_sha256": doc.sha256,
                    "source_id": _source_id(c, doc.path),
                    "run_id": run_id, "superseded": 0, "superseded_run": None,
                    "entities": entity_list(mentions.get(c["id"], [])),
                    "page": doc.page_at(c["start"]),
                }
                for c in result.claims
            ],
            upsert_on="id",
        )
        for cid in old_ids - new_ids - keep:
            db.execute("delete from claims where id = ?", [cid])
        for cid in keep:
            db.execute("update claims set superseded = 1, superseded_run = ? where id = ?", [run_id, cid])
        db.execute("delete from document_versions where document_id = ? and sha256 not in "
                   "(select doc_sha256 from claims where document_id = ? and superseded = 1)",
                   [doc_id, doc_id])
        _insert_mentions(db, mentions_rows)


def _source_id(claim: dict, doc: str) -> str | None:
    """The claim's source identity (see sources.source_key): a named one shared by all documents."""
    canon = claim.get("source_canonical")
    return stable_id(*sources.source_key(canon, claim.get("source_label"), doc)) if canon else None


def _upsert_sources(db: sqlite_utils.Database, claims: list[dict], doc: str) -> None:
    """One row per source named in ``claims``: the last spelling and label win, aliases add up."""
    found: dict[str, dict] = {}
    for c in claims:
        canon = c.get("source_canonical")
        sid = _source_id(c, doc)
        if not canon or sid is None:
            continue
        row = found.get(sid)
        if row is None:
            old = db.execute("select aliases from sources where id = ?", [sid]).fetchone()
            row = found[sid] = {"aliases": set(json.loads(old[0])) if old and old[0] else set()}
        row.update(canonical=canon, label=c.get("source_label"))
        row["aliases"].add(c["source"])
    db.table("sources").upsert_all(
        (
            {"id": sid, "canonical": r["canonical"], "label": r["label"],
             "aliases": json.dumps(sorted(r["aliases"]), ensure_ascii=False)}
            for sid, r in found.items()
        ),
        pk="id",
    )


def _insert_mentions(db: sqlite_utils.Database, mentions: list[dict]) -> None:
    rows: list[dict] = []
    entities: dict[str, dict] = {}
    for m in mentions:
        eid = stable_id(m["text"], m["label"])
        entities.setdefault(eid, {"id": eid, "text": m["text"], "label": m["label"]})
        rows.append({"id": stable_id(m["claim_id"], m["start"], m["end"]), "entity_id": eid, **m})
    _insert_rows(db, "entities", list(entities.values()), verb="insert or ignore")
    _insert_rows(db, "claim_entities", rows, verb="insert or replace")


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict], verb: str = "insert",
                 upsert_on: str | None = None) -> None:
    """Write rows of the same keys with one statement, handed over as one JSON array.

    This is the bulk of every document's writing, done on the writer thread while the next
    documents are parsed. Each SQLite call lets go of the GIL and must win it back from the
    parsing thread; one call per document instead of one per row (sqlite-utils' ``insert_all``,
    or ``executemany``) keeps the writer from slowing the parser (bench/RESULTS.md).
    """
    if not rows:
        return
    columns = list(rows[0])
    if any(len(r) != len(columns) for r in rows):  # with itemgetter's KeyError: the same keys
        raise ValueError(f"rows for {table} do not all have the same columns")
    head = f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in columns)})"
    tail = ""
    if upsert_on:
        tail = f" on conflict ([{upsert_on}]) do update set " + ", ".join(
            f"[{c}] = excluded.[{c}]" for c in columns if c != upsert_on)
    get = operator.itemgetter(*columns)
    payload = json.dumps([get(r) for r in rows], ensure_ascii=False)
    if "\\u0000" in payload:  # SQLite's JSON functions end a string at a NUL: row by row
        db.conn.executemany(f"{head} values ({', '.join('?' * len(columns))}){tail}", map(get, rows))
        return
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
    db.execute(f"{head} select {values} from json_each(?) where true{tail}", [payload])


def facet_counts_current(db: sqlite_utils.Database) -> bool:
    return db.execute("select 1 from claim_facet_counts where column = ?", [ALL_CLAIMS]).fetchone() is not None


def refresh_facet_counts(db: sqlite_utils.Database) -> None:
    """Count the claims per value of each of ``FACET_COLUMNS``, unless the counts are current."""
    with writing(db):
        if facet_counts_current(db):
            return
        for column in FACET_COLUMNS:
            db.execute(f"insert into claim_facet_counts (column, value, n) select ?, [{column}], count(*) "
                       f"from claims where [{column}] is not null group by [{column}]", [column])
        db.execute("insert into claim_facet_counts (column, value, n) select ?, null, count(*) from claims",
                   [ALL_CLAIMS])


def refresh_counts(db: sqlite_utils.Database) -> None:
    """Recompute the per-entity, per-source and per-facet-value counts from the current claims."""
    with writing(db):
        db.execute(
            """
            update entities set
              n_mentions = (select count(*) from claim_entities ce join claims c on c.id = ce.claim_id
                            where ce.entity_id = entities.id and c.superseded = 0),
              n_claims = (select count(distinct ce.claim_id) from claim_entities ce
                          join claims c on c.id = ce.claim_id
                          where ce.entity_id = entities.id and c.superseded = 0),
              n_documents = (select count(distinct c.document_id) from claim_entities ce
                             join claims c on c.id = ce.claim_id
                             where ce.entity_id = entities.id and c.superseded = 0)
            """
        )
        db.execute("delete from entities where n_mentions = 0")
        db.execute(
            """
            update sources set
              n_claims = (select count(*) from claims c where c.source_id = sources.id and c.superseded = 0),
              n_documents = (select count(distinct c.document_id) from claims c
                             where c.source_id = sources.id and c.superseded = 0)
            """
        )
        db.execute(
            "delete from sources where n_claims = 0 and id not in "
            "(select source_id from claims where source_id is not null)"
        )
        refresh_facet_counts(db)


# --- reviews -----------------------------------------------------------------------------------

CORRECTED_FIELDS = ("source", "source_canonical", "cue", "stance", "checkworthy", "claim_type")
REVIEW_FIELDS = ("verdict", "note", *CORRECTED_FIELDS)


class Unchanged(enum.Enum):
    """The type of :data:`UNCHANGED`."""

    UNCHANGED = "unchanged"


# A review field the reviewer left as it was: the new review carries the current one's value.
UNCHANGED = Unchanged.UNCHANGED


def add_review(
    db: sqlite_utils.Database,
    claim_id: str,
    reviewer: str,
    verdict: str | None | Unchanged = UNCHANGED,
    note: str | None | Unchanged = UNCHANGED,
    **corrections: str | None | Unchanged,
) -> int:
    """Append a review (verdict, note, corrected fields) to the log; returns its id.

    The log is never updated: a claim's current review is its latest row, which holds the whole
    review. A field given as :data:`UNCHANGED` (the default) keeps the current review's value,
    so recording a verdict keeps the note; ``None`` clears a field.
    """
    unknown = set(corrections) - set(CORRECTED_FIELDS)
    if unknown:
        raise ValueError(f"not a correctable field: {', '.join(sorted(unknown))}")
    given = {"verdict": verdict, "note": note,
             **{f: corrections.get(f, UNCHANGED) for f in CORRECTED_FIELDS}}
    # One statement, so the write lock comes first: a read before the write would make this
    # transaction fail when another process writes in between ("database is locked").
    values = ", ".join(f"current.{f}" if given[f] is UNCHANGED else f":{f}" for f in REVIEW_FIELDS)
    with db.atomic():
        cursor = db.execute(
            f"insert into reviews (claim_id, reviewer, created, {', '.join(REVIEW_FIELDS)})"
            f" select :claim_id, :reviewer, :created, {values} from (select 1)"
            " left join (select * from reviews where claim_id = :claim_id order by id desc limit 1)"
            " as current",
            {"claim_id": claim_id, "reviewer": reviewer, "created": now(),
             **{f: v for f, v in given.items() if v is not UNCHANGED}},
        )
    return int(cursor.lastrowid or 0)


def add_evidence(
    db: sqlite_utils.Database, claim_id: str, reviewer: str, url: str,
    quote: str | None = None, relation: str = "supports",
) -> int:
    """Append an evidence link for a claim; returns its id."""
    with db.atomic():
        cursor = db.execute(
            "insert into evidence (claim_id, url, quote, relation, reviewer, created) "
            "values (?, ?, ?, ?, ?, ?)",
            [claim_id, url, quote, relation, reviewer, now()],
        )
    return int(cursor.lastrowid or 0)
