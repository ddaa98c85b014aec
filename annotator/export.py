"""Write claims out: CSV for spreadsheets, JSON Lines for pipelines. Rows are streamed."""

import csv
import json
from collections.abc import Iterator
from typing import IO

import sqlite_utils

COLUMNS = (
    "id", "doc", "section_path", "paragraph_index", "sentence_index", "clause_index",
    "start", "end", "text", "source", "source_canonical", "cue", "stance",
    "checkworthy", "checkworthy_score", "claim_type", "entities",
    "source_start", "source_end", "cue_start", "cue_end", "doc_sha256", "run_id",
)

_QUERY = """
select c.*, (
  select group_concat(ce.text || ' (' || ce.label || ')', '; ')
  from claim_entities ce where ce.claim_id = c.id
) as entities
from claims c
where c.superseded = 0
order by c.doc, c.start
"""


def claim_rows(db: sqlite_utils.Database) -> Iterator[dict]:
    """Every current claim, in document order, with the export columns."""
    cursor = db.execute(_QUERY)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values))
        yield {k: row.get(k) for k in COLUMNS}


def write_csv(rows: Iterator[dict], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        n += 1
    return n


def write_jsonl(rows: Iterator[dict], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


WRITERS = {"csv": write_csv, "jsonl": write_jsonl}
