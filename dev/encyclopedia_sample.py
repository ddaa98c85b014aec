"""Draw encyclopedia claims for blind check-worthiness labelling (development aid; how
data/encyclopedia-labels was drawn).

    annotator extract data/encyclopedia-labels/texts --db /tmp/enc.db
    annotator export --db /tmp/enc.db --format jsonl -o /tmp/enc.jsonl
    python dev/encyclopedia_sample.py /tmp/enc.jsonl data/encyclopedia-labels/texts OUT-PREFIX --split 15

writes OUT-PREFIX-1.tsv (the texts sorted by name up to ``--split``, e01 … e15) and OUT-PREFIX-2.tsv (the
others), in the format of dev/news_sample.py (``id	sentence	context``): **every** prose claim of a text
(news_sample's rules, but that a text's title line, its first non-empty line, is skipped instead of
its first paragraph: a Wikipedia lead's first paragraph is prose), in an order shuffled with a fixed
seed. The split is by text, so that a set left out of training leaves its texts out. No label or
score of the system is written.

    python dev/encyclopedia_sample.py --gold JUDGED.tsv data/encyclopedia-labels/texts OUT.jsonl

turns the labels that come back (``id	label	note``) into a gold file the training reads (one claim
a line: ``doc``, ``start``, ``end``, ``text`` as in the text at those offsets, ``checkworthy``), in
the order of the texts.
"""

import argparse
import json
import random
import sys
from pathlib import Path

from news_sample import claims, prose, write_tsv


def title_end(text: str) -> int:
    """The offset where a text's first non-empty line (its title) ends."""
    start = len(text) - len(text.lstrip("\n"))
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def eligible(row: dict, text: str) -> bool:
    """A prose claim, not on the text's title line."""
    return row["start"] >= title_end(text) and prose(row, text)


def gold(judged: Path, texts: Path, out: Path) -> None:
    """The labels of ``judged`` (``id	label	note``) as gold claims, their words read from ``texts``."""
    claims = []
    for line in judged.read_text(encoding="utf-8").splitlines()[1:]:
        cid, label = line.split("\t")[:2]
        stem, span = cid.rsplit(":", 1)
        start, end = map(int, span.split("-"))
        if label not in ("cfs", "ufs", "nfs"):
            raise SystemExit(f"{judged}: {cid}: label {label!r} is not cfs, ufs or nfs")
        text = (texts / f"{stem}.txt").read_text(encoding="utf-8")[start:end]
        claims.append({"doc": f"{stem}.txt", "start": start, "end": end, "text": text, "checkworthy": label})
    claims.sort(key=lambda c: (c["doc"], c["start"]))
    with open(out, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(c, ensure_ascii=False) + "\n" for c in claims)
    print(f"{out}: {len(claims)} claims")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--gold":
        return gold(*map(Path, sys.argv[2:]))
    ap = argparse.ArgumentParser()
    ap.add_argument("export", type=Path)
    ap.add_argument("texts", type=Path)
    ap.add_argument("prefix")
    ap.add_argument("--split", type=int, default=15, help="how many texts (sorted by name) the first file takes")
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    found = claims(a.export, a.texts, set(), rule=eligible)
    stems = sorted(found)
    for n, part in enumerate((stems[:a.split], stems[a.split:]), 1):
        rows = [r for s in part for r in found[s]]
        rng.shuffle(rows)
        write_tsv(f"{a.prefix}-{n}.tsv", rows)
        print(f"{a.prefix}-{n}.tsv: {len(rows)} claims of {len(part)} texts ({part[0]} … {part[-1]})")


if __name__ == "__main__":
    main()
