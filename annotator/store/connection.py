"""Opening a database (migrated, WAL, foreign keys, a busy timeout) and its write transactions."""

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ..errors import NoDatabase
from .schema import migrations

BUSY_TIMEOUT_MS = 30_000
BULK_CHECKPOINT = 10_000  # pages (40 MB of write-ahead log) between checkpoints, see relaxed_sync
BULK_CACHE_KB = 16_384  # page cache of a bulk writer (SQLite's default: 2,000 KB), see relaxed_sync


def connect(path: str | os.PathLike, create: bool = True) -> sqlite_utils.Database:
    """Open (and migrate) the database: WAL mode, foreign keys on, a busy timeout."""
    if path != ":memory:":
        p = Path(path)
        if not p.exists() and not create:
            raise NoDatabase(f"{path}: no such database (run 'annotator extract' first)")
        p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = sqlite_utils.Database(conn)
    wait_for_locks(conn)
    if path != ":memory:":
        enable_wal(db)
    db.execute("PRAGMA foreign_keys = ON")
    if migrations.pending(db):
        # Under the write lock: two processes opening a new database must not both migrate it.
        with writing(db):
            migrations.apply(db)
    return db


def open_existing(path: str | os.PathLike) -> sqlite3.Connection:
    """Open an existing database as it is, to inspect it: no migrations, no change of mode."""
    if not Path(path).is_file():
        raise NoDatabase(f"{path}: no such database")
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


def enable_wal(db: sqlite_utils.Database) -> None:
    """Switch to WAL mode, waiting up to :data:`BUSY_TIMEOUT_MS` for the others opening it.

    Changing the journal mode needs the database to itself, and SQLite answers "database is
    locked" at once, busy timeout or not, while another connection is opening or switching a new
    database: six threads opening one new file failed about one time in forty.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def wait_for_locks(conn: sqlite3.Connection) -> None:
    """Wait up to :data:`BUSY_TIMEOUT_MS` for another writer instead of failing at once."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def relaxed_sync(db: sqlite_utils.Database) -> None:
    """Sync to the disk at checkpoints only (``synchronous = NORMAL``). In WAL mode this keeps every
    commit atomic and the file consistent; it only skips the fsync per document, which a power
    cut could cost, and a re-run would redo. The write-ahead log is copied back into the file
    every :data:`BULK_CHECKPOINT` pages rather than SQLite's 1,000: the pages a run writes over
    and over (the match index's: each new claim adds a word to many of them) are copied once a
    checkpoint (extract --match over 300 bench documents: the writer's CPU -12 %). Its page
    cache holds :data:`BULK_CACHE_KB` instead of 2 MB: the indexes a document's rows and match
    queries touch are read from it rather than from the file again (the writer's CPU over the
    600 bench documents with matching -8 %; memory bounded at 16 MB more)."""
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KB}")
    db.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT}")
