"""annotator learn: a new check-worthiness model from this database's reviews, used from then on."""

import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import cli
from annotator.learn import Reviewed, compare, held_out, refit, reviewed_labels
from annotator.store import learned

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run(*args, ok: bool = True):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def small_training_data(tmp_path) -> Path:
    """A ClaimBuster-shaped train.jsonl made of three fixture gold sets (a real run uses
    ClaimBuster's 8,231 sentences; this keeps the test to seconds)."""
    folder = tmp_path / "claimbuster"
    folder.mkdir()
    with open(folder / "train.jsonl", "w", encoding="utf-8") as out:
        for name in ("extra-eval-2", "extra-eval-3", "extra-eval-4"):
            for line in (FIXTURES / name / "gold.jsonl").read_text(encoding="utf-8").splitlines():
                g = json.loads(line)
                out.write(json.dumps({"text": g["text"], "checkworthy": g["checkworthy"]}) + "\n")
    return folder


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch) -> Path:
    """Parsed training features go to this test's cache folder, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def review_some(db_path: Path) -> None:
    """40 reviews by one reviewer: not_a_claim, a corrected check-worthiness, or a verdict."""
    db = store.connect(db_path)
    claims = db.execute("select id, checkworthy from claims where superseded = 0 order by id").fetchall()
    for i, (claim_id, machine) in enumerate(claims[:40]):
        if i % 4 == 0:
            store.add_review(db, claim_id, "maria", "not_a_claim")
        elif i % 4 == 1:
            store.add_review(db, claim_id, "maria", "true",
                             checkworthy="ufs" if machine != "ufs" else "nfs")
        else:
            store.add_review(db, claim_id, "maria", "false")
    db.close()


def scores(db_path: Path) -> dict:
    conn = sqlite3.connect(db_path)
    out = dict(conn.execute("select id, checkworthy || ' ' || checkworthy_score from claims").fetchall())
    conn.close()
    return out


@pytest.mark.slow
def test_a_model_worse_on_texts_nobody_reviewed_is_kept_but_not_used(db_copy, small_training_data):
    """Trained on a tiny data set, the new model is far worse than the shipped one on the held-out
    sentences: learn stores it, says so, and changes nothing the database scores with."""
    review_some(db_copy)
    before = scores(db_copy)
    result = run("learn", "--db", db_copy, "--data", small_training_data,
                 "--gold", FIXTURES / "extra-eval" / "gold.jsonl", ok=False)
    assert result.exit_code == 1
    assert "checkworthy-learned-1 is worse than shipped beyond noise" in result.output
    assert "annotator learn --force" in result.output
    assert (db_copy.parent / "claims.models" / "checkworthy-learned-1.npz").is_file()
    conn = sqlite3.connect(db_copy)
    figures = json.loads(conn.execute("select figures from learned_models").fetchone()[0])
    conn.close()
    assert figures["active"] is False and figures["claimbuster"]["worse"]
    assert figures["claimbuster"]["macro_f1"]["high"] < 0
    assert scores(db_copy) == before  # nothing re-scored
    db = store.connect(db_copy)
    assert learned.current(db, db_copy, 2) is None  # extract goes on with the shipped model
    db.close()


@pytest.mark.slow
def test_learn_stores_a_model_that_rescoring_and_the_next_extract_use(db_copy, tmp_path, own_cache,
                                                                      small_training_data, monkeypatch):
    review_some(db_copy)
    db = store.connect(db_copy)
    labels = reviewed_labels(db)
    assert len(labels) == 40 and {r.label for r in labels[:8:4]} == {"nfs"}
    out, by = held_out(labels)
    assert by == "documents" and 0 < sum(out) < 40
    db.close()
    before = scores(db_copy)

    result = run("learn", "--db", db_copy, "--data", small_training_data, "--force",
                 "--gold", FIXTURES / "extra-eval" / "gold.jsonl")
    assert "held-out reviews" in result.output and "before (shipped)" in result.output
    assert "after (checkworthy-learned-1)" in result.output and "in use" in result.output
    model = db_copy.parent / "claims.models" / "checkworthy-learned-1.npz"
    assert model.is_file()
    conn = sqlite3.connect(db_copy)
    row = conn.execute("select name, path, figures from learned_models").fetchone()
    assert row[:2] == ("checkworthy-learned-1", "claims.models/checkworthy-learned-1.npz")
    figures = json.loads(row[2])
    assert figures["active"] is True and figures["held_out_by"] == "documents"
    assert figures["reviews"]["after"]["sentences"] == figures["held_out_reviews"] > 0
    conn.close()
    after = scores(db_copy)
    reviewed = {r.claim_id for r in labels}
    assert {c: v for c, v in after.items() if c not in reviewed} != \
        {c: v for c, v in before.items() if c not in reviewed}  # re-scored without extracting again
    # a reviewed claim keeps the class its reviewer saw (and let stand, or corrected)
    assert {c: after[c] for c in reviewed} == {c: before[c] for c in reviewed}
    db = store.connect(db_copy)
    assert [(r.claim_id, r.label) for r in reviewed_labels(db)] == [(r.claim_id, r.label) for r in labels]
    db.close()

    # the genre gate, class biases and calibration are the shipped model's
    from annotator import checkworthy

    shipped, learned_model = checkworthy.load_model(), checkworthy.read_model(model)
    assert (learned_model.genre_coef == shipped.genre_coef).all()
    assert (learned_model.prose_bias == shipped.prose_bias).all()
    assert learned_model.calibration == shipped.calibration
    assert not (learned_model.coef == shipped.coef).all()

    # eval --reviews says which model scored the claims
    evaluated = json.loads(run("eval", "--reviews", "--db", db_copy, "--json").output)
    assert evaluated["(all)"]["checkworthy_model"] == "checkworthy-learned-1"

    # the next extract scores each claim once, with the learned model in its pipeline
    scored: list[int] = []
    classify = checkworthy.Model.classify

    def counting(self, spans):
        scored.append(len(spans))
        return classify(self, spans)

    monkeypatch.setattr(checkworthy.Model, "classify", counting)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "new.txt").write_text(
        "The minister said unemployment fell to 4.1 per cent in March. We will see.\n",
        encoding="utf-8")
    run("extract", corpus, "--db", db_copy)
    monkeypatch.undo()
    conn = sqlite3.connect(db_copy)
    config = json.loads(conn.execute("select config from runs order by started desc limit 1").fetchone()[0])
    assert config["checkworthy_model"] == "checkworthy-learned-1"
    new = conn.execute("select text, checkworthy, checkworthy_score from claims where doc = 'new.txt'"
                       " and superseded = 0 order by start").fetchall()
    conn.close()
    assert sum(scored) == len(new) == 2

    from annotator import corpus as reading
    from annotator import pipeline

    document = reading.read_document(corpus / "new.txt", "new.txt")
    with_learned = pipeline.build_nlp(None, str(model))
    expected = next(pipeline.process(with_learned, [document])).claims
    assert [(c, s) for _, c, s in new] == [(r["checkworthy"], r["checkworthy_score"]) for r in expected]
    shipped_rows = next(pipeline.process(pipeline.build_nlp(), [document])).claims
    assert [r["checkworthy_score"] for r in shipped_rows] != [s for _, _, s in new]


@pytest.mark.slow
def test_worker_processes_score_with_the_learned_model(tmp_path, small_training_data, nlp):
    """A worker builds its pipeline with the learned weights (the engines' parse_chunk)."""
    from annotator import checkworthy, checkworthy_features, corpus, engines, pipeline, train

    examples = train.load_examples(small_training_data / "train.jsonl", [], 1.0)
    features = [checkworthy_features.feature_ids(s)
                for s in checkworthy.sentence_spans(nlp, [e.text for e in examples])]
    shipped = checkworthy.load_model()
    model = refit(shipped, features, [e.label for e in examples], [1.0] * len(examples),
                  [True] * len(examples))
    path = tmp_path / "learned.npz"
    model.save(path)
    text = tmp_path / "a.txt"
    text.write_text("The minister said unemployment fell to 4.1 per cent in March.\n", encoding="utf-8")
    document = corpus.read_document(text, "a.txt")
    name = pipeline.resolve_model()
    got = engines.parse_chunk(name, 16, [document], str(path))[0].claims
    learned_rows = next(pipeline.process(pipeline.build_nlp(None, str(path)), [document])).claims
    shipped_rows = engines.parse_chunk(name, 16, [document])[0].claims
    assert [r["checkworthy_score"] for r in got] == [r["checkworthy_score"] for r in learned_rows]
    assert [r["checkworthy_score"] for r in got] != [r["checkworthy_score"] for r in shipped_rows]


def test_training_features_are_parsed_once_and_cached(nlp, own_cache, monkeypatch):
    from annotator import learn, train

    examples = [train.Example("Unemployment fell to 4.1 per cent in March.", "cfs", "claimbuster"),
                train.Example("Thank you very much.", "nfs", "claimbuster")]
    first = learn.training_features(nlp, examples, echo=lambda _: None)
    assert list(own_cache.rglob("*.npz"))

    def parse(*_):
        raise AssertionError("parsed again")

    monkeypatch.setattr(learn, "_parse", parse)
    said: list[str] = []
    again = learn.training_features(nlp, examples, echo=said.append)
    assert "read from" in said[0]
    assert [a.tolist() for a in again] == [a.tolist() for a in first]
    with pytest.raises(AssertionError, match="parsed again"):  # other texts: another cache entry
        learn.training_features(nlp, examples[:1], echo=said.append)


def test_compare_tells_noise_from_a_real_loss():
    rng = np.random.default_rng(0)
    gold = list(rng.choice(["cfs", "ufs", "nfs"], 400, p=[0.3, 0.1, 0.6]))
    good = [g if rng.random() < 0.85 else "nfs" for g in gold]
    scores = np.array([0.9 if g == "cfs" else 0.1 for g in good])
    same = compare(gold, (good, scores), (list(good), scores.copy()), resamples=200)
    assert same["macro_f1"]["difference"] == 0 and not same["worse"]
    # one changed answer is noise
    nudged = list(good)
    nudged[0] = "ufs" if nudged[0] != "ufs" else "nfs"
    assert not compare(gold, (good, scores), (nudged, scores), resamples=200)["worse"]
    # everything nfs is a real loss
    flat = compare(gold, (good, scores), (["nfs"] * len(gold), np.full(len(gold), 0.5)), resamples=200)
    assert flat["worse"] and flat["macro_f1"]["high"] < 0


@pytest.mark.parametrize(("docs", "by"), [(["a", "b", "c", "d", "e", "f", "g", "h"], "documents"),
                                          (["a", "a", "b"], "claims")])
def test_reviews_are_held_out_by_document_when_there_are_enough(docs, by):
    items = [Reviewed(f"claim{i}", doc, "text", "cfs") for i, doc in enumerate(docs * 10)]
    out, got = held_out(items)
    assert got == by and 0 < sum(out) < len(items)
    if by == "documents":  # a document is wholly in or wholly out
        assert all(len({o for o, r in zip(out, items) if r.doc == d}) == 1 for d in docs)


def test_learn_without_reviews_says_so(db_copy, small_training_data):
    result = run("learn", "--db", db_copy, "--data", small_training_data, ok=False)
    assert result.exit_code != 0 and "no reviewed claims to learn from" in result.output


def test_the_bootstrap_metrics_are_scikit_learns():
    from sklearn.metrics import average_precision_score, f1_score

    from annotator.learn import _metrics

    rng = np.random.default_rng(1)
    gold = rng.choice(["cfs", "ufs", "nfs"], 300)
    pred = rng.choice(["cfs", "nfs"], 300)  # no ufs predicted: its F1 is 0
    scores = np.round(rng.random(300), 1)  # ties
    f1, ap = _metrics(gold, pred, scores)
    assert f1 == pytest.approx(f1_score(gold, pred, labels=["cfs", "ufs", "nfs"], average="macro",
                                        zero_division=0))
    assert ap == pytest.approx(average_precision_score(gold == "cfs", scores))


def test_a_class_let_stand_is_the_one_the_reviewer_saw(tmp_path):
    """A reviewed claim's label is the machine's class at review time: re-extracting its changed
    document with another model in use re-scores the claim, and the label stays."""
    import dataclasses

    from annotator import checkworthy, checkworthy_features
    from annotator.evaluate import reviewed_gold

    corpus, db_path = tmp_path / "corpus", tmp_path / "claims.db"
    corpus.mkdir()
    claim = "Unemployment fell to 4.1 per cent in March."
    (corpus / "a.txt").write_text(f"{claim}\n\nThank you all for coming tonight.\n", encoding="utf-8")
    run("extract", corpus, "--db", db_path)
    db = store.connect(db_path)
    claim_id, seen, seen_score = db.execute(
        "select id, checkworthy, checkworthy_score from claims where text = ?", [claim]).fetchone()
    assert seen == "cfs"
    store.add_review(db, claim_id, "maria", "true")  # the class let stand

    # a model in use that never says cfs, then the document changes: the claim is re-scored
    shipped = checkworthy.load_model()
    never = np.where(np.array(shipped.classes) == "cfs", -100.0, 0.0)
    model = dataclasses.replace(shipped, bias=shipped.bias + never, prose_bias=shipped.prose_bias + never)
    path = learned.model_path(db_path, 1)
    path.parent.mkdir()
    model.save(path)
    learned.record(db, db_path, 1, path, {"active": True, "features": checkworthy_features.FEATURES})
    db.close()
    (corpus / "a.txt").write_text(f"{claim}\n\nThank you all for coming tonight. We will see.\n",
                                  encoding="utf-8")
    run("extract", corpus, "--db", db_path)

    db = store.connect(db_path)
    now, superseded = db.execute("select checkworthy, superseded from claims where id = ?",
                                 [claim_id]).fetchone()
    assert now != "cfs" and superseded == 0
    assert db.execute("select seen_checkworthy, seen_checkworthy_score from reviews").fetchone() \
        == (seen, seen_score)
    assert [(r.claim_id, r.label) for r in reviewed_labels(db)] == [(claim_id, "cfs")]
    gold, pred = reviewed_gold(db)
    assert [g["checkworthy"] for g in gold] == ["cfs"] and pred[0]["checkworthy"] != "cfs"
    db.close()


def test_the_feature_cache_keeps_the_most_recently_used_sets(nlp, own_cache):
    from annotator import learn, train

    folder = learn.cache_dir()
    folder.mkdir(parents=True)
    old = [folder / f"{'0' * 23}{i}.npz" for i in range(5)]  # older feature sets, oldest first
    for i, path in enumerate(old):
        np.savez(path, ids=np.zeros(1, np.int32), ends=np.ones(1))
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    os.utime(old[0])  # read a moment ago: recently used
    busy = folder / "another.1234.tmp.npz"  # another run's half-written file
    busy.write_bytes(b"")
    os.utime(busy, (1, 1))

    learn.training_features(nlp, [train.Example("Thank you very much.", "nfs", "claimbuster")],
                            echo=lambda _: None)
    kept = sorted(p.name for p in folder.iterdir())
    new = [n for n in kept if n not in {p.name for p in old} and n != busy.name]
    assert len(new) == 1
    assert kept == sorted([*new, old[0].name, old[4].name, busy.name])


def test_a_model_learned_on_an_older_layout_of_the_features_is_not_used(tmp_path):
    """A database learned by an older annotator (its features laid out otherwise) is scored by the
    shipped model until `annotator learn` runs again; the old weights file is refused by name."""
    from annotator import checkworthy, checkworthy_features

    db_path = tmp_path / "c.db"
    db = store.connect(db_path)
    shipped = checkworthy.load_model()
    for version, features in ((1, None), (2, checkworthy_features.FEATURES)):
        path = learned.model_path(db_path, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        shipped.save(path)
        figures = {"active": True, **({"features": features} if features else {})}
        learned.record(db, db_path, version, path, figures)
        got = learned.current(db, db_path, checkworthy_features.FEATURES)
        assert (got["name"] if got else None) == (f"{learned.PREFIX}2" if features else None)

    old = tmp_path / "old.npz"
    with np.load(learned.model_path(db_path, 1), allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["meta"] = np.array(json.dumps({k: v for k, v in json.loads(str(arrays["meta"])).items()
                                          if k != "features"}))
    np.savez_compressed(old, **arrays)
    with pytest.raises(checkworthy.ModelError, match="old.npz: a model of an older annotator's features"):
        checkworthy.read_model(old)
