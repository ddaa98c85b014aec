"""``annotator train checkworthy``: the command, its report and its file (a tiny run, not the
model's quality)."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from annotator import checkworthy, checkworthy_features, train
from annotator.claims import SPANS_KEY
from annotator.cli import cli

SENTENCES = [
    ("Unemployment rose to 7.2 percent in March.", "cfs"),
    ("The company paid $3 million in fines in 2019.", "cfs"),
    ("Germany joined the alliance in 1955.", "cfs"),
    ("Police said 14 people were killed in the blast.", "cfs"),
    ("The senator accused the governor of taking bribes in 2017.", "cfs"),
    ("Exports fell by a third last year.", "cfs"),
    ("The committee met on Tuesday.", "ufs"),
    ("The ministry is based in the capital.", "ufs"),
    ("John Smith is the head of the school's music department.", "ufs"),
    ("The festival is known as the Feast of Lights.", "ufs"),
    ("My father was a teacher.", "ufs"),
    ("I was in the room when they met.", "ufs"),
    ("I think that is a terrible idea.", "nfs"),
    ("We believe this is the right plan for the country.", "nfs"),
    ("The government should resign.", "nfs"),
    ("It is a shameful decision.", "nfs"),
    ("Thank you very much.", "nfs"),
    ("That is not what the people want.", "nfs"),
]


def write_sentences(path, rows):
    path.write_text("".join(json.dumps({"text": t, "checkworthy": c}) + "\n" for t, c in rows))
    return path


@pytest.mark.slow
def test_train_writes_a_model_that_the_pipeline_loads(tmp_path, monkeypatch):
    """A tiny training run: the command, its report and its file, not the model's quality."""
    data = tmp_path / "cb"
    data.mkdir()
    write_sentences(data / "train.jsonl", SENTENCES * 3)
    (tmp_path / "set").mkdir()
    gold = tmp_path / "set" / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "a.txt", "start": 0, "end": 28, "text": "Exports rose 4% in April.",
                                "checkworthy": "cfs"}) + "\n")
    # news claims labelled as offsets into an article: one set trained on, one only measured
    articles = tmp_path / "articles"
    articles.mkdir()
    story = "Exports rose 4% in April. The minister said the plan was a disgrace.\n"
    (articles / "story.txt").write_text(story)
    news, test = tmp_path / "news.tsv", tmp_path / "test.tsv"
    header = "article\tstart\tend\tlabel\tset\n"
    news.write_text(header + "story\t0\t25\tcfs\tnews-a\nstory\t26\t68\tnfs\tnews-a\n")
    test.write_text(header + "story\t0\t25\tcfs\tnews-t\nstory\t26\t68\tnfs\tnews-t\n")
    model = tmp_path / "model.npz"
    heldout = tmp_path / "heldout.jsonl"
    result = CliRunner().invoke(cli, ["train", "checkworthy", "--data", str(data), "--gold", str(gold),
                                      "-o", str(model), "--heldout", str(heldout), "--news", str(news),
                                      "--news-test", str(test), "--articles", str(articles)],
                                catch_exceptions=False)
    assert "TF-IDF + linear SVM (baseline)" in result.output
    assert "gold sets, each scored by a model trained without it" in result.output
    assert "news-a (" in result.output and "the news labels, pooled" in result.output
    assert "labelled claims measured only, never trained on" in result.output
    assert "news-t (" in result.output
    assert "calibration of the cfs score" in result.output
    assert len(heldout.read_text().splitlines()) == round(len(SENTENCES) * 3 * 0.2)
    trained = checkworthy.read_model(model)
    assert trained.meta["trained_on"] == {"claimbuster": 43, "set": 1, "news-a": 2}
    # without the articles, the labelled news claims are left out, and the run says so
    result = CliRunner().invoke(cli, ["train", "checkworthy", "--data", str(data), "--gold", str(gold),
                                      "-o", str(model), "--heldout", str(heldout), "--news", str(news),
                                      "--news-test", str(test), "--articles", str(tmp_path / "absent")],
                                catch_exceptions=False)
    assert "the 2 news claims labelled in" in result.output and "are left out" in result.output
    assert checkworthy.read_model(model).meta["trained_on"] == {"claimbuster": 43, "set": 1}

    import spacy

    from annotator.pipeline import resolve_model

    nlp = spacy.load(resolve_model())
    nlp.add_pipe("annotator_claims")
    nlp.add_pipe("annotator_checkworthy", config={"model": str(model)})
    doc = nlp("Exports rose 4% in April.")
    got = next(iter(doc.spans[SPANS_KEY]))
    assert got._.annotator_checkworthy in checkworthy.CLASSES
    assert 0 <= got._.annotator_checkworthy_score <= 1
    # claims that only tune the prose biases and calibration are not trained on, and are reported
    result = CliRunner().invoke(cli, ["train", "checkworthy", "--data", str(data), "--gold", str(gold),
                                      "-o", str(model), "--heldout", str(heldout), "--news-tune", str(news),
                                      "--news-test", str(test), "--articles", str(articles)],
                                catch_exceptions=False)
    assert "then the news sets that tune them" in result.output and "news-a (" in result.output
    tuned = checkworthy.read_model(model)
    assert tuned.meta["trained_on"] == {"claimbuster": 43, "set": 1}
    assert tuned.meta["prose_tuned_on"] == {"news-a": 2}
    assert tuned.meta["text_news_weight"] == train.TEXT_NEWS_WEIGHT > 0  # ... and train its character model


def test_news_claims_given_to_the_character_model_train_it_alone():
    """``text_extra`` (news claims that tune the prose biases) changes the character n-gram model's
    weights and leaves the words-and-parse model's as they were."""
    rng = np.random.default_rng(0)
    labels = ["cfs", "ufs", "nfs"] * 10

    def ids():  # word features, content features, character n-grams, as checkworthy_features lays them out
        n = checkworthy_features.N_FEATURES
        return np.concatenate([rng.integers(0, n, 20), n + rng.integers(0, n, 20), 2 * n + rng.integers(0, 2**18, 40)])

    features = [ids() for _ in labels]
    prose = [k % 2 == 0 for k in range(len(labels))]
    extra = [(ids(), lab, 1.0) for lab in labels]
    plain = train.fit(features, labels, [1.0] * len(labels), prose, text_weight=0.7)
    more = train.fit(features, labels, [1.0] * len(labels), prose, text_weight=0.7, text_extra=extra)
    assert np.array_equal(plain.coef, more.coef) and np.array_equal(plain.intercept, more.intercept)
    assert not np.array_equal(plain.text_coef, more.text_coef)


def test_the_default_training_data_includes_the_encyclopedia_sets_split_by_text(tmp_path, monkeypatch):
    """Without --gold, training reads data/encyclopedia-labels/enc-1.jsonl and enc-2.jsonl as gold
    sets of their own; their claims are the words of their texts at their offsets, and the two sets
    share no text (so that leaving one out leaves its texts out)."""
    from pathlib import Path

    from annotator.cli.common import training_data

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    write_sentences(tmp_path / "train.jsonl", SENTENCES)
    claimbuster, gold = training_data(str(tmp_path), ())
    sets = [Path("data/encyclopedia-labels") / f"enc-{n}.jsonl" for n in (1, 2)]
    assert all(s in gold for s in sets) and Path("tests/fixtures/extra-eval-5/gold.jsonl") in gold
    examples = train.load_examples(claimbuster, sets, 3.0)
    docs = {}
    for s in sets:
        claims = [json.loads(line) for line in s.read_text(encoding="utf-8").splitlines()]
        assert len([e for e in examples if e.group == s.stem and e.weight == 3.0]) == len(claims) > 100
        for c in claims:
            text = (root / "data/encyclopedia-labels/texts" / c["doc"]).read_text(encoding="utf-8")
            assert text[c["start"]:c["end"]] == c["text"]
        docs[s.stem] = {c["doc"] for c in claims}
    assert docs["enc-1"] and docs["enc-2"] and not docs["enc-1"] & docs["enc-2"]
