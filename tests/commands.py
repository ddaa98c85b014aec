"""Running annotator's commands in a test, and reading what ``annotator export`` writes."""

import csv
import io
import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli

# Filter values that would do harm if they reached SQL, LIKE or FTS5 as anything but data.
HOSTILE = ("' OR 1=1 --", "x'; DROP TABLE claims; --", '" OR ""="', "%", "_", "NEAR(a b)", "*")


def run(*args: object, ok: bool = True):
    """``annotator *args`` in-process; with ``ok``, it must exit 0."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def jsonl(db: Path, *args: object) -> list[dict]:
    """The rows ``annotator export --format jsonl *args`` writes."""
    out = run("export", "--db", db, "--format", "jsonl", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def ids(db: Path, *args: object) -> set[str]:
    """The ids of the claims ``annotator export *args`` writes."""
    return {row["id"] for row in jsonl(db, *args)}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def review(db: Path, claim_id: str, verdict: str | None, note: str | None = None,
           reviewer: str = "ana", created: str = "2026-01-15T09:30:00+00:00") -> None:
    """A review row as a reviewer wrote it at ``created`` (a fixed time, for the export's columns)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("insert into reviews (claim_id, verdict, note, reviewer, created) "
                     "values (?, ?, ?, ?, ?)", [claim_id, verdict, note, reviewer, created])
    conn.close()


def query(db: Path, sql: str, params=()) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def n_reviews(db: Path) -> int:
    return query(db, "select count(*) from reviews")[0][0]


def some_value(rows: list[dict], key: str) -> str:
    """A value of ``key`` that some rows have and others do not (so the filter filters)."""
    counts: dict = {}
    for r in rows:
        if r[key]:
            counts[r[key]] = counts.get(r[key], 0) + 1
    value = min((v for v, n in counts.items() if n < len(rows)), key=lambda v: (counts[v] < 2, v))
    return value
