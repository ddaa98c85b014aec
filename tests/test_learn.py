"""annotator learn: a new check-worthiness model from this database's reviews, used from then on."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import store
from annotator.cli import cli
from annotator.learn import held_out, reviewed_labels

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
            for line in open(FIXTURES / name / "gold.jsonl", encoding="utf-8"):
                g = json.loads(line)
                out.write(json.dumps({"text": g["text"], "checkworthy": g["checkworthy"]}) + "\n")
    return folder


@pytest.mark.slow
def test_learn_stores_a_model_that_rescoring_and_the_next_extract_use(db_copy, tmp_path,
                                                                      small_training_data):
    db = store.connect(db_copy)
    claims = db.execute("select id, checkworthy from claims where superseded = 0 order by id").fetchall()
    for i, (claim_id, machine) in enumerate(claims[:40]):
        if i % 4 == 0:
            store.add_review(db, claim_id, "maria", "not_a_claim")
        elif i % 4 == 1:
            store.add_review(db, claim_id, "maria", "true",
                             checkworthy="ufs" if machine != "ufs" else "nfs")
        else:
            store.add_review(db, claim_id, "maria", "false")
    labels = reviewed_labels(db)
    assert len(labels) == 40 and {r.label for r in labels[:8:4]} == {"nfs"}
    assert 0 < sum(held_out(r.claim_id) for r in labels) < 40
    before = dict(db.execute("select id, checkworthy_score from claims").fetchall())
    db.close()

    result = run("learn", "--db", db_copy, "--data", small_training_data,
                 "--gold", FIXTURES / "extra-eval" / "gold.jsonl")
    assert "held-out reviews" in result.output and "before (shipped)" in result.output
    assert "after (checkworthy-learned-1)" in result.output
    model = db_copy.parent / "claims.models" / "checkworthy-learned-1.npz"
    assert model.is_file()
    conn = sqlite3.connect(db_copy)
    row = conn.execute("select name, path, figures from learned_models").fetchone()
    assert row[:2] == ("checkworthy-learned-1", "claims.models/checkworthy-learned-1.npz")
    figures = json.loads(row[2])
    assert figures["reviews_after"]["sentences"] == figures["held_out_reviews"] > 0
    after = dict(conn.execute("select id, checkworthy_score from claims").fetchall())
    assert after != before  # re-scored without extracting again
    conn.close()

    # eval --reviews says which model scored the claims
    evaluated = json.loads(run("eval", "--reviews", "--db", db_copy, "--json").output)
    assert evaluated["(all)"]["checkworthy_model"] == "checkworthy-learned-1"

    # the next extract scores with it and records it
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "new.txt").write_text(
        "The minister said unemployment fell to 4.1 per cent in March. We will see.\n",
        encoding="utf-8")
    run("extract", corpus, "--db", db_copy)
    conn = sqlite3.connect(db_copy)
    config = json.loads(conn.execute("select config from runs order by started desc limit 1").fetchone()[0])
    assert config["checkworthy_model"] == "checkworthy-learned-1"
    from annotator import checkworthy, pipeline

    nlp = pipeline.build_nlp()
    learned_model = checkworthy.read_model(model)
    new = conn.execute("select text, checkworthy, checkworthy_score from claims where doc = 'new.txt'"
                       " and superseded = 0 order by start").fetchall()
    conn.close()
    expected = learned_model.classify(list(checkworthy.sentence_spans(nlp, [t for t, _, _ in new])))
    assert [(c, s) for _, c, s in new] == [(c, round(s, 3)) for c, s in expected]


def test_learn_without_reviews_says_so(db_copy, small_training_data):
    result = run("learn", "--db", db_copy, "--data", small_training_data, ok=False)
    assert result.exit_code != 0 and "no reviewed claims to learn from" in result.output
