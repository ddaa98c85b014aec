"""Draw a blind sample of the `same` pairs the matcher predicts that are *not* near-identical
wordings, for an independent judge: how precise the matcher is on paraphrases.

The judged `same` pairs of the earlier samples (`w16p-1` .. `w16p-8`) are mostly wire copy
repeated word for word, so they measure little of what the matcher does with a claim told in
other words. Here a pair is a paraphrase when the **word Jaccard of the two claims' texts** (the
sets of their lower-cased words, letters and digits, ``\\w+``: shared words over all words) is
below ``--max-jaccard`` (0.6). From a database of all 923 PolNeAR train and dev articles
(``annotator extract --match``), every predicted `same` pair below it is a candidate, less the
pairs judged before (``tests/fixtures/matching-precision/pairs.tsv`` and the gold's, by their
offsets; and by their wording, any pair whose two claims appear as a pair in
``../notes/w16p-*.tsv``), one pair of each wording; ``--same`` of them are drawn at random,
with ``--decoys`` pairs the matcher compared and refused whose word agreement (its score) is at
least ``--decoy-score`` and whose Jaccard is also below the bound (and at least
``--decoy-jaccard``: not two sentences that share no word), so that the judge cannot tell them
apart by their look. Shuffled and written without the matcher's relation (``--out``: the
columns of ``dev/match_sample.py``); the key goes to ``--key``.

`w16p-9` (tests/fixtures/matching-precision/SOURCES.md) was drawn from such a database matched
again with each claim compared with its 150 best candidates (``relations.CANDIDATES`` set in a
scratch wrapper before ``annotator match``; 48 for the decoys' candidates), so that the pool did
not hang on the order the articles came in:

    python dev/paraphrase_sample.py /tmp/w16c/wide150-base.db ../shared/eval/polnear --seed 1709 \\
        --same 40 --decoys 10 --out ../notes/w16p-9.tsv --key /tmp/w16c/w16p-9.key.tsv
"""

import argparse
import csv
import random
import re
import sqlite3
from pathlib import Path

from match_sample import decoys, judged_or_gold, write_pairs

NOTES = Path(__file__).resolve().parent.parent.parent / "notes"
WORD = re.compile(r"\w+")


def jaccard(a: str, b: str) -> float:
    """Word Jaccard of two texts: shared lower-cased words over all of them."""
    x, y = set(WORD.findall(a.lower())), set(WORD.findall(b.lower()))
    return len(x & y) / len(x | y) if x | y else 1.0


def wording(text: str) -> str:
    return " ".join(text.split())


def judged_wordings(notes: Path) -> set[frozenset[str]]:
    """The pairs of claim texts of every blind sample ``w16p-*.tsv`` written before."""
    found = set()
    for path in sorted(notes.glob("w16p-*.tsv")):
        if path.name.endswith(".judged.tsv"):
            continue
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                found.add(frozenset({wording(r["claim_a"]), wording(r["claim_b"])}))
    return found


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("db")
    p.add_argument("articles", type=Path)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--same", type=int, default=40)
    p.add_argument("--decoys", type=int, default=8)
    p.add_argument("--max-jaccard", type=float, default=0.6)
    p.add_argument("--decoy-score", type=float, default=0.5)
    p.add_argument("--decoy-jaccard", type=float, default=0.25, help="and at least this word Jaccard")
    p.add_argument("--notes", type=Path, default=NOTES)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--key", type=Path, required=True)
    args = p.parse_args()
    before = judged_or_gold()
    sampled = judged_wordings(args.notes)

    db = sqlite3.connect(args.db)
    claims = {cid: (doc, start, end) for cid, doc, start, end in
              db.execute("select id, doc, start, end from claims where superseded = 0")}
    text_of = dict(db.execute("select id, text from claims where superseded = 0"))

    def usable(a: str, b: str) -> bool:
        (da, sa, _), (dbb, sb, _) = claims[a], claims[b]
        texts = frozenset({wording(text_of[a]), wording(text_of[b])})
        return (frozenset({(da, sa), (dbb, sb)}) not in before and texts not in sampled
                and jaccard(text_of[a], text_of[b]) < args.max_jaccard)

    same, related, seen = [], set(), set()
    n_same = n_fresh = 0
    for a, b, rel, score in db.execute("select claim_id, other_id, relation, score from claim_relations order by 1, 2"):
        related.add(frozenset({a, b}))
        if rel != "same":
            continue
        n_same += 1
        texts = frozenset({wording(text_of[a]), wording(text_of[b])})
        if usable(a, b) and texts not in seen:  # one pair of each wording
            seen.add(texts)
            same.append((a, b, rel, score))
        n_fresh += jaccard(text_of[a], text_of[b]) < args.max_jaccard
    print(f"{n_same} `same` pairs, {n_fresh} of them below Jaccard {args.max_jaccard};"
          f" {len(same)} never judged, one of each wording")
    rng = random.Random(args.seed)
    chosen = rng.sample(same, min(args.same, len(same)))
    chosen += [r for r in decoys(db, claims, lambda a, b: usable(a, b), rng, 40 * args.decoys, related)
               if r[3] >= args.decoy_score and jaccard(text_of[r[0]], text_of[r[1]]) >= args.decoy_jaccard][:args.decoys]
    rng.shuffle(chosen)
    write_pairs(args.out, args.key, args.articles, ["predicted", "score", "jaccard"],
                [(claims[a], claims[b], [rel, score, round(jaccard(text_of[a], text_of[b]), 3)])
                 for a, b, rel, score in chosen])
    print(f"wrote {len(chosen)} pairs ({sum(r[2] == 'same' for r in chosen)} same) to {args.out}, the key to {args.key}")


if __name__ == "__main__":
    main()
