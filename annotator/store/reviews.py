"""The review log: verdicts, notes and corrections appended per claim, and evidence links."""

import enum

import sqlite_utils

from ..ids import now
from ..labels import CORRECTABLE as CORRECTED_FIELDS

REVIEW_FIELDS = ("verdict", "note", *CORRECTED_FIELDS)


class Unchanged(enum.Enum):
    """The type of :data:`UNCHANGED`."""

    UNCHANGED = "unchanged"


# A review field the reviewer left as it was: the new review carries the current one's value.
UNCHANGED = Unchanged.UNCHANGED


def add_review(
    db: sqlite_utils.Database,
    claim_id: str,
    reviewer: str,
    verdict: str | None | Unchanged = UNCHANGED,
    note: str | None | Unchanged = UNCHANGED,
    kind: str = "review",
    **corrections: str | None | Unchanged,
) -> int:
    """Append a review (verdict, note, corrected fields) to the log; returns its id.

    The log is never updated: a reviewer's review of a claim is their latest row, which holds
    their whole review (an adjudication, ``kind="adjudication"``, is the claim's latest
    adjudication, whoever wrote it). A field given as :data:`UNCHANGED` (the default) keeps the
    value of that review, so recording a verdict keeps the note; ``None`` clears a field. Which
    review is the claim's final one the database keeps (``final_reviews``, see
    :func:`.schema.m011_team_review`). The review records the machine's check-worthiness class and
    score the reviewer saw (``seen_checkworthy``): the label of a class they let stand.
    """
    if kind not in ("review", "adjudication"):
        raise ValueError(f"not a kind of review: {kind!r}")
    unknown = set(corrections) - set(CORRECTED_FIELDS)
    if unknown:
        raise ValueError(f"not a correctable field: {', '.join(sorted(unknown))}")
    given = {"verdict": verdict, "note": note,
             **{f: corrections.get(f, UNCHANGED) for f in CORRECTED_FIELDS}}
    # One statement, so the write lock comes first: a read before the write would make this
    # transaction fail when another process writes in between ("database is locked").
    values = ", ".join(f"current.{f}" if given[f] is UNCHANGED else f":{f}" for f in REVIEW_FIELDS)
    with db.atomic():
        cursor = db.execute(
            f"insert into reviews (claim_id, reviewer, created, kind, {', '.join(REVIEW_FIELDS)},"
            " seen_checkworthy, seen_checkworthy_score)"
            f" select :claim_id, :reviewer, :created, :kind, {values}, seen.checkworthy,"
            " seen.checkworthy_score from (select 1)"
            " left join (select checkworthy, checkworthy_score from claims where id = :claim_id) as seen"
            " left join (select * from reviews where claim_id = :claim_id and kind = :kind"
            " and (kind = 'adjudication' or reviewer = :reviewer) order by id desc limit 1)"
            " as current",
            {"claim_id": claim_id, "reviewer": reviewer, "created": now(), "kind": kind,
             **{f: v for f, v in given.items() if v is not UNCHANGED}},
        )
    return int(cursor.lastrowid or 0)


def add_evidence(
    db: sqlite_utils.Database, claim_id: str, reviewer: str, url: str,
    quote: str | None = None, relation: str = "supports",
) -> int:
    """Append an evidence link for a claim; returns its id."""
    with db.atomic():
        cursor = db.execute(
            "insert into evidence (claim_id, url, quote, relation, reviewer, created) "
            "values (?, ?, ?, ?, ?, ?)",
            [claim_id, url, quote, relation, reviewer, now()],
        )
    return int(cursor.lastrowid or 0)
