"""Shared fixtures: one real spaCy pipeline and one extracted corpus per test session, and the
small database of tests/fixture_db.py for the tests where the NLP output is not what is tested."""

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


def copy_db(src: Path, dest: Path) -> Path:
    """A copy of the SQLite database ``src`` at ``dest`` (SQLite's backup: whole, WAL included)."""
    source, out = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(out)
    finally:
        source.close()
        out.close()
    return dest


@pytest.fixture
def db_copy(corpus_db, tmp_path) -> Path:
    """A writable copy of the extracted corpus database."""
    return copy_db(corpus_db, tmp_path / "claims.db")


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """The small database of tests/fixture_db.py: 19 claims, no reviews (treat as read-only)."""
    import fixture_db

    return fixture_db.build(tmp_path_factory.mktemp("small") / "claims.db")


@pytest.fixture
def small_copy(small_db, tmp_path) -> Path:
    """A writable copy of the small database."""
    return copy_db(small_db, tmp_path / "claims.db")


@pytest.fixture
def all_rows(small_copy) -> list[dict]:
    """The claims of ``small_copy`` as ``annotator export --format jsonl`` writes them."""
    from commands import jsonl

    rows = jsonl(small_copy)
    assert len(rows) >= 10
    return rows


@pytest.fixture(scope="session")
def reviewed_db(tmp_path_factory) -> Path:
    """The small database with its review history (fixture_db.REVIEWED; treat as read-only)."""
    import fixture_db

    return fixture_db.build(tmp_path_factory.mktemp("reviewed") / "claims.db", reviewed=True)


@pytest.fixture
def reviewed_copy(reviewed_db, tmp_path) -> Path:
    """A writable copy of the small database with its review history."""
    return copy_db(reviewed_db, tmp_path / "claims.db")


@pytest.fixture
def fake_datasette(monkeypatch):
    """Replace Datasette's serve command with one that records what it was given."""
    import click
    import datasette.cli

    calls = []
    monkeypatch.setattr(datasette.cli, "serve", click.Command(
        "serve", callback=lambda **kwargs: calls.append(kwargs)))
    return calls
