"""Draw a blind sample of contradiction candidates for an independent judge, from the rows of
``dev/contra_near_misses.py``: the contradictions the matcher predicts, its near misses (pairs
that differ in polarity or value on one subject, refused by a rule: see that script) and, so that
the judge cannot tell which is which, some pairs it calls the same claim and some it compared and
refused (decoys, word agreement at least 0.35).

The pairs of articles are split in two halves by a hash of their names (``--half 0`` or ``1``):
rules are written on the judged sample of one half, and checked on a sample of the other,
drawn after (without ``--half``: both halves). Pairs judged before (``tests/fixtures/matching-precision/pairs.tsv``, the gold
pairs) are left out, and each wording is drawn once. The sample is shuffled and written without
what the matcher said (``--out``: the columns of ``dev/match_sample.py``); the key, with the
matcher's relation, the near miss's kind and the rule that refused it, goes to ``--key``.

    python dev/contra_sample.py /tmp/w16/near.tsv ../shared/eval/polnear --half 0 --seed 1706 \\
        --out ../notes/w16p-6.tsv --key /tmp/w16/w16p-6.key.tsv
"""

import argparse
import csv
import random
import zlib
from collections import defaultdict
from pathlib import Path

from match_sample import judged_or_gold, write_pairs


def half(article_a: str, article_b: str) -> int:
    """Which half a pair of articles is in (stable across runs)."""
    return zlib.crc32("\t".join(sorted((article_a, article_b))).encode()) % 2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("rows", type=Path, help="the output of dev/contra_near_misses.py")
    p.add_argument("articles", type=Path)
    p.add_argument("--half", type=int, choices=(0, 1), help="one half of the article pairs (default: both)")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--near", type=int, default=28, help="near misses (word agreement at least --min-score)")
    p.add_argument("--min-score", type=float, default=0.4)
    p.add_argument("--contradicts", type=int, default=12, help="predicted contradictions, at most")
    p.add_argument("--same", type=int, default=8)
    p.add_argument("--decoys", type=int, default=6)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--key", type=Path, required=True)
    args = p.parse_args()
    before = judged_or_gold()
    pools: dict[str, list[dict]] = defaultdict(list)
    seen = set()
    with args.rows.open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            texts = frozenset({r["text_a"], r["text_b"]})
            pair = frozenset({(r["article_a"], int(r["start_a"])), (r["article_b"], int(r["start_b"]))})
            if args.half is not None and half(r["article_a"], r["article_b"]) != args.half or pair in before or texts in seen:
                continue
            seen.add(texts)
            if r["predicted"] == "contradicts":
                pools["contradicts"].append(r)
            elif r["predicted"] == "same":
                pools["same"].append(r)
            elif r["reason"] == "refused":
                if float(r["score"]) >= 0.35:
                    pools["decoy"].append(r)
            elif float(r["score"]) >= args.min_score:
                pools[r["kind"]].append(r)
    rng = random.Random(args.seed)
    print({k: len(v) for k, v in pools.items()})
    chosen = rng.sample(pools["contradicts"], min(args.contradicts, len(pools["contradicts"])))
    chosen += rng.sample(pools["same"], min(args.same, len(pools["same"])))
    chosen += rng.sample(pools["decoy"], min(args.decoys, len(pools["decoy"])))
    near = [r for k in ("denial", "negation", "figure", "date") for r in pools[k]]
    # each kind in proportion to the square root of its size: the small ones are seen too
    weights = {k: len(pools[k]) ** 0.5 for k in ("denial", "negation", "figure", "date")}
    total = sum(weights.values())
    for k, weight in weights.items():
        n = round(args.near * weight / total)
        chosen += rng.sample(pools[k], min(n, len(pools[k])))
    print(f"{len(near)} near misses; drew {len(chosen)} pairs")
    rng.shuffle(chosen)
    write_pairs(args.out, args.key, args.articles, ["predicted", "kind", "reason", "score"],
                [((r["article_a"], int(r["start_a"]), int(r["end_a"])),
                  (r["article_b"], int(r["start_b"]), int(r["end_b"])),
                  [r["predicted"], r["kind"], r["reason"], r["score"]]) for r in chosen])
    print(f"wrote {len(chosen)} pairs to {args.out}, the key to {args.key}")


if __name__ == "__main__":
    main()
