"""Score labelled news claims with a check-worthiness model's weights (development aid; how the
news-train sets were first measured, by the weights shipped before they were trained on).

    python dev/news_score.py data/news-labels/train.tsv --sets news-train-17,news-train-18 [--model W.npz]

reads each claim in its article as ``annotator train checkworthy`` reads it
(``news_labels.claim_features``) and prints, by set and pooled, macro-F1, the average precision
of ``cfs`` ranked by the score, and each class's F1, decided as extract decides
(``train.scores_of``). Default weights: the shipped ones; articles: ``../shared/eval/polnear``.
"""

import argparse
from pathlib import Path

from annotator import checkworthy, news_labels, pipeline, train


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("labels", type=Path)
    ap.add_argument("--sets", help="comma-separated set names (default: all of the file's)")
    ap.add_argument("--model", help="weights (.npz; default: the shipped ones)")
    ap.add_argument("--articles", type=Path, default=Path("../shared/eval/polnear"))
    a = ap.parse_args()
    wanted = set(a.sets.split(",")) if a.sets else None
    labels = [lab for lab in news_labels.read_labels(a.labels) if wanted is None or lab.set in wanted]
    features = news_labels.claim_features(pipeline.build_nlp(), a.articles, labels)
    read = [(lab, f) for lab, f in zip(labels, features) if f is not None]
    model = checkworthy.load_model(a.model)
    print(f"{len(read)} of {len(labels)} claims read in their articles; weights {a.model or 'shipped'}")
    for name in sorted({lab.set for lab, _ in read}) + ["pooled"]:
        some = [(lab, f) for lab, f in read if name == "pooled" or lab.set == name]
        examples = [train.Example("", lab.label, lab.set, 1.0, f) for lab, f in some]
        r = train.scores_of(model, [f for _, f in some], examples)
        print(f"  {name:16} macro-F1 {r['macro_f1']:.3f}  cfs AP {r['cfs_average_precision']:.3f}  F1 cfs "
              f"{r['cfs']['f1']:.3f} ufs {r['ufs']['f1']:.3f} nfs {r['nfs']['f1']:.3f}  ({len(some)} claims)")


if __name__ == "__main__":
    main()
