"""The database's schema, as migrations applied in order when a database is opened.

Every span is stored as ``start``/``end``/``text`` character offsets into ``documents.text``.
A migration, once released, is never changed: a new one adds what is new.
"""

import sqlite_utils
from sqlite_utils.migrations import Migrations

from ..labels import VERDICTS
from .final_review import (
    CLAIM_VERDICT_COLUMNS,
    CLAIM_VERDICTS_VIEW,
    FINAL_REVIEW_VIEW,
    REVIEWER_REVIEWS_VIEW,
)

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
        SELECT """ + CLAIM_VERDICT_COLUMNS + """
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
    they are found by (kept by annotator/store/relations.py; one row per unordered pair, the smaller
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


@migrations()
def m011_team_review(db: sqlite_utils.Database) -> None:
    """Reviewing as a team: each reviewer's own review, adjudications, the final review of each
    claim (kept by a trigger), and which reviewers each claim is assigned to (blind or not).

    Every review already stored is a reviewer's review; a database reviewed by one person reads
    as before (that reviewer's latest review is final).
    """
    db.execute("ALTER TABLE reviews ADD COLUMN kind TEXT NOT NULL DEFAULT 'review'"
               " CHECK (kind IN ('review', 'adjudication'))")
    db.table("reviews").create_index(["claim_id", "reviewer", "id"])
    db.execute(REVIEWER_REVIEWS_VIEW)
    db.execute(FINAL_REVIEW_VIEW)
    db.execute(
        """
        CREATE TABLE final_reviews (
            claim_id TEXT PRIMARY KEY REFERENCES claims(id),
            review_id INTEGER REFERENCES reviews(id),
            status TEXT CHECK (status IN ('single', 'agreed', 'disputed', 'adjudicated')),
            n_reviewers INTEGER NOT NULL
        )"""
    )
    db.execute("INSERT INTO final_reviews SELECT * FROM final_review_calc")
    db.execute(
        """
        CREATE TRIGGER reviews_final AFTER INSERT ON reviews BEGIN
          INSERT OR REPLACE INTO final_reviews
          SELECT * FROM final_review_calc WHERE claim_id = new.claim_id;
        END""")
    db.execute(
        """
        CREATE TABLE assignments (
            claim_id TEXT NOT NULL REFERENCES claims(id),
            reviewer TEXT NOT NULL,
            blind INTEGER NOT NULL DEFAULT 0,
            assigned TEXT NOT NULL,
            assigned_by TEXT NOT NULL,
            PRIMARY KEY (claim_id, reviewer)
        )"""
    )
    db.table("assignments").create_index(["reviewer"])
    db.execute("DROP VIEW claim_verdicts")
    db.execute(CLAIM_VERDICTS_VIEW)


@migrations()
def m012_learned_models(db: sqlite_utils.Database) -> None:
    """The model versions ``annotator learn`` trained on this database's reviews (see
    :mod:`.learned`)."""
    db.execute("CREATE TABLE learned_models (version INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
               " kind TEXT NOT NULL, path TEXT NOT NULL, created TEXT NOT NULL, figures TEXT NOT NULL)")


@migrations()
def m013_claim_match_postings(db: sqlite_utils.Database) -> None:
    """Match candidates from a plain index of which claims hold each word, in place of the FTS5
    index: ranking by BM25 took 0.6 ms a claim, the index and a sum of IDF 0.15 ms, and one
    query finds the candidates of a whole document (see :func:`.relations.candidates`)."""
    db.execute(
        """
        CREATE TABLE claim_match_postings (
            word TEXT NOT NULL,
            key_id INTEGER NOT NULL,  -- claim_match_keys.id
            PRIMARY KEY (word, key_id)
        ) WITHOUT ROWID""")
    db.execute("INSERT INTO claim_match_postings (word, key_id) "
               "SELECT DISTINCT j.value, k.id FROM claim_match_keys k, json_each(k.keys) j")
    db.execute(
        """
        CREATE TRIGGER claim_match_postings_insert AFTER INSERT ON claim_match_keys BEGIN
          INSERT OR IGNORE INTO claim_match_postings (word, key_id) SELECT value, new.id FROM json_each(new.keys);
        END""")
    db.execute(
        """
        CREATE TRIGGER claim_match_postings_delete AFTER DELETE ON claim_match_keys BEGIN
          DELETE FROM claim_match_postings WHERE key_id = old.id AND word IN (SELECT value FROM json_each(old.keys));
        END""")
    db.table("claim_match_keys").disable_fts()


@migrations()
def m014_review_seen_checkworthy(db: sqlite_utils.Database) -> None:
    """The machine's check-worthiness class and score a reviewer saw when writing each review
    (``seen_checkworthy``, ``seen_checkworthy_score``): a class the reviewer let stand is the
    claim's label for ``annotator learn`` and ``eval --reviews``, and re-extracting a changed
    document may re-score the claim later.

    Reviews stored before this migration are filled with their claim's class and score as they
    are now, which is the best record there is: for them the label is the class at migration time.
    """
    db.table("reviews").add_column("seen_checkworthy", str)
    db.table("reviews").add_column("seen_checkworthy_score", float)
    db.execute("update reviews set seen_checkworthy = c.checkworthy, "
               "seen_checkworthy_score = c.checkworthy_score from claims c where c.id = reviews.claim_id")


@migrations()
def m015_reviewer_settings(db: sqlite_utils.Database) -> None:
    """Each reviewer's settings: ``blind``, to review every claim blind, assigned or not (see
    :func:`.team.blind`; ``annotator reviewers set``)."""
    db.execute("CREATE TABLE reviewer_settings (reviewer TEXT PRIMARY KEY,"
               " blind INTEGER NOT NULL DEFAULT 0)")


@migrations()
def m016_claim_match_wordings(db: sqlite_utils.Database) -> None:
    """Claims worded alike (equal match features: wire copy) stand for one another in matching
    (``wording``: a hash of the features; see :mod:`.relations`); only the first of a wording has
    postings, so a claim's candidates are distinct wordings."""
    db.execute("ALTER TABLE claim_match_keys ADD COLUMN wording TEXT")
    db.execute("CREATE INDEX claim_match_keys_wording ON claim_match_keys (wording, claim_id)")
    db.execute("DROP TRIGGER claim_match_postings_insert")
    db.execute(
        """
        CREATE TRIGGER claim_match_postings_insert AFTER INSERT ON claim_match_keys
        WHEN new.wording IS NULL OR NOT EXISTS (
          SELECT 1 FROM claim_match_keys WHERE wording = new.wording AND id != new.id) BEGIN
          INSERT OR IGNORE INTO claim_match_postings (word, key_id) SELECT value, new.id FROM json_each(new.keys);
        END""")
