"""Engines: local worker processes and Dask give exactly the database the in-process run gives."""

import sqlite3

import pytest
from click.testing import CliRunner

from annotator import engines
from annotator.cli import cli
from annotator.corpus import Document

# What differs between two runs of the same corpus: the run, and when it was.
RUN_COLUMNS = {"run_id", "superseded_run", "extracted_at"}
TABLES = ("documents", "blocks", "claims", "claim_entities", "entities", "sources")


def dump(path) -> dict[str, list[tuple]]:
    """Every row of the extraction tables, in id order, without the run columns."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in TABLES:
            cols = [r[1] for r in conn.execute(f"pragma table_info({table})")
                    if r[1] not in RUN_COLUMNS]
            sql = f"select {', '.join(cols)} from {table} order by id"
            out[table] = conn.execute(sql).fetchall()
        return out
    finally:
        conn.close()


def extract(*args) -> str:
    result = CliRunner().invoke(cli, ["extract", *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def one_document_per_chunk(monkeypatch):
    """Send every document of the small corpus to the workers on its own."""
    monkeypatch.setattr(engines, "CHUNK_CHARS", 1)


def doc(path: str, size: int) -> Document:
    return Document(path, path, "x" * size, path, size, "utf-8")


def test_chunks_keep_order_and_reach_the_size():
    docs = [doc(f"d{i}", n) for i, n in enumerate([5, 5, 12, 1, 1, 1])]
    got = [[d.path for d in c] for c in engines.chunks(docs, 10)]
    assert got == [["d0", "d1"], ["d2"], ["d3", "d4", "d5"]]


def test_scheduler_needs_the_dask_engine(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path), "--db", str(tmp_path / "c.db"),
                                      "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.output


@pytest.mark.slow
def test_two_worker_processes_store_what_one_process_stores(
    corpus_db, corpus_copy, tmp_path, one_document_per_chunk
):
    db = tmp_path / "workers.db"
    out = extract(corpus_copy, "--db", db, "--workers", "2")
    assert "7 extracted" in out
    assert dump(db) == dump(corpus_db)

    # Incremental as before: nothing to do, then only the edited document.
    assert "0 extracted, 7 unchanged" in extract(corpus_copy, "--db", db, "--workers", "2")
    edited = corpus_copy / "d03.txt"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("\n", "\nA new line said so.\n", 1), encoding="utf-8")
    assert "1 extracted, 6 unchanged" in extract(corpus_copy, "--db", db, "--workers", "2")
    local = tmp_path / "local.db"
    extract(corpus_copy, "--db", local)
    assert dump(db) == dump(local)


@pytest.mark.slow
def test_dask_local_cluster_stores_what_one_process_stores(
    corpus_db, corpus_copy, tmp_path, one_document_per_chunk
):
    pytest.importorskip("distributed")
    db = tmp_path / "dask.db"
    out = extract(corpus_copy, "--db", db, "--engine", "dask", "--workers", "2")
    assert "7 extracted" in out
    got, want = dump(db), dump(corpus_db)
    assert len(got["claims"]) == len(want["claims"]) > 50
    assert got == want
    assert "0 extracted, 7 unchanged" in extract(corpus_copy, "--db", db, "--engine", "dask",
                                                 "--workers", "2")


def test_extract_batches_like_the_pipeline():
    from annotator import extract, pipeline

    assert extract.BATCH_SIZE == pipeline.BATCH_SIZE
