"""The claims table page in reading order: what a reviewer reads first, hashes and offsets last.

Datasette shows a table's columns in schema order (id, document_id, doc, doc_sha256, … text
eleventh). :func:`arrange` reorders the columns and cells of the page it renders and adds each
claim's current verdict; the shipped ``_table.html`` calls it for the claims table only.
"""

from collections.abc import Sequence

from markupsafe import Markup

from ..store import queries

FIRST = ("text", "source", "cue", "stance", "checkworthy", "checkworthy_score", "verdict", "doc",
         "section_path", "claim_type", "source_canonical", "entities")
LAST = ("paragraph_index", "sentence_index", "clause_index", "start", "end", "source_start",
        "source_end", "cue_start", "cue_end", "source_label", "source_id", "superseded",
        "superseded_run", "run_id", "document_id", "doc_sha256", "id")
VERDICT_COLUMN = {"name": "verdict", "sortable": False, "is_pk": False, "type": "text", "notnull": 0,
                  "description": "The current verdict: the latest review's"}


def column_order(names: Sequence[str]) -> list[str]:
    """``names`` with FIRST first and LAST last, the others between in their own order."""
    first = [n for n in FIRST if n in names]
    last = [n for n in LAST if n in names and n not in first]
    return first + [n for n in names if n not in first and n not in last] + last


def verdict_cell(verdict: str | None) -> dict:
    value = (Markup('<span class="annotator-badge annotator-verdict-{}">{}</span>').format(
        verdict, verdict.replace("_", " ")) if verdict else Markup("&nbsp;"))
    return {"column": "verdict", "value": value, "raw": verdict, "value_type": "text"}


async def arrange(db, columns: list[dict], rows: list[list[dict]]) -> tuple[list[dict], list[list[dict]]]:
    """The claims page's ``display_columns`` and ``display_rows`` in reading order, with a verdict
    column (the page's claims' current verdicts, in one query)."""
    ids = [cell["raw"] for row in rows for cell in row if cell["column"] == "id"]
    verdicts: dict[str, str] = {}
    if ids:
        result = await db.execute(*queries.claim_verdicts_query(ids))
        verdicts = {r[0]: r[1] for r in result.rows}
    by_name = {c["name"]: c for c in columns}
    if any(c["column"] == "id" for row in rows for c in row) or not rows:
        by_name["verdict"] = VERDICT_COLUMN
    order = column_order(list(by_name))
    arranged_rows = []
    for row in rows:
        cells = {c["column"]: c for c in row}
        claim_id = cells["id"]["raw"] if "id" in cells else None
        if claim_id is not None:
            cells["verdict"] = verdict_cell(verdicts.get(claim_id))
        arranged_rows.append([cells[n] for n in order if n in cells])
    return [by_name[n] for n in order], arranged_rows
