"""``annotator check``: a sound database passes; each kind of damage to a copy makes it fail."""

import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import check


def run_check(path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--db", str(path)], catch_exceptions=False)
    return result.exit_code, result.output


def damage(path, *statements: str, foreign_keys: bool = False) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_extracted_corpus_passes(corpus_db):
    code, output = run_check(corpus_db)
    assert code == 0, output
    assert output.splitlines()[-1] == "all checks passed"
    assert "FAIL" not in output
    for name in ("integrity", "foreign keys", "offsets", "full-text index", "duplicates"):
        assert f"ok    {name}:" in output


def test_check_writes_nothing(small_copy):
    before = small_copy.read_bytes()
    assert run_check(small_copy)[0] == 0
    conn = sqlite3.connect(small_copy)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    assert small_copy.read_bytes() == before


# Each: what is done to a sound copy, the check that must fail, and words its report must hold.
DAMAGE = [
    pytest.param(
        ["update claims set text = text || ' (edited)' where rowid = (select min(rowid) from claims)"],
        "offsets", "(edited)", id="claim-text-edited"),
    pytest.param(
        ["update claims set start = start + 3 where rowid = (select min(rowid) from claims)"],
        "offsets", "the document holds", id="claim-offset-shifted"),
    pytest.param(
        ["update claims set \"end\" = 10000000 where rowid = (select min(rowid) from claims)"],
        "offsets", "[", id="claim-end-past-document"),
    pytest.param(
        [("update claims set source = 'Somebody Else' where source is not null "
          "and rowid = (select min(rowid) from claims where source is not null)")],
        "offsets", "Somebody Else", id="source-span"),
    pytest.param(
        [("update claims set cue_start = cue_start + 1 where rowid = "
          "(select min(rowid) from claims where cue is not null)")],
        "offsets", "cues", id="cue-span"),
    pytest.param(
        [("update documents set text = 'Replaced.' || substr(text, 10) "
          "where id = (select min(document_id) from claims)")],
        "offsets", "claims", id="document-text-replaced"),
    pytest.param(
        ["update documents set sha256 = 'x' where id = (select min(document_id) from claims)"],
        "offsets", "another version", id="claims-of-another-version"),
    pytest.param(
        [("insert into reviews (claim_id, verdict, reviewer, created) "
          "values ('no-such-claim', 'true', 'ann', '2025-01-01')")],
        "foreign keys", "no-such-claim", id="orphan-review"),
    pytest.param(
        ["delete from documents where id = (select min(document_id) from claims)"],
        "foreign keys", "is not in documents", id="orphan-claims"),
    pytest.param(
        [("insert into claims_fts(claims_fts, rowid, text) select 'delete', rowid, text "
          "from claims where rowid = (select min(rowid) from claims)")],
        "full-text index", "rebuild", id="fts-entry-missing"),
    pytest.param(
        ["drop trigger claims_au"], "full-text index", "claims_au", id="fts-trigger-dropped"),
    pytest.param(
        ["drop index idx_claims_document_id_start",
         ("insert into claims select id || '-copy', document_id, doc, doc_sha256, section_path, "
          "paragraph_index, sentence_index, clause_index, start, \"end\", text, source, source_start, "
          "source_end, source_canonical, source_label, source_id, cue, cue_start, cue_end, stance, "
          "checkworthy, checkworthy_score, claim_type, run_id, superseded, superseded_run, entities, "
          "context_before, context_after, page "
          "from claims where rowid = (select min(rowid) from claims)")],
        "duplicates", "2 claims", id="duplicate-claim"),
    pytest.param(
        ["update claim_facet_counts set n = n + 1 where column = 'stance'"],
        "facet counts", "stance", id="facet-count-wrong"),
    pytest.param(
        ["drop trigger claim_facet_counts_insert"], "facet counts", "claim_facet_counts_insert",
        id="facet-trigger-dropped"),
]


@pytest.mark.parametrize("statements, failing, words", DAMAGE)
def test_damage_is_reported(small_copy, statements, failing, words):
    damage(small_copy, *statements)
    code, output = run_check(small_copy)
    assert code == 1, output
    line = next(line for line in output.splitlines() if line.startswith(f"FAIL  {failing}:"))
    assert line
    assert words in output
    assert output.splitlines()[-1].endswith("check(s) failed")


def test_superseded_claims_are_exempt_from_offsets(small_copy):
    damage(small_copy, "update claims set superseded = 1, start = start + 5 "
                    "where rowid = (select min(rowid) from claims)")
    code, output = run_check(small_copy)
    assert code == 0, output
    assert "(and 1 superseded)" in output


def test_corrupt_pages_are_reported(small_copy):
    conn = sqlite3.connect(small_copy)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    n_pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(small_copy, "r+b") as f:  # scribble over the second half of the file, header spared
        for page in range(n_pages // 2, n_pages):
            f.seek(page * page_size + 16)
            f.write(b"\xa5" * (page_size - 32))
    code, output = run_check(small_copy)
    assert code == 1
    assert "FAIL  integrity:" in output or "malformed" in output


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n")
    code, output = run_check(path)
    assert code == 1
    assert "FAIL  database: cannot be opened as SQLite" in output


def test_not_an_annotator_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("create table t (x)")
    conn.close()
    code, output = run_check(path)
    assert code == 1
    assert "not an annotator database" in output


def test_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output
    assert not (tmp_path / "none.db").exists()


def test_interrupted_run_is_a_note_not_a_failure(small_copy):
    damage(small_copy, "insert into runs (id, started, status) values ('r-killed', '2025-01-01', 'running')")
    findings = list(check.run(small_copy))
    runs = next(f for f in findings if f.name == "runs")
    assert runs.status == "note" and "r-killed" in runs.details[0]
    assert not any(f.failed for f in findings)


def test_many_problems_are_counted_not_all_listed(small_copy):
    damage(small_copy, "update claims set start = start + 1")
    offsets = next(f for f in check.run(small_copy) if f.name == "offsets")
    assert offsets.failed
    assert len(offsets.details) == check.MAX_SHOWN + 1
    assert offsets.details[-1].startswith("… and ")


def test_offsets_read_each_document_once_and_compare_in_python(small_copy, monkeypatch):
    """A SQLite substr() per span walks the document from its start: on one 2 MB document the
    check took 3 min 44 s. Each document's text is read once and every span compared in Python."""
    statements: list[str] = []
    opened = check.open_existing

    def traced(path):
        conn = opened(path)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(check, "open_existing", traced)
    findings = list(check.run(small_copy))
    assert not any(f.failed for f in findings)
    assert not [s for s in statements if "substr(" in s.lower()]
    n_documents = sqlite3.connect(small_copy).execute("select count(*) from documents").fetchone()[0]
    assert sum("select text from documents" in s for s in statements) == n_documents
