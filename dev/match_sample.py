"""Draw a blind sample of the pairs the matcher predicts, for an independent judge.

Every PolNeAR train and dev article has been in the database of an earlier precision sample
(tests/fixtures/matching-precision/SOURCES.md: `w16-1`..`w16-3` the 84 dev articles and the
first 250 train articles of the seed-16 shuffle, `w16-4` the next 334, `w16-5` the 255 after),
so a fresh sample is drawn from a database of all of them (`annotator extract --match` over
train and dev), keeping only pairs whose two articles were never in one earlier database: no
earlier matcher compared them, and no rule was written looking at them. ``--between`` chooses
which: ``ab`` pairs an article of the first database with one of the second, ``ac`` and ``bc``
one of the third (or the one article left) with one of the first or the second; with
``--new-article-pairs``, no pair of articles that any judged pair came from (every population
has been sampled once: `w16p-5` drew from ``ac`` so). ``bb`` and
``cc`` are pairs within the second or third database: their matchers compared them, but only
the pairs their samples drew were judged or read. Pairs judged before are left out.

Each wording is drawn once: of the pairs with the same two texts, spaces aside (an editor's note
under many articles), the first only. (`w16p-1` and `w16p-2` were drawn telling a no-break space
from a space: five of `w16p-1`'s 20 `same` pairs are one pair of editor's notes.) The sample: ``--same`` pairs called `same`, ``--band`` more of those below near-verbatim, every contradiction (up to ``--contradicts``), and
decoys (pairs compared and refused, word agreement at least 0.35) up to ``--total``, shuffled
and written without the relation (``OUT``: id, the article's date, each claim and a sentence of
context either side) for a judge; what the matcher said, with the offsets, goes to ``--key``.

    python dev/match_sample.py /tmp/w16p/all.db ../shared/eval/polnear --between ab --seed 1701 \\
        --out ../notes/w16p-1.tsv --key /tmp/w16p/w16p-1.key.tsv
"""

import argparse
import csv
import json
import random
import re
import sqlite3
from collections import Counter
from pathlib import Path

from annotator import matching, same_claim
from annotator.store import relations

SHUFFLE_SEED = 16
PAIRS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "matching-precision" / "pairs.tsv"
GOLD = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "matching-gold" / "pairs.tsv"
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+|\n+")
DECOY_SCORE = 0.35


def earlier_database(folder: Path) -> dict[str, str]:
    """Which earlier sample's database held each article: a (w16-1..3), b (w16-4), c (w16-5, and
    the last article, in none)."""
    names = sorted(p.name for p in (folder / "train").glob("*.txt"))
    random.Random(SHUFFLE_SEED).shuffle(names)
    held = {f"dev/{p.name}": "a" for p in (folder / "dev").glob("*.txt")}
    for i, name in enumerate(names):
        held[f"train/{name}"] = "a" if i < 250 else "b" if i < 584 else "c"
    return held


def judged_before() -> tuple[set[frozenset], set[frozenset]]:
    """The pairs of claims judged before, and the pairs of articles they came from."""
    with PAIRS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return ({frozenset({(r["article_a"], int(r["start_a"])), (r["article_b"], int(r["start_b"]))}) for r in rows},
            {frozenset({r["article_a"], r["article_b"]}) for r in rows})


def judged_or_gold() -> set[frozenset]:
    """The pairs of claims judged before (:func:`judged_before`) and the gold's pairs."""
    before, _ = judged_before()
    with GOLD.open(encoding="utf-8") as f:
        before |= {frozenset({(r["article_a"], int(r["start_a"])), (r["article_b"], int(r["start_b"]))})
                   for r in csv.DictReader(f, delimiter="\t")}
    return before


def context(text: str, start: int, end: int) -> str:
    """The claim in [[ ]], with the sentence before it and the one after (or the rest of its own
    sentence, when the claim is a part of one)."""
    before = SENTENCE_END.split(text[:start])
    lead = before[-2:] if len(before) > 1 and before[-1].strip() else before[-2:-1] if len(before) > 1 else before
    after = SENTENCE_END.split(text[end:])
    tail = [x for x in after if x.strip()][:1]  # the rest of its sentence, or the next one
    parts = [x.strip() for x in lead] + [f"[[{text[start:end]}]]"] + [x.strip() for x in tail]
    return " ".join(x for x in parts if x).replace("\t", " ").replace("\n", " ")


def write_pairs(out: Path, key: Path, articles: Path, key_columns: list[str], pairs: list) -> None:
    """Write a blind sample (``out``: each pair's claims with their articles' dates and context,
    nothing of what the matcher said) and its key (``key``: ``key_columns`` of each pair, then
    where its claims are). ``pairs``: ((article, start, end), (article, start, end), key values)."""
    texts: dict[str, str] = {}

    def text(doc: str) -> str:
        if doc not in texts:
            texts[doc] = (articles / doc).read_text(encoding="utf-8")
        return texts[doc]

    with out.open("w", encoding="utf-8", newline="") as o, key.open("w", encoding="utf-8", newline="") as k:
        blind, keyed = csv.writer(o, delimiter="\t"), csv.writer(k, delimiter="\t")
        blind.writerow(["id", "date_a", "claim_a", "context_a", "date_b", "claim_b", "context_b"])
        keyed.writerow(["id", *key_columns, "article_a", "start_a", "end_a", "article_b", "start_b", "end_b"])
        for i, ((da, sa, ea), (dbb, sb, eb), values) in enumerate(pairs, 1):
            blind.writerow([i, da.split("_")[1], text(da)[sa:ea].replace("\n", " "), context(text(da), sa, ea),
                            dbb.split("_")[1], text(dbb)[sb:eb].replace("\n", " "), context(text(dbb), sb, eb)])
            keyed.writerow([i, *values, da, sa, ea, dbb, sb, eb])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("db")
    p.add_argument("articles", type=Path)
    p.add_argument("--between", required=True, type=lambda x: x.split(","),
                   help="ab, ac, bc, bb or cc, or several of them with commas (ac,bc)")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--same", type=int, default=20)
    p.add_argument("--contradicts", type=int, default=12)
    p.add_argument("--band", type=int, default=0,
                   help="this many more `same` pairs below near-verbatim (word agreement under 0.75)")
    p.add_argument("--total", type=int, default=40)
    p.add_argument("--new-article-pairs", action="store_true",
                   help="leave out every pair of articles that a pair judged before came from")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--key", type=Path, required=True)
    args = p.parse_args()
    held = earlier_database(args.articles)

    if not set(args.between) <= {"ab", "ac", "bc", "bb", "cc"}:
        p.error(f"--between: {','.join(args.between)}: each must be one of ab, ac, bc, bb, cc")

    def fresh(doc_a: str, doc_b: str) -> bool:
        groups = {held[doc_a], held[doc_b]}
        return any(groups == set(between) for between in args.between)

    db = sqlite3.connect(args.db)
    claims = {cid: (doc, start, end) for cid, doc, start, end in
              db.execute("select id, doc, start, end from claims where superseded = 0")}
    wording = dict(db.execute("select id, text from claims where superseded = 0"))
    before, articles_before = judged_before()

    def usable(a: str, b: str) -> bool:
        (da, sa, _), (dbb, sb, _) = claims[a], claims[b]
        if args.new_article_pairs and frozenset({da, dbb}) in articles_before:
            return False
        return fresh(da, dbb) and frozenset({(da, sa), (dbb, sb)}) not in before

    predicted, seen = [], set()
    for a, b, rel, score in db.execute("select claim_id, other_id, relation, score from claim_relations order by 1, 2"):
        texts = frozenset({" ".join(wording[a].split()), " ".join(wording[b].split())})
        if usable(a, b) and texts not in seen:  # one pair of each wording (an editor's note repeats)
            seen.add(texts)
            predicted.append((a, b, rel, score))
    rng = random.Random(args.seed)
    same = [r for r in predicted if r[2] == "same"]
    contra = [r for r in predicted if r[2] == "contradicts"]
    print(f"fresh predicted pairs ({','.join(args.between)}): {len(same)} same, {len(contra)} contradicts")
    chosen = rng.sample(same, min(args.same, len(same)))
    band = [r for r in same if r[3] < same_claim.WORDS_ENOUGH and r not in chosen]
    print(f"of which below near-verbatim: {sum(r[3] < same_claim.WORDS_ENOUGH for r in same)}")
    chosen += rng.sample(band, min(args.band, len(band))) + rng.sample(contra, min(args.contradicts, len(contra)))
    chosen += decoys(db, claims, usable, rng, args.total - len(chosen), {frozenset(r[:2]) for r in predicted})
    rng.shuffle(chosen)
    write_pairs(args.out, args.key, args.articles, ["predicted", "score"],
                [(claims[a], claims[b], [rel, score]) for a, b, rel, score in chosen])
    print(f"wrote {len(chosen)} pairs to {args.out}, the key to {args.key}")


def decoys(db: sqlite3.Connection, claims: dict, usable, rng: random.Random, n: int, related: set) -> list:
    """``n`` pairs of fresh claims the matcher compared and refused, word agreement at least
    :data:`DECOY_SCORE`, from documents taken at random."""
    if n <= 0:
        return []
    documents = [d for (d,) in db.execute("select distinct document_id from claim_match_keys order by 1")]
    rng.shuffle(documents)
    total = db.execute("select coalesce(max(id), 0) from claim_match_keys").fetchone()[0]
    found: list = []
    for document in documents:
        rows = db.execute("select claim_id, features from claim_match_keys where document_id = ?", [document])
        mine = {cid: matching.Features.from_json(json.loads(data)) for cid, data in rows}
        words = {k for f in mine.values() for k in f.keys()}  # noqa: SIM118 -- Features.keys()
        df = relations._document_frequencies(db, words)
        weight = matching.idf(df, total)
        for cid, cands in relations.candidates(
                db, mine, document, df, weight, Counter(k for f in mine.values() for k in f.keys())).items():  # noqa: SIM118 -- Features.keys()
            df.update(relations._document_frequencies(db, set().union(*(g.words for _o, g, _c in cands)) - df.keys()))
            for other, g, _canonical in cands:
                relation, score = matching.compare(mine[cid], g, weight)
                pair = frozenset({cid, other})
                if relation is None and score >= DECOY_SCORE and pair not in related and usable(cid, other):
                    found.append((min(pair), max(pair), "none", round(score, 4)))
                    related.add(pair)
        if len(found) >= 4 * n:
            break
    return rng.sample(found, min(n, len(found)))


if __name__ == "__main__":
    main()
