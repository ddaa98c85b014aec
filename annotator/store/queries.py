"""Every read of claims, reviews and claim sets.

A claim's reviews are a log (see :mod:`.reviews`): each reviewer's latest row is their review,
and the claim's **current review** is its final one (the latest adjudication, else the verdict
its reviewers agree on; none while they disagree: see :mod:`.team`); a claim is **unreviewed**
while no reviewer has given it a verdict. :data:`CURRENT_REVIEW` joins it as ``r`` to the claims
``c`` (it is defined once, in :mod:`.final_review`, with the ``claim_verdicts`` view); the
export, the queue, the evaluation, the import and the claims table all read it through here.
"""

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence

import sqlite_utils

from .. import filters as filtering
from ..filters import EXPORT_ORDER, QUEUE_ORDER, Filters
from . import relations
from .final_review import CURRENT_REVIEW, latest_review_id, review_status
from .schema import ALL_CLAIMS
from .team import ASSIGNED, NOT_YET_THEIRS

Connection = sqlite_utils.Database | sqlite3.Connection


# (a disputed claim is reviewed: it waits for adjudication on the disputes page)
UNREVIEWED = f"{review_status('c.id')} is null"

# The export columns, in order. The first 23 are the original export's columns (an external
# scorer reads doc, start, end, text, source, source_canonical, cue, stance, checkworthy), then
# the claim's PDF page (empty for other formats); the review columns come last, where a reviewer
# fills ``verdict`` and ``note`` in a spreadsheet.
COLUMNS = (
    "id", "doc", "section_path", "paragraph_index", "sentence_index", "clause_index",
    "start", "end", "text", "source", "source_canonical", "cue", "stance",
    "checkworthy", "checkworthy_score", "claim_type", "entities",
    "source_start", "source_end", "cue_start", "cue_end", "doc_sha256", "run_id", "page",
    "verdict", "note", "reviewer", "reviewed_at", "evidence_urls",
    "match_group", "prior_verdict", "review_status",
)

_EVIDENCE = """(
    select group_concat(url, ' ') from (
      select e.url from evidence e where e.claim_id = c.id group by e.url order by min(e.id)))"""

# Column name -> SQL expression over ``claims c`` and ``reviews r`` (the claim's latest review).
COLUMN_SQL = {
    **{name: f'c."{name}"' for name in COLUMNS[:COLUMNS.index("verdict")]},
    "entities": "c.entities",  # kept by store.save_document (see store.m005_claim_entity_list)
    "source_label": "c.source_label",
    "superseded": "c.superseded",
    "verdict": "r.verdict",
    "note": "r.note",
    "reviewer": "r.reviewer",
    # a disputed claim has no final review: the time of its latest review (so that an import can
    # tell a reviewer's review made after the export)
    "reviewed_at": "coalesce(r.created, (select max(r3.created) from reviews r3 where r3.claim_id = c.id))",
    "review_status": review_status("c.id"),
    "evidence_urls": _EVIDENCE,
    "match_group": relations.GROUP_SQL,
    "prior_verdict": relations.PRIOR_VERDICT_SQL,
    "appearances": relations.APPEARANCES_SQL,
}


def conditions(conn: Connection, filters: Filters) -> tuple[list[str], dict[str, object]]:
    """:func:`annotator.filters.conditions`, with the claim sets of this database."""
    return filtering.conditions(filters, lambda name: set_row(conn, name))


def rows(conn: Connection, sql: str, params: dict | Sequence = ()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def has_table(conn: Connection, name: str) -> bool:
    return conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchone() is not None


# --- claims as the export reads them -------------------------------------------------------------


def export_query(
    conn: Connection,
    filters: Filters | None = None,
    columns: Sequence[str] = COLUMNS,
) -> tuple[str, dict[str, object]]:
    """The SQL and named parameters selecting the current claims that pass ``filters``.

    ``conn`` is only read to resolve claim sets. The rows come in document order with
    ``columns`` (names from :data:`COLUMN_SQL`), the same for the CLI and Datasette.
    """
    found, params = conditions(conn, filters or Filters())
    where = ["c.superseded = 0", *found]
    select = ",\n  ".join(f'{COLUMN_SQL[name]} as "{name}"' for name in columns)
    sql = (
        f"select\n  {select}\nfrom claims c\n{CURRENT_REVIEW}\n"
        "where " + "\n  and ".join(where) + f"\norder by {EXPORT_ORDER}"
    )
    return sql, params


def claim_cursor(conn: Connection, filters: Filters | None = None,
                 columns: Sequence[str] = COLUMNS) -> sqlite3.Cursor:
    """The cursor over :func:`export_query`'s rows (tuples of ``columns``)."""
    sql, params = export_query(conn, filters, columns)
    return conn.execute(sql, params)


def claim_rows(
    conn: Connection,
    filters: Filters | None = None,
    columns: Sequence[str] = COLUMNS,
) -> Iterator[dict]:
    """Every current claim passing ``filters``, in document order, streamed from the cursor.

    Bad filters raise :class:`FilterError` here, before the first row is read.
    """
    cursor = claim_cursor(conn, filters, columns)
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, values)) for values in cursor)


def count_claims(conn: Connection, filters: Filters | None = None) -> int:
    sql, params = export_query(conn, filters, ("id",))
    return conn.execute(f"select count(*) from ({sql})", params).fetchone()[0]


def matches_filters(conn: Connection, claim_id: str, filters: Filters) -> bool:
    """Whether the current claim ``claim_id`` passes ``filters``."""
    sql, params = export_query(conn, filters, ("id",))
    return conn.execute(f"select 1 from ({sql}) where id = :annotator_claim",
                        {**params, "annotator_claim": claim_id}).fetchone() is not None


def current_documents(conn: Connection) -> int:
    """How many documents have current claims."""
    return conn.execute(
        "select count(distinct document_id) from claims where superseded = 0").fetchone()[0]


# --- one claim and its reviews ----------------------------------------------------------------------


def claim(conn: Connection, claim_id: str) -> dict | None:
    found = rows(conn, "select * from claims where id = ?", [claim_id])
    return found[0] if found else None


def current_review(conn: Connection, claim_id: str) -> dict | None:
    found = rows(conn, f"select * from reviews where id = {latest_review_id('?')}", [claim_id])
    return found[0] if found else None


def review(conn: Connection, claim_id: str, review_id: int) -> dict | None:
    found = rows(conn, "select * from reviews where id = ? and claim_id = ?", [review_id, claim_id])
    return found[0] if found else None


def review_before(conn: Connection, claim_id: str, review_id: int) -> dict | None:
    """The review of ``claim_id`` by the same reviewer that review ``review_id`` followed."""
    found = rows(conn, "select b.* from reviews b join reviews r on r.id = ? where b.claim_id = ?"
                 " and b.id < r.id and b.reviewer = r.reviewer and b.kind = r.kind"
                 " order by b.id desc limit 1", [review_id, claim_id])
    return found[0] if found else None


def reviews_of(conn: Connection, claim_ids: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """The reviews and the evidence of the claims ``claim_ids``, latest first."""
    marks = ",".join("?" * len(claim_ids))
    return (rows(conn, f"select * from reviews where claim_id in ({marks}) order by id desc", claim_ids),
            rows(conn, f"select * from evidence where claim_id in ({marks}) order by id desc", claim_ids))


def versions_of(conn: Connection, claim: Mapping) -> list[dict]:
    """The other claims of the claim's document of the other kind: superseded for a current one,
    current for a superseded one (its earlier or later versions are among them)."""
    return rows(conn, "select id, text, superseded, superseded_run, run_id from claims"
                " where document_id = ? and id != ? and superseded = ?",
                [claim["document_id"], claim["id"], 0 if claim["superseded"] else 1])


def claim_entities(conn: Connection, claim_id: str) -> list[dict]:
    return rows(conn, "select entity_id, text, label from claim_entities where claim_id = ? order by start",
                [claim_id])


def document(conn: Connection, document_id: str) -> dict | None:
    found = rows(conn, "select * from documents where id = ?", [document_id])
    return found[0] if found else None


def document_sha256(conn: Connection, document_id: str) -> str | None:
    row = conn.execute("select sha256 from documents where id = ?", [document_id]).fetchone()
    return row[0] if row else None


def blocks(conn: Connection, document_id: str) -> list[dict]:
    """The spans of a document's blocks, in order."""
    return rows(conn, 'select start, "end" from blocks where document_id = ? order by idx', [document_id])


def document_slice(conn: Connection, document_id: str, start: int, end: int) -> str:
    """The document's current text from offset ``start`` to ``end``."""
    return conn.execute("select substr(text, ? + 1, ?) from documents where id = ?",
                        [start, end - start, document_id]).fetchone()[0]


def document_version(conn: Connection, document_id: str, sha256: str) -> str | None:
    """An earlier text of a document that superseded claims point into, when it is kept."""
    if not has_table(conn, "document_versions"):
        return None
    row = conn.execute("select text from document_versions where document_id = ? and sha256 = ?",
                       [document_id, sha256]).fetchone()
    return row[0] if row else None


def claim_verdicts_query(claim_ids: Sequence[str]) -> tuple[str, list[str]]:
    """SQL and parameters for the current verdict of each of ``claim_ids`` that has a review
    (for the claims table page, which reads through Datasette's own ``db.execute``)."""
    marks = ", ".join("?" * len(claim_ids))
    sql = (f"select c.id, coalesce(r.verdict, {review_status('c.id')}) from claims c {CURRENT_REVIEW}"
           f" where c.id in ({marks}) and (r.id is not null or {review_status('c.id')} is not null)")
    return sql, list(claim_ids)


def stored_facet_counts(columns: Sequence[str], limit: int) -> tuple[str, list]:
    """SQL and parameters for the top ``limit`` values of each of ``columns`` with their counts
    kept in ``claim_facet_counts`` (``column, value, n, rank`` rows), and a first row whose column
    is ``''`` when the counts are current. One statement, so one snapshot: an extract emptying
    the counts cannot fall in between."""
    parts = ["select ? as col, null as value, 0 as n, 0 as r from claim_facet_counts where column = ?"]
    params: list = ["", ALL_CLAIMS]
    for column in columns:
        parts.append("select * from (select column, value, n, row_number() over (order by n desc, value) "
                     "from claim_facet_counts where column = ? and value is not null "
                     "order by n desc, value limit ?)")
        params += [column, limit]
    return " union all ".join(parts), params


# --- the review queue ---------------------------------------------------------------------------

# The queue's "Checked elsewhere" filter: leave out, or keep only, the claims whose match in
# another document already has a verdict (see .relations).
PRIOR_CHOICES = {"skip": "is null", "only": "is not null"}
_AFTER = ("(coalesce(c.checkworthy_score, -1) < :after_score or"
          " (coalesce(c.checkworthy_score, -1) = :after_score and c.id > :after_id))")


def has_assignments(conn: Connection, reviewer: str | None) -> bool:
    return bool(reviewer) and has_table(conn, "assignments") and conn.execute(
        "select 1 from assignments where reviewer = ? limit 1", [reviewer]).fetchone() is not None


def _queue_where(conn: Connection, filters: Filters, prior: str | None,
                 viewer: str | None = None) -> tuple[str, str, dict]:
    """The queue's claims, which of them are still to review, and the parameters: for a reviewer
    with assignments, their assigned claims they have given no verdict yet; else the claims
    nobody has."""
    where, params = conditions(conn, filters)
    where = ["c.superseded = 0", *where]
    if prior in PRIOR_CHOICES:
        where.append(f"{relations.PRIOR_VERDICT_SQL} {PRIOR_CHOICES[prior]}")
    if has_assignments(conn, viewer):
        return (" and ".join([*where, ASSIGNED]), NOT_YET_THEIRS,
                {**params, "annotator_viewer": viewer})
    return " and ".join(where), UNREVIEWED, params


def queue(conn: Connection, filters: Filters, prior: str | None = None, after: str | None = None,
          limit: int = 1, viewer: str | None = None) -> list[dict]:
    """The unreviewed claims of a queue in review order, starting after claim ``after``."""
    where, unreviewed, params = _queue_where(conn, filters, prior, viewer)
    base = (f"select c.id, c.text, c.doc, c.section_path, c.source_canonical, c.stance,"
            f" c.checkworthy, c.checkworthy_score from claims c {CURRENT_REVIEW}"
            f" where {where} and {unreviewed}")
    if after:
        row = conn.execute("select coalesce(checkworthy_score, -1) from claims where id = ?",
                           [after]).fetchone()
        if row is not None:
            found = rows(conn, f"{base} and {_AFTER} order by {QUEUE_ORDER} limit {limit}",
                         {**params, "after_score": row[0], "after_id": after})
            if found:
                return found
        base += " and c.id != :after_id"
        params = {**params, "after_id": after}
    return rows(conn, f"{base} order by {QUEUE_ORDER} limit {limit}", params)


def queue_counts(conn: Connection, filters: Filters, prior: str | None = None,
                 viewer: str | None = None) -> dict:
    where, unreviewed_sql, params = _queue_where(conn, filters, prior, viewer)
    total, unreviewed = conn.execute(
        f"select count(*), coalesce(sum({unreviewed_sql}), 0) from claims c {CURRENT_REVIEW}"
        f" where {where}", params).fetchone()
    return {"total": total, "unreviewed": unreviewed, "reviewed": total - unreviewed}


def queue_choices(conn: Connection) -> dict:
    """The values the queue's filters offer: those of the current claims."""
    current = "from claims where superseded = 0"
    choices = {
        "doc": [r[0] for r in conn.execute(f"select distinct doc {current} order by doc")],
        "section": [r[0] for r in conn.execute(
            f"select distinct section_path {current} and section_path != '' order by section_path")],
        "source": [r[0] for r in conn.execute(
            f"select source_canonical {current} and source_canonical is not null"
            " group by source_canonical order by count(*) desc, source_canonical")],
        "stance": [r[0] for r in conn.execute(f"select distinct stance {current} order by stance")],
        "checkworthy": [r[0] for r in conn.execute(
            f"select distinct checkworthy {current} order by checkworthy")],
    }
    if has_table(conn, "claim_sets"):
        choices["set"] = set_names(conn)
    if has_table(conn, "claim_relations"):
        choices["prior"] = list(PRIOR_CHOICES)
    return choices


# --- claim sets ---------------------------------------------------------------------------------

SET_COLUMNS = ("id", "name", "kind", "filters", "description", "created", "creator")


def set_names(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute("select name from claim_sets order by name")]


def set_row(conn: Connection, name: str) -> dict | None:
    found = rows(conn, f"select {', '.join(SET_COLUMNS)} from claim_sets where name = ?", [name])
    return found[0] if found else None


def sets_by_name(conn: Connection) -> list[dict]:
    """Every set's row, by name ignoring case."""
    return rows(conn, f"select {', '.join(SET_COLUMNS)} from claim_sets"
                " order by name collate nocase, name")


def set_size(conn: Connection, set_id: int) -> int:
    """How many claims a list set holds."""
    return conn.execute("select count(*) from claim_set_members where set_id = ?",
                        [set_id]).fetchone()[0]


def set_memberships(conn: Connection, claim_id: str) -> dict[int, dict]:
    """The list sets holding ``claim_id``: set id -> when and by whom it was added."""
    return {r["set_id"]: r for r in rows(
        conn, "select set_id, added, added_by from claim_set_members where claim_id = ?", [claim_id])}


def filter_sets(conn: Connection, but: str) -> list[tuple[str, str | None]]:
    """The name and stored filter of every filter set but ``but``."""
    return conn.execute("select name, filters from claim_sets where kind = 'filter' and name != ?",
                        [but]).fetchall()


def known_claims(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that are claims of the database."""
    ids = list(ids)
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(f"select id from claims where id in ({marks})", chunk))
    return found


def claim_texts(conn: Connection, run_id: str | None = None) -> list[tuple[str, str]]:
    """(id, text) of the current claims, or of those the run ``run_id`` stored."""
    where, params = (" and run_id = ?", [run_id]) if run_id else ("", [])
    return conn.execute(f"select id, text from claims where superseded = 0{where} order by id",
                        params).fetchall()


# --- evaluation -----------------------------------------------------------------------------------


def predictions(conn: Connection) -> list[dict]:
    """The current claims with the fields the evaluation scores."""
    return rows(conn, 'select doc, start, "end", text, source, source_canonical, cue, stance,'
                " checkworthy from claims where superseded = 0")


def reviewed_claims(conn: Connection) -> list[dict]:
    """The current claims that have a review, with the machine's fields, the verdict and the
    corrections of their current review (``r_source``, ``r_stance``, …) and the check-worthiness
    class its reviewer saw (``r_seen_checkworthy``)."""
    return rows(conn, f"""
select c.id, c.doc, c.start, c."end", c.text, c.source, c.source_canonical, c.cue, c.stance,
       c.checkworthy, r.verdict, r.source as r_source, r.source_canonical as r_source_canonical,
       r.cue as r_cue, r.stance as r_stance, r.checkworthy as r_checkworthy,
       r.seen_checkworthy as r_seen_checkworthy
from claims c
{CURRENT_REVIEW}
where c.superseded = 0 and r.id is not null
""")
