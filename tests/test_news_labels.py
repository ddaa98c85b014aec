"""News claims labelled as offsets into articles (``annotator/news_labels.py``): the file, the
claims read in their articles as extract reads them, and the labels shipped in data/news-labels
(their articles are PolNeAR's, in ../shared: those tests skip when it is absent)."""

import csv
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from annotator import checkworthy_features, corpus, news_labels, pipeline

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "eval" / "polnear"
LABELS = ROOT / "data" / "news-labels"

ARTICLE = ("Council approves the budget\n\n"
           "The council approved a budget of $4 million on Tuesday, officials said. "
           "The mayor said the plan was a disgrace.\n\n"
           "Critics called it reckless. Spending rose by a third in 2019.\n")


def write_labels(path: Path, rows: list[tuple]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(news_labels.COLUMNS)
        w.writerows(rows)
    return path


def extracted(nlp, path: Path) -> list[dict]:
    """The claim rows ``annotator extract`` makes of an article."""
    document = corpus.read_document(path, path.name)
    return next(iter(pipeline.process(nlp, [document]))).claims


def test_a_labels_file_with_other_columns_or_classes_is_refused(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tlabel\tnote\na:1-2\tcfs\t\n")
    with pytest.raises(ValueError, match="columns"):
        news_labels.read_labels(bad)
    with pytest.raises(ValueError, match="not a check-worthiness class: maybe"):
        news_labels.read_labels(write_labels(tmp_path / "c.tsv", [("a", 0, 5, "maybe", "s")]))


def test_a_labelled_claim_is_read_as_the_pipeline_reads_it_in_its_article(nlp, tmp_path):
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    rows = extracted(nlp, tmp_path / "story.txt")
    said = next(r for r in rows if r["text"].startswith("The mayor said"))
    spending = next(r for r in rows if r["text"].startswith("Spending"))
    labels = [news_labels.Label("story", r["start"], r["end"], "nfs", "s") for r in (said, spending)]
    # offsets that are no claim of the pipeline, across two paragraphs: read where most of them are
    across = news_labels.Label("story", said["start"], spending["start"] + 10, "nfs", "s")
    missing = news_labels.Label("no-such-article", 0, 10, "cfs", "s")
    got = news_labels.claim_features(nlp, tmp_path, [*labels, across, missing])
    assert got[3] is None
    # the claim in its paragraph, parsed as extract parses it: the mayor is its source
    paragraph = nlp(ARTICLE.split("\n\n")[1])
    claims = {c.text: c for c in paragraph.spans["annotator_claims"]}
    mayor = claims["The mayor said the plan was a disgrace."]
    assert mayor._.annotator_source is not None
    assert np.array_equal(got[0], checkworthy_features.claim_features([mayor])[0])
    assert np.array_equal(got[2], got[0])  # most of it is the mayor's sentence
    assert not np.array_equal(got[1], got[0])


def test_news_examples_are_left_out_with_a_message_when_the_articles_are_absent(nlp, tmp_path):
    labels = write_labels(tmp_path / "l.tsv", [("story", 0, 10, "cfs", "s")])
    said: list[str] = []
    assert news_labels.examples(nlp, tmp_path / "absent", [labels], 3.0, said.append) == []
    assert "is not there" in said[0] and "left out" in said[0]


def test_news_examples_carry_their_text_label_set_weight_and_features(nlp, tmp_path):
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    row = next(r for r in extracted(nlp, tmp_path / "story.txt") if r["text"].startswith("Critics"))
    labels = write_labels(tmp_path / "l.tsv", [("story", row["start"], row["end"], "nfs", "news-a")])
    (example,) = news_labels.examples(nlp, tmp_path, [labels], 2.0)
    assert (example.text, example.label, example.group, example.weight) == (row["text"], "nfs", "news-a", 2.0)
    assert example.features is not None and len(example.features)


def test_the_shipped_labels_point_into_polnear_and_no_article_is_both_trained_and_tested_on():
    """Offsets only in the repository; training articles from PolNeAR train, test ones from dev
    (news-blind-2 and news-blind-3, drawn when dev's were nearly all used, also from train articles
    no training set uses), never an article in both, nor in two test sets, nor two labelled claims
    overlapping in one article (news-train-17 … 20 label other claims of articles that earlier sets
    label); the second judge's labels are news-test-1's claims."""
    train = news_labels.read_labels(LABELS / "train.tsv")
    test = news_labels.read_labels(LABELS / "test.tsv")
    judge2 = news_labels.read_labels(LABELS / "test-judge-2.tsv")
    assert len(train) == 3000 and len(test) == 500
    assert {lab.set for lab in train} == {f"news-train-{k}" for k in range(1, 21)}
    assert {lab.set for lab in test} == {"news-test-1", "news-blind-1", "news-blind-2", "news-blind-3"}
    assert not {lab.article for lab in train} & {lab.article for lab in test}
    by_set: dict[str, set[str]] = {}
    for lab in test:
        by_set.setdefault(lab.set, set()).add(lab.article)
    assert sum(map(len, by_set.values())) == len(set().union(*by_set.values()))
    spans: dict[str, list[tuple[int, int]]] = {}
    for lab in train + test:
        spans.setdefault(lab.article, []).append((lab.start, lab.end))
    for article, some in spans.items():
        some.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(some)), article
    assert ({(lab.article, lab.start, lab.end) for lab in judge2}
            == {(lab.article, lab.start, lab.end) for lab in test if lab.set == "news-test-1"})
    if not POLNEAR.is_dir():
        pytest.skip(f"PolNeAR is not in {POLNEAR}")
    for lab in train + test:
        splits = ("train",) if lab in train else ("dev", "train") if lab.set in ("news-blind-2", "news-blind-3") else ("dev",)
        path = next((POLNEAR / split / f"{lab.article}.txt" for split in splits
                     if (POLNEAR / split / f"{lab.article}.txt").is_file()), None)
        assert path is not None, lab
        assert 0 <= lab.start < lab.end <= len(path.read_text(encoding="utf-8")), lab
