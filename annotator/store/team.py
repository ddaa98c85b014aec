"""Reviewing as a team: assignments, blind review, each reviewer's review, disputes, adjudication.

A reviewer's review of a claim is their latest review row; an adjudication is a review row of
kind ``adjudication``. Which review is a claim's final one is decided by one rule, kept in the
database (:data:`.final_review.FINAL_REVIEW_VIEW`, table ``final_reviews``): the latest adjudication;
else the verdict every reviewer gave, when they agree; else none, and the claim is ``disputed``.
"""

import sqlite3

import sqlite_utils

from ..ids import now
from ..labels import VERDICTS
from .reviews import CORRECTED_FIELDS, add_review

# For a reviewer with assignments (``:annotator_viewer``): their queue is the claims assigned to
# them, to review until they have given a verdict.
ASSIGNED = ("exists (select 1 from assignments a where a.claim_id = c.id"
            " and a.reviewer = :annotator_viewer)")
NOT_YET_THEIRS = ("not exists (select 1 from reviewer_reviews v where v.claim_id = c.id"
                  " and v.reviewer = :annotator_viewer and v.verdict is not null)")

Conn = sqlite3.Connection | sqlite_utils.Database


def _dicts(conn: Conn, sql: str, params: dict | list | tuple = ()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def assign(db: sqlite_utils.Database, claim_ids: list[str], reviewers: list[str], *,
           blind: bool = False, by: str) -> int:
    """Assign each claim to each reviewer (again: the blind setting is updated); how many pairs.

    ``blind``: the reviewer does not see the other reviewers' verdicts, notes or corrections of
    the claim, nor its final verdict, until they have given their own verdict.
    """
    rows = [{"claim_id": c, "reviewer": r, "blind": int(blind), "assigned": now(),
             "assigned_by": by} for c in claim_ids for r in reviewers]
    with db.atomic():
        for row in rows:
            db.execute(
                "insert into assignments (claim_id, reviewer, blind, assigned, assigned_by)"
                " values (:claim_id, :reviewer, :blind, :assigned, :assigned_by)"
                " on conflict (claim_id, reviewer) do update set blind = excluded.blind", row)
    return len(rows)


def set_blind(db: sqlite_utils.Database, reviewer: str, blind: bool) -> None:
    """Whether ``reviewer`` reviews every claim blind (an assignment's own setting aside)."""
    with db.atomic():
        db.execute("insert into reviewer_settings (reviewer, blind) values (?, ?)"
                   " on conflict (reviewer) do update set blind = excluded.blind",
                   [reviewer, int(blind)])


def blind_reviewers(conn: Conn) -> set[str]:
    """The reviewers set to review every claim blind."""
    return {r[0] for r in conn.execute("select reviewer from reviewer_settings where blind")}


def own_review(conn: Conn, claim_id: str, reviewer: str | None) -> dict | None:
    """``reviewer``'s review of the claim: their latest review row."""
    if not reviewer:
        return None
    found = _dicts(conn, "select * from reviewer_reviews where claim_id = ? and reviewer = ?",
                   [claim_id, reviewer])
    return found[0] if found else None


def blind(conn: Conn, claim_id: str, reviewer: str | None) -> bool:
    """Whether ``reviewer`` reviews the claim blind (its assignment to them is blind, or they are
    set to review blind) and has not given their verdict yet."""
    if not reviewer:
        return False
    set_blind = conn.execute(
        "select exists (select 1 from assignments where claim_id = ? and reviewer = ? and blind)"
        " or exists (select 1 from reviewer_settings where reviewer = ? and blind)",
        [claim_id, reviewer, reviewer]).fetchone()[0]
    if not set_blind:
        return False
    own = own_review(conn, claim_id, reviewer)
    return not (own and own["verdict"])


def final(conn: Conn, claim_id: str) -> dict:
    """The claim's final review: ``status`` (single, agreed, disputed, adjudicated or None),
    ``review`` (the row, None while there is none), ``reviews`` (each reviewer's review) and
    ``assigned`` (the reviewers it is assigned to)."""
    found = _dicts(conn, "select review_id, status, n_reviewers from final_reviews"
                         " where claim_id = ?", [claim_id])
    status = found[0] if found else {"review_id": None, "status": None, "n_reviewers": 0}
    review = _dicts(conn, "select * from reviews where id = ?", [status["review_id"]]) \
        if status["review_id"] else []
    return {
        "status": status["status"],
        "review": review[0] if review else None,
        "reviews": _dicts(conn, "select * from reviewer_reviews where claim_id = ?"
                                " order by reviewer", [claim_id]),
        "assigned": [r[0] for r in conn.execute(
            "select reviewer from assignments where claim_id = ? order by reviewer", [claim_id])],
    }


def adjudicate(db: sqlite_utils.Database, claim_id: str, reviewer: str, verdict: str,
               note: str | None = None) -> int:
    """Record the final verdict of a claim (any reviewer may; the reviews stay in the history)."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; use one of: {', '.join(VERDICTS)}")
    return add_review(db, claim_id, reviewer, verdict, note, kind="adjudication")


def disputes(conn: Conn, claim_ids: set[str] | None = None) -> list[dict]:
    """The disputed claims (reviewers' verdicts differ, nobody adjudicated), each with its
    reviewers' verdicts and notes, the most check-worthy first."""
    claims = _dicts(conn, "select c.id, c.text, c.doc, c.checkworthy_score from final_reviews f"
                          " join claims c on c.id = f.claim_id where f.status = 'disputed'"
                          " and c.superseded = 0"
                          " order by coalesce(c.checkworthy_score, -1) desc, c.id")
    if claim_ids is not None:
        claims = [c for c in claims if c["id"] in claim_ids]
    for c in claims:
        c["reviews"] = _dicts(conn, "select reviewer, verdict, note, created from reviewer_reviews"
                                    " where claim_id = ? order by reviewer", [c["id"]])
    return claims


# --- every review, for ``annotator export --all-reviews`` ----------------------------------------

REVIEW_COLUMNS = (
    "review_id", "claim_id", "doc", "text", "kind", "reviewer", "created", "verdict", "note",
    *(f"corrected_{f}" for f in CORRECTED_FIELDS),
    "is_reviewers_latest", "is_final", "review_status", "superseded",
)


def review_rows(conn: Conn, claim_ids: set[str] | None = None) -> list[dict]:
    """Every review row (the whole history, superseded claims' included), oldest first; with
    ``claim_ids``, only theirs. ``is_reviewers_latest``: the row is its reviewer's review now;
    ``is_final``: it is the claim's final review."""
    corrected = ", ".join(f"r.{f} as corrected_{f}" for f in CORRECTED_FIELDS)
    rows = _dicts(conn, f"""
        select r.id as review_id, r.claim_id, c.doc, c.text, r.kind, r.reviewer, r.created,
          r.verdict, r.note, {corrected},
          (r.kind = 'review' and exists (select 1 from reviewer_reviews v where v.id = r.id))
            as is_reviewers_latest,
          coalesce(f.review_id = r.id, 0) as is_final, f.status as review_status, c.superseded
        from reviews r join claims c on c.id = r.claim_id
        left join final_reviews f on f.claim_id = r.claim_id
        order by r.id""")
    if claim_ids is not None:
        rows = [r for r in rows if r["claim_id"] in claim_ids]
    return rows


def reviewer_values(conn: Conn, field: str) -> list[tuple[str, str, str]]:
    """(claim id, reviewer, value) of each reviewer's review of the current claims: for
    ``verdict`` the verdicts given; for a corrected field the value each reviewer holds (their
    correction, or the machine's value they left; '' for none)."""
    if field == "verdict":
        sql = ("select v.claim_id, v.reviewer, v.verdict from reviewer_reviews v"
               " join claims c on c.id = v.claim_id where c.superseded = 0"
               " and v.verdict is not null")
    elif field in CORRECTED_FIELDS:
        sql = (f"select v.claim_id, v.reviewer, coalesce(v.{field}, c.{field}, '') from"
               " reviewer_reviews v join claims c on c.id = v.claim_id where c.superseded = 0")
    else:
        raise ValueError(f"not a reviewed field: {field!r}")
    return conn.execute(sql).fetchall()
