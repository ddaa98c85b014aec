"""Claims worded alike: wire copy, a quotation repeated by several outlets.

Two claims whose match features are equal (:func:`wording`: the same words, names, figures,
negations, parse and speaker) relate to every other claim alike, so they stand for one another:

- a *wording* is matched once, when its first claim comes; a claim whose wording a claim of
  another document already has is not matched again (a copy);
- only the first claim of a wording has postings (``claim_match_postings``, kept so by the
  trigger of migration m016 and by :func:`forget`), so a claim's candidates are distinct
  wordings: copies of one sentence no longer fill its :data:`relations.CANDIDATES` places;
- the relations of a wording are stored on its *canonical* claim, its smallest claim id, and each
  other claim of the wording is ``same`` as the canonical one (score 1): one row per unordered
  pair, and the same rows whatever order the claims came in. A claim's relations are its
  wording's (:func:`members` and :mod:`.related` read them so).

Before, each copy was matched on its own against its best candidates, among them the copies
stored before it, so what a claim was compared with depended on the order documents came in.
"""

import json
from collections.abc import Iterable

from .. import ids, matching

SAME = ("same", 1.0)  # the relation of two claims worded alike


def wording(f: matching.Features, stored: str) -> str | None:
    """The hash of a claim's match features as stored (``stored``: ``f.to_json()`` in JSON, in
    one order), or None for a claim that is not the same claim as its own copy (a fragment, a
    claim of fewer than two predicate words): each of those stands alone."""
    return ids.stable_id(stored) if matching.compare(f, f)[0] == "same" else None


# The claims of a document that have a wording, each with the canonical claim of its wording
# among the claims of other documents (null: none has it). The index on (wording, claim_id) finds
# it in one step, however many claims have the wording.
_WORDED = """
    select k.claim_id, k.wording, (select o.claim_id from claim_match_keys o where o.wording = k.wording
                                   and o.document_id != :doc order by o.claim_id limit 1)
    from claim_match_keys k where k.document_id = :doc and k.wording is not null"""


def _insert(db, rows: list) -> None:
    if rows:
        db.execute("insert or replace into claim_relations (claim_id, other_id, relation, score) select"
                   " value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(?)", [json.dumps(rows)])


def _move(db, old: str, new: str) -> None:
    """Move the relations of ``old`` to ``new`` (the wording's canonical claim changes); the row
    between the two, if any, is dropped."""
    rows = db.execute("select claim_id, other_id, relation, score from claim_relations where ? in (claim_id, other_id)",
                      [old]).fetchall()
    db.execute("delete from claim_relations where claim_id = ?", [old])
    db.execute("delete from claim_relations where other_id = ?", [old])
    moved = [(min(new, o), max(new, o), rel, score) for a, b, rel, score in rows
             if (o := b if a == old else a) != new]
    _insert(db, moved)


def attach(db, document_id: str) -> tuple[set[str], list[tuple[str, str]], dict[str, str]]:
    """Link each claim of a new document to its wording's canonical claim (``same``), the
    relations of the wording moved to one of them that becomes its canonical claim. The claims
    whose wording a claim of another document has (copies: they need no matching), the pairs
    linked, for the groups, and each worded claim's canonical claim."""
    by_wording: dict[str, list[str]] = {}
    before: dict[str, str] = {}
    for cid, w, old in db.execute(_WORDED, {"doc": document_id}).fetchall():
        by_wording.setdefault(w, []).append(cid)
        if old:
            before[w] = old
    linked, canonical = [], {}
    for w, mine in by_wording.items():
        old = before.get(w)
        first = min(mine + ([old] if old else []))
        if old and first != old:
            _move(db, old, first)
        canonical.update(dict.fromkeys(mine, first))
        for cid in [*mine, *([old] if old else [])]:
            if cid != first:
                linked.append((min(cid, first), max(cid, first)))
    _insert(db, [(a, b, *SAME) for a, b in linked])
    return {c for w in before for c in by_wording[w]}, linked, canonical


def forget(db, document_id: str) -> None:
    """Before a document's match keys go: a wording whose canonical claim is in it and that
    claims of other documents have takes the smallest of those as its canonical claim."""
    for cid, w, rest in db.execute(_WORDED, {"doc": document_id}).fetchall():
        first = db.execute("select claim_id from claim_match_keys where wording = ? order by claim_id limit 1",
                           [w]).fetchone()[0]
        if rest and first == cid:
            _move(db, cid, rest)


def hand_over(db, wordings: Iterable[str]) -> None:
    """After claims' match keys went: each wording whose first claim went gives its postings to
    its first claim left (see m016: only the first of a wording has postings)."""
    for w in set(wordings):
        db.execute(
            "insert or ignore into claim_match_postings (word, key_id) select j.value, k.id from claim_match_keys k,"
            " json_each(k.keys) j where k.id = (select min(id) from claim_match_keys where wording = ?)", [w])
