"""Draw news claims for blind check-worthiness labelling (development aid; how data/news-labels was drawn).

    annotator extract ../shared/eval/polnear/train --db /tmp/train.db   # (copy a sample of articles first)
    annotator export --db /tmp/train.db --format jsonl -o /tmp/train.jsonl
    python dev/news_sample.py /tmp/train.jsonl ../shared/eval/polnear/train OUT-PREFIX --files 4 --articles 50

writes OUT-PREFIX-1.tsv … (``id	sentence	context``; id = ``<article stem>:<start>-<end>``, context =
two sentences before and one after): prose claims only (not an article's first line, at least five
words, ending with sentence punctuation), three an article, the articles spread over outlets and
files, at random with a fixed seed. No label or score of the system is written. ``--avoid FILE``
leaves out the ids (first column) of an earlier file; ``--avoid-labels FILE`` (repeatable) the claims
that overlap, by character offsets in the same article, a claim of a labels file (data/news-labels:
offsets differ between pipeline versions, so an id does not find them). (It writes news-train-1 … 4 again from the
export of the same 210 articles; news-test-1 was drawn by the same rules in the same run, from PolNeAR
dev's articles but those of the blind set, 50 of them; news-blind-2 with ``--files 1 --articles 40 --seed
2018`` from 67 articles no earlier set used, copied into one folder given as ARTICLES; news-blind-3
with ``--files 1 --articles 50 --seed 2019`` from 70 train articles none of those used or drew from; news-train-5 … 8 with ``--files 4 --articles
50 --seed 2020`` from 240 train articles no labelled set used, the first 240 of their sorted stems
after ``random.Random(2020).shuffle``; news-train-9 … 12 with ``--files 4 --articles 50 --seed 2021``
from 240 train articles no labelled set used nor drew from, the first 240 of the 314 left after
``random.Random(2021).shuffle`` of their sorted stems; news-train-13 … 16 with ``--files 4 --articles 15
--per-article 10 --seed 2022`` from the 72 train articles left of which no set labels a claim: ten
claims an article, as too few articles were left for three; news-train-17 … 20 with ``--files 4
--articles 50 --seed 2023 --avoid-labels data/news-labels/train.tsv --avoid-labels
data/news-labels/test.tsv`` from 240 of the 754 train articles no test set uses, the first 240 of
their sorted stems after ``random.Random(2023).shuffle`` (main 87bca4f's extract): other claims of
articles that other sets label, none overlapping a labelled claim.) The labels that come back (``id	label	note``)
become rows of data/news-labels/*.tsv (article, start, end, label, set).
"""

import argparse
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

PER_ARTICLE = 3


def prose(row: dict, text: str) -> bool:
    """A sentence of prose: one line, at least five words, starting as a sentence and ending with its
    punctuation, its words at its offsets."""
    t = row["text"]
    return ("\n" not in t and len(t.split()) >= 5 and t[-1] in ".!?\"”’'"
            and (t[0].isupper() or t[0] in "\"“‘'") and text[row["start"]:row["end"]] == t)


def eligible(row: dict, text: str) -> bool:
    """A prose claim, not of an article's first paragraph (its headline)."""
    return row["paragraph_index"] >= 1 and prose(row, text)


def context(row: dict, sentences: list[tuple[int, int]], text: str) -> str:
    """The two sentences before the claim's, its own, and the one after, as one line."""
    k = next(i for i, (s, e) in enumerate(sentences) if s <= row["start"] < e)
    lo, hi = sentences[max(0, k - 2)][0], sentences[min(len(sentences) - 1, k + 1)][1]
    return re.sub(r"\s+", " ", text[lo:hi]).strip()


def labelled(paths: list[Path]) -> dict[str, list[tuple[int, int]]]:
    """The (start, end) of each claim of labels files (``article	start	end	…``, data/news-labels), by article."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            article, start, end = line.split("\t")[:3]
            out[article].append((int(start), int(end)))
    return out


def claims(export: Path, articles: Path, avoid: set[str],
           taken: dict[str, list[tuple[int, int]]] | None = None,
           rule: Callable[[dict, str], bool] = eligible) -> dict[str, list[tuple[str, str, str]]]:
    """Each article's claims that ``rule`` accepts as (id, sentence, context), but those of ``avoid``
    (ids) and those overlapping a span of ``taken`` in the same article."""
    taken = taken or {}
    by: dict[str, list[dict]] = defaultdict(list)
    for line in export.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by[Path(row["doc"]).stem].append(row)
    out = {}
    for stem, rows in sorted(by.items()):
        text = (articles / f"{stem}.txt").read_text(encoding="utf-8")
        sentences: dict[tuple[int, int], tuple[int, int]] = {}
        for r in rows:
            k = (r["paragraph_index"], r["sentence_index"])
            s, e = sentences.get(k, (r["start"], r["end"]))
            sentences[k] = (min(s, r["start"]), max(e, r["end"]))
        order = sorted(sentences.values())
        out[stem] = [(f"{stem}:{r['start']}-{r['end']}", r["text"], context(r, order, text))
                     for r in sorted(rows, key=lambda r: r["start"])
                     if rule(r, text) and f"{stem}:{r['start']}-{r['end']}" not in avoid
                     and not any(r["start"] < e and s < r["end"] for s, e in taken.get(stem, ()))]
    return out


def write_tsv(path: str, rows: list[tuple[str, str, str]]) -> None:
    """The rows to judge (``id	sentence	context``), tabs inside a field made spaces."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("id\tsentence\tcontext\n")
        f.writelines("\t".join(x.replace("\t", " ") for x in r) + "\n" for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("export", type=Path)
    ap.add_argument("articles", type=Path)
    ap.add_argument("prefix")
    ap.add_argument("--files", type=int, default=1)
    ap.add_argument("--articles-per-file", "--articles", dest="per_file", type=int, default=50)
    ap.add_argument("--avoid", type=Path)
    ap.add_argument("--avoid-labels", type=Path, action="append", default=[],
                    help="a labels file (data/news-labels/*.tsv): leave out claims overlapping its claims")
    ap.add_argument("--seed", type=int, default=1818)
    ap.add_argument("--per-article", type=int, default=PER_ARTICLE)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    avoid = {line.split("\t")[0] for line in a.avoid.read_text(encoding="utf-8").splitlines()} if a.avoid else set()
    found = claims(a.export, a.articles, avoid, labelled(a.avoid_labels))
    stems = sorted(s for s, c in found.items() if len(c) >= a.per_article)
    rng.shuffle(stems)
    stems = sorted(stems[:a.files * a.per_file], key=lambda s: s.split("_")[0])  # by outlet, dealt round
    files: list[list[tuple[str, str, str]]] = [[] for _ in range(a.files)]
    for i, s in enumerate(stems):
        files[i % a.files] += rng.sample(found[s], a.per_article)
    for n, rows in enumerate(files, 1):
        rng.shuffle(rows)
        write_tsv(f"{a.prefix}-{n}.tsv", rows)
        print(f"{a.prefix}-{n}.tsv: {len(rows)} claims")


if __name__ == "__main__":
    main()
