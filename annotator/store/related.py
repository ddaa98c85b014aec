"""What the review pages show of a claim's relations (kept by :mod:`.relations`): its matches with
their documents, sources and verdicts, a verdict already given on its match group, and the
contradictions grouped by the pair of sources."""

import sqlite3

from .final_review import latest_review_id
from .relations import Conn

# A claim's relations are its wording's (see .wordings): those of the wording's canonical claim
# (its smallest id), each claim at the other end standing for the claims worded as it is.
_OTHER = f"""
    with me(id) as (select coalesce((select min(w.claim_id) from claim_match_keys k join claim_match_keys w
                                     on w.wording = k.wording where k.claim_id = :id), :id)),
    direct(id, relation, score) as (
      select other_id, relation, score from claim_relations where claim_id = (select id from me)
      union all select claim_id, relation, score from claim_relations where other_id = (select id from me)),
    x(id, relation, score) as (
      select coalesce(w.claim_id, d.id), d.relation, max(d.score) from direct d
      left join claim_match_keys k on k.claim_id = d.id left join claim_match_keys w on w.wording = k.wording
      group by 1, 2)
    select o.id, o.doc, o.text, o.source, o.source_canonical, o.stance,
      r.verdict, r.reviewer, r.created as reviewed_at, x.relation, x.score
    from x
    join claims o on o.id = x.id and o.id != :id
    left join reviews r on r.id = {latest_review_id("o.id")}
    order by x.relation desc, r.verdict is null, x.score desc, o.doc"""


def _dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def matches(conn: Conn, claim_id: str) -> list[dict]:
    """The claims related to ``claim_id``: ``same`` first, those with a verdict first, each with
    its document, source, stance and current verdict."""
    return _dicts(conn.execute(_OTHER, {"id": claim_id}))


def prior_check(conn: Conn, claim_id: str) -> dict | None:
    """The latest verdict on another claim of the same match group: verdict, doc, reviewer."""
    found = _dicts(conn.execute(
        "select g.id, g.doc, r.verdict, r.reviewer, r.created as reviewed_at from claim_match_keys k"
        " join claim_match_keys gk on gk.match_group = k.match_group join claims g on g.id = gk.claim_id"
        f" join reviews r on r.id = {latest_review_id('g.id')}"
        " where k.claim_id = ? and g.id != k.claim_id and r.verdict is not null"
        " order by r.id desc limit 1", [claim_id]))
    return found[0] if found else None


AUTHOR = "the author"  # the source of a claim nobody is said to make


def contradictions(conn: Conn) -> list[dict]:
    """The contradicting pairs, grouped by the pair of sources (``{"sources": (a, b), "pairs":
    [...]}``), the pair of sources with the most contradictions first."""
    rows = _dicts(conn.execute(
        "select x.score, a.id as a_id, a.doc as a_doc, a.text as a_text, a.stance as a_stance,"
        " coalesce(a.source_canonical, a.source) as a_source,"
        " b.id as b_id, b.doc as b_doc, b.text as b_text, b.stance as b_stance,"
        " coalesce(b.source_canonical, b.source) as b_source"
        " from claim_relations x join claims a on a.id = x.claim_id join claims b on b.id = x.other_id"
        " where x.relation = 'contradicts' and a.superseded = 0 and b.superseded = 0"
        " order by x.score desc"))
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        a = {k[2:]: row[k] for k in row if k.startswith("a_")}
        b = {k[2:]: row[k] for k in row if k.startswith("b_")}
        a["source"], b["source"] = a["source"] or AUTHOR, b["source"] or AUTHOR
        if (a["source"].casefold(), a["doc"]) > (b["source"].casefold(), b["doc"]):
            a, b = b, a
        groups.setdefault((a["source"], b["source"]), []).append({"score": row["score"], "a": a, "b": b})
    return [{"sources": key, "pairs": pairs}
            for key, pairs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
