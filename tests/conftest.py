"""Shared fixtures: one real spaCy pipeline and one extracted corpus per test session."""

import shutil
import sqlite3
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEED = CORPUS / "000_ee9db8dafe7a1c02.txt"


def rows(path, sql, params=()) -> list[dict]:
    """The rows of a query on the SQLite file at ``path``, as dicts."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="session")
def nlp():
    from annotator.pipeline import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """The bundled corpus extracted once into a real SQLite file (treat as read-only)."""
    from annotator import extract

    path = tmp_path_factory.mktemp("corpus") / "claims.db"
    extract.run([str(CORPUS)], str(path), progress=False)
    return path


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the bundled corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def db_copy(corpus_db, tmp_path) -> Path:
    """A writable copy of the extracted corpus database."""
    import sqlite3

    dest = tmp_path / "claims.db"
    src = sqlite3.connect(corpus_db)
    out = sqlite3.connect(dest)
    src.backup(out)
    src.close()
    out.close()
    return dest


@pytest.fixture
def fake_datasette(monkeypatch):
    """Replace Datasette's serve command with one that records what it was given."""
    import click
    import datasette.cli

    calls = []
    monkeypatch.setattr(datasette.cli, "serve", click.Command(
        "serve", callback=lambda **kwargs: calls.append(kwargs)))
    return calls
