"""Writing what an extraction found: runs, documents with their blocks, claims and entity
mentions, and the counts kept over them.

Ids are deterministic, so re-running upserts instead of duplicating. A changed document is
replaced in one transaction; its claims keep their ids where :mod:`annotator.identity` pairs them
with the stored ones, and claims that vanish keep their row (marked superseded, with the document
text they were found in) when a reviewer has worked on them, so no review is ever orphaned.
"""

import datetime as dt
import json
import operator
import os
import socket
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlite_utils

from .. import identity, matching, sources
from ..ids import now, stable_id
from .connection import writing
from .schema import ALL_CLAIMS, FACET_COLUMNS

if TYPE_CHECKING:  # importing spaCy costs half a second, and an unchanged re-run needs none of it
    from ..pipeline import DocumentResult

def mention_id(m: dict) -> str:
    """The id of an entity mention's row in ``claim_entities``."""
    return stable_id(m["claim_id"], m["start"], m["end"])


def entity_list(mentions: list[dict]) -> str | None:
    """``text (LABEL)`` of each mention, in document order, as ``claims.entities`` stores them."""
    ordered = sorted(mentions, key=lambda m: (m["start"], m.get("id") or mention_id(m)))
    return "; ".join(f"{m['text']} ({m['label']})" for m in ordered) or None




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
        for table in ("reviews", "evidence", "claim_set_members", "assignments"):  # a reviewer's work
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
        for m in mentions_rows:  # the entity list sorts by it too
            m["id"] = mention_id(m)
        old_ids = {c["id"] for c in stored if not c["superseded"]}
        new_ids = {c["id"] for c in result.claims}
        if keep:  # their page shows the text they were found in
            db.execute("insert or ignore into document_versions (document_id, sha256, text) "
                       "select id, sha256, text from documents where id = ?", [doc_id])
        db.execute(
            "delete from claim_entities where claim_id in "
            "(select id from claims where document_id = ?)", [doc_id])
        db.execute("delete from blocks where document_id = ?", [doc_id])
        _insert_rows(db, "documents", [
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
        ], upsert_on="id")
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
                    **{k: v for k, v in c.items() if k != matching.MATCH_STRUCTURE},  # stored with the match keys
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
    named = [(c, sid) for c in claims if c.get("source_canonical") and (sid := _source_id(c, doc))]
    stored = dict(db.execute(  # the aliases stored so far, in one query for the document
        "select id, aliases from sources where id in (select value from json_each(?))",
        [json.dumps(sorted({sid for _c, sid in named}))]).fetchall()) if named else {}
    found: dict[str, dict] = {}
    for c, sid in named:
        row = found.get(sid)
        if row is None:
            old = stored.get(sid)
            row = found[sid] = {"aliases": set(json.loads(old)) if old else set()}
        row.update(canonical=c["source_canonical"], label=c.get("source_label"))
        row["aliases"].add(c["source"])
    _insert_rows(db, "sources", [
        {"id": sid, "canonical": r["canonical"], "label": r["label"],
         "aliases": json.dumps(sorted(r["aliases"]), ensure_ascii=False)}
        for sid, r in found.items()
    ], upsert_on="id")


def _insert_mentions(db: sqlite_utils.Database, mentions: list[dict]) -> None:
    rows: list[dict] = []
    entities: dict[tuple[str, str], dict] = {}  # by text and label, which its id hashes
    for m in mentions:
        entity = entities.get((m["text"], m["label"]))
        if entity is None:
            eid = stable_id(m["text"], m["label"])
            entity = entities[m["text"], m["label"]] = {"id": eid, "text": m["text"], "label": m["label"]}
        rows.append({"id": m.get("id") or mention_id(m), "entity_id": entity["id"], **m})
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
