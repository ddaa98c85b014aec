"""Does matching depend on the order documents arrive in? Replays ``annotator match`` over one
database in several orders and compares what each finds.

    annotator extract ../shared/eval/polnear/train ../shared/eval/polnear/dev --db /tmp/o/all.db --match
    python dev/match_order.py /tmp/o/all.db                  # name order, reversed, shuffled (seed 1)
    python dev/match_order.py /tmp/o/all.db --orders name reverse seed1 seed2

Each order is replayed on a copy of the database (``relations.match_all`` with the documents in
that order: each compared with those before it, as ``extract --match`` would have stored them).
For each order: the ``same`` pairs and contradictions, the relations that differ from the first
order's (a pair found in one and not the other, or with another relation), and the grouped claims
whose match group (its set of members) differs from the first order's.
"""

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import store
from annotator.store import relations


def ordered(db: sqlite3.Connection, how: str) -> list[str]:
    """The current documents in name order, reversed, or shuffled (``seedN``)."""
    docs = [r[0] for r in db.execute(
        "select distinct document_id, doc from claims where superseded = 0 order by doc")]
    if how == "reverse":
        docs.reverse()
    elif how.startswith("seed"):
        random.Random(int(how[4:])).shuffle(docs)
    elif how != "name":
        raise SystemExit(f"unknown order {how!r}: name, reverse or seedN")
    return docs


def replay(source: Path, dest: Path, how: str) -> tuple[dict, dict, float]:
    """Match a copy of ``source`` in the order ``how``: its relations and groups, and the time."""
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    db = store.connect(str(dest))
    order = ordered(db.conn, how)
    start = time.process_time()
    relations.match_all(db, documents=order)
    spent = time.process_time() - start
    conn = sqlite3.connect(dest)
    found = {(a, b): r for a, b, r in conn.execute("select claim_id, other_id, relation from claim_relations")}
    members: dict[str, set[str]] = {}
    for claim, group in conn.execute("select claim_id, match_group from claim_match_keys where match_group is not null"):
        members.setdefault(group, set()).add(claim)
    groups = {c: frozenset(m) for m in members.values() for c in m}
    conn.close()
    return found, groups, spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--orders", nargs="+", default=["name", "reverse", "seed1"])
    parser.add_argument("--keep", type=Path, help="keep each order's database in this folder")
    args = parser.parse_args()
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for how in args.orders:
            found, groups, spent = replay(args.db, (args.keep or Path(tmp)) / f"{how}.db", how)
            same = sum(r == "same" for r in found.values())
            line = f"{how:8} same {same:5}  contradicts {len(found) - same:3}  grouped {len(groups):5}  cpu {spent:6.1f}s"
            if first is None:
                first = found, groups
            else:
                a, ga = first
                differ = len(a.keys() ^ found.keys()) + sum(a[k] != found[k] for k in a.keys() & found.keys())
                regrouped = sum(ga.get(c, frozenset({c})) != groups.get(c, frozenset({c}))
                                for c in ga.keys() | groups.keys())
                line += f"  relations differing from {args.orders[0]}: {differ}  claims in another group: {regrouped}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
