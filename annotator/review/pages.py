"""The data of the review pages, read through the store's queries: the queue, the claim with its
passage, versions, history, evidence and sets."""

import sqlite3
from collections.abc import Mapping

from markupsafe import Markup

from ..filters import Filters
from ..store import queries, related, team
from . import passages, querystrings


def queue(conn: sqlite3.Connection, filters: Mapping[str, str], after: str | None = None,
           limit: int = 1, viewer: str | None = None) -> list[dict]:
    """The unreviewed claims of a queue in review order, starting after claim ``after`` (for a
    reviewer with assignments, their assigned claims they have not given a verdict yet)."""
    return queries.queue(conn, querystrings.queue_export_filters(filters), filters.get("prior"),
                         after, limit, viewer)


def queue_counts(conn: sqlite3.Connection, filters: Mapping[str, str],
                  viewer: str | None = None) -> dict:
    return queries.queue_counts(conn, querystrings.queue_export_filters(filters), filters.get("prior"),
                                viewer)


def claim_passage(conn: sqlite3.Connection, claim: Mapping) -> tuple[Markup, bool]:
    """The claim highlighted in its paragraph of the document text its offsets point into, and
    whether that text is known: a superseded claim's is the earlier version it was found in,
    unless it was superseded before those were kept; then the claim alone is shown."""
    marks = passages.claim_marks(claim)
    if queries.document_sha256(conn, claim["document_id"]) == claim["doc_sha256"]:
        start, end = passages.passage_window(claim, queries.blocks(conn, claim["document_id"]))
        text = queries.document_slice(conn, claim["document_id"], start, end)
        return passages.passage_html(text, start, marks), True
    version = queries.document_version(conn, claim["document_id"], claim["doc_sha256"])
    if version is not None and version[claim["start"]:claim["end"]] == claim["text"]:
        start, end = passages.line_window(claim, version)
        return passages.passage_html(version[start:end], start, marks), True
    inside = [m for m in marks if claim["start"] <= m.start and m.end <= claim["end"]]
    return passages.passage_html(claim["text"], claim["start"], inside), False


def load_claim(conn: sqlite3.Connection, claim_id: str, viewer: str | None = None) -> dict | None:
    """Everything the review page shows about one claim to ``viewer``: their own review is the
    form's; reviewing blind, they see no one else's until they have given their verdict."""
    claim = queries.claim(conn, claim_id)
    if claim is None:
        return None
    passage, version_kept = claim_passage(conn, claim)
    versions = passages.similar_claims(claim, queries.versions_of(conn, claim))
    history, evidence = queries.reviews_of(
        conn, [claim_id] + [v["id"] for v in versions if v["superseded"]])
    for item in history + evidence:
        item["earlier_version"] = item["claim_id"] != claim_id
    final = team.final(conn, claim_id)
    blind = team.blind(conn, claim_id, viewer)
    if blind:
        history = [r for r in history if r["reviewer"] == viewer and r["kind"] == "review"]
        final = {**final, "status": None, "review": None, "reviews": []}
    own = team.own_review(conn, claim_id, viewer)
    current = own if own or viewer else final["review"]
    document = queries.document(conn, claim["document_id"])
    matched = queries.has_table(conn, "claim_relations")
    return {
        "matches": related.matches(conn, claim_id) if matched else [],
        "prior": related.prior_check(conn, claim_id) if matched else None,
        "claim": claim,
        "document": document or {},
        "claim_link": passages.claim_link(document, claim) if document else None,
        "passage": passage,
        "version_kept": version_kept,
        "entities": queries.claim_entities(conn, claim_id),
        "history": history,
        "evidence": evidence,
        "current": current,
        "final": final,
        "blind": blind,
        "versions": versions,
    }


def claim_sets(conn: sqlite3.Connection, claim_id: str) -> dict:
    """The sets holding a claim (list sets by membership, filter sets by matching it now) and the
    list sets it could be added to."""
    member = queries.set_memberships(conn, claim_id)
    holding, others = [], []
    for s in queries.sets_by_name(conn):
        if s["kind"] == "list":
            if s["id"] in member:
                holding.append({**s, **member[s["id"]]})
            else:
                others.append(s)
            continue
        try:
            if queries.matches_filters(conn, claim_id, Filters(sets=(s["name"],))):
                holding.append({**s, "added": None, "added_by": None})
        except ValueError:  # a FilterError: the set's filter no longer works
            continue
    return {"member_of": holding, "addable": others}



def shown_review(conn: sqlite3.Connection, claim_id: str, review_id: str | None) -> dict | None:
    """The review of ``claim_id`` with id ``review_id``: the one its review form was showing."""
    value = (review_id or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return queries.review(conn, claim_id, int(value))

