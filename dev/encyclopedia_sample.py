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
"""

import argparse
import random
from pathlib import Path

from news_sample import claims, prose


def title_end(text: str) -> int:
    """The offset where a text's first non-empty line (its title) ends."""
    start = len(text) - len(text.lstrip("\n"))
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def eligible(row: dict, text: str) -> bool:
    """A prose claim, not on the text's title line."""
    return row["start"] >= title_end(text) and prose(row, text)


def main() -> None:
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
        with open(f"{a.prefix}-{n}.tsv", "w", encoding="utf-8") as f:
            f.write("id\tsentence\tcontext\n")
            f.writelines("\t".join(x.replace("\t", " ") for x in r) + "\n" for r in rows)
        print(f"{a.prefix}-{n}.tsv: {len(rows)} claims of {len(part)} texts ({part[0]} … {part[-1]})")


if __name__ == "__main__":
    main()
