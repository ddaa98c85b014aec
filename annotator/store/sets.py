"""Claim sets: named saved filters (re-evaluated at every export) or fixed lists of claims.

Used by ``annotator sets`` and by the review page's "add to set". A set has a description, a
creation time and a creator; a list set also records who added each claim and when.
"""

import json
import sqlite3
from collections.abc import Iterable

import sqlite_utils

from ..errors import AnnotatorError
from ..filters import FilterError, Filters
from ..ids import now
from . import queries


class SetError(AnnotatorError, ValueError):
    """A set operation that cannot be done; the message says why."""




def create_set(
    db: sqlite_utils.Database,
    name: str,
    *,
    creator: str,
    description: str | None = None,
    filters: Filters | None = None,
    claim_ids: Iterable[str] = (),
) -> dict:
    """Create a filter set (when ``filters`` is given) or a list set holding ``claim_ids``."""
    name = name.strip()
    if not name:
        raise SetError("a claim set needs a name")
    ids = list(claim_ids)
    if filters and ids:
        raise SetError("a set is either a filter or a list of claims, not both")
    if filters:
        try:
            queries.count_claims(db, filters)
        except FilterError as e:
            raise SetError(str(e)) from None
        if name in filters.sets:
            raise SetError(f"claim set {name!r} cannot be defined by itself")
    with db.atomic():
        try:
            db.execute(
                "insert into claim_sets (name, kind, filters, description, created, creator) "
                "values (?, ?, ?, ?, ?, ?)",
                [name, "filter" if filters else "list",
                 json.dumps(filters.to_dict(), ensure_ascii=False) if filters else None,
                 description, now(), creator],
            )
        except sqlite3.IntegrityError:
            raise SetError(f"a claim set named {name!r} already exists") from None
        if ids:
            add_claims(db, name, ids, by=creator)
    return get_set(db, name)


def get_set(db: sqlite_utils.Database, name: str) -> dict:
    """The set's row, with ``filters`` decoded and ``n_claims`` counted now."""
    info = queries.set_row(db, name)
    if info is None:
        raise SetError(f"no claim set named {name!r} (see 'annotator sets list')")
    info["filters"] = json.loads(info["filters"]) if info["filters"] else None
    try:
        info["n_claims"] = queries.count_claims(db, Filters(sets=(name,)))
    except FilterError as e:
        raise SetError(str(e)) from None
    return info


def list_sets(db: sqlite_utils.Database | sqlite3.Connection) -> list[dict]:
    """Every set (by name, ignoring case) with its claims counted now; a set whose filter no
    longer works has ``n_claims`` None and ``error`` saying why."""
    found = queries.sets_by_name(db)
    for s in found:
        s["n_claims"], s["error"] = None, None
        try:
            s["filters"] = Filters.from_dict(json.loads(s["filters"])).to_dict() if s["filters"] else None
            s["n_claims"] = queries.count_claims(db, Filters(sets=(s["name"],)))
        except ValueError as e:  # a FilterError, or stored JSON that is not
            s["error"] = str(e)
    return found


def _list_set_id(db: sqlite_utils.Database, name: str) -> int:
    info = get_set(db, name)
    if info["kind"] != "list":
        raise SetError(f"claim set {name!r} is defined by a filter; its claims are whatever "
                       "matches at export time, so claims cannot be added or removed by hand")
    return info["id"]


def add_claims(db: sqlite_utils.Database, name: str, claim_ids: Iterable[str], *, by: str) -> int:
    """Add claims to a list set; returns how many were not already members."""
    set_id = _list_set_id(db, name)
    ids = list(dict.fromkeys(claim_ids))
    known = queries.known_claims(db, ids)
    unknown = [c for c in ids if c not in known]
    if unknown:
        raise SetError(f"no such claim: {', '.join(unknown[:5])}"
                       + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""))
    added = now()
    with db.atomic():
        before = queries.set_size(db, set_id)
        db.conn.executemany(
            "insert or ignore into claim_set_members (set_id, claim_id, added, added_by) "
            "values (?, ?, ?, ?)", [(set_id, cid, added, by) for cid in ids])
        after = queries.set_size(db, set_id)
    return after - before


def remove_claims(db: sqlite_utils.Database, name: str, claim_ids: Iterable[str]) -> int:
    """Remove claims from a list set; returns how many were members."""
    set_id = _list_set_id(db, name)
    n = 0
    with db.atomic():
        for cid in dict.fromkeys(claim_ids):
            n += db.execute("delete from claim_set_members where set_id = ? and claim_id = ?",
                            [set_id, cid]).rowcount
    return n


def delete_set(db: sqlite_utils.Database, name: str) -> None:
    """Delete a set and its memberships; refused while another set's filter names it."""
    info = get_set(db, name)
    users = [
        other for other, stored in queries.filter_sets(db, but=name)
        if name in json.loads(stored or "{}").get("sets", [])
    ]
    if users:
        raise SetError(f"claim set {name!r} is used by the filter of {', '.join(users)}")
    with db.atomic():
        db.execute("delete from claim_set_members where set_id = ?", [info["id"]])
        db.execute("delete from claim_sets where id = ?", [info["id"]])
