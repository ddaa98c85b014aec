"""Learning from reviews: ``annotator learn`` retrains the check-worthiness model on the shipped
training data plus this database's reviews, stores it as a new model version beside the database,
and re-scores the stored claims with it.

A reviewed claim's label is what ``annotator eval --reviews`` takes as gold: ``nfs`` for a
``not_a_claim`` verdict, else the reviewer's corrected check-worthiness, else the machine's class
that the reviewer let stand (the claim's final review decides, see :mod:`annotator.store.team`).
A fixed part of the reviewed claims (by a hash of their ids) is held out of training, and both
models are scored on it; the next ``annotator extract`` on the database scores its claims with the
latest learned model and records it in ``runs.config`` (``checkworthy_model``).
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from spacy.language import Language

from . import checkworthy, evaluate
from .errors import AnnotatorError
from .store import learned, queries
from .train import Example, train_checkworthy

HELDOUT_SHARE = 0.3
GROUP = "reviews"


class NothingToLearn(AnnotatorError):
    """The database has no reviewed claims."""


@dataclass
class Reviewed:
    claim_id: str
    text: str
    label: str


def reviewed_labels(db: sqlite_utils.Database) -> list[Reviewed]:
    """The check-worthiness label of every reviewed current claim."""
    out = []
    for row in queries.reviewed_claims(db):
        if row["verdict"] is None and row["r_checkworthy"] is None:
            continue
        label = "nfs" if row["verdict"] == "not_a_claim" else (row["r_checkworthy"] or row["checkworthy"])
        if label in checkworthy.CLASSES:
            out.append(Reviewed(row["id"], row["text"], label))
    return out


def held_out(claim_id: str) -> bool:
    """Whether a reviewed claim is in the fixed held-out part (about 30%, by a hash of its id)."""
    return int(hashlib.sha256(claim_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HELDOUT_SHARE


def score(nlp: Language, model: checkworthy.Model, items: Sequence[Reviewed]) -> dict | None:
    """Macro-F1 and cfs average precision of ``model`` on ``items`` (None without any)."""
    if not items:
        return None
    got = model.classify(list(checkworthy.sentence_spans(nlp, [i.text for i in items])))
    return evaluate.checkworthy_scores([i.label for i in items], [c for c, _ in got],
                                       [s for _, s in got])


def rescore(db: sqlite_utils.Database, nlp: Language, model: checkworthy.Model,
            run_id: str | None = None) -> int:
    """Re-score stored current claims (those the run ``run_id`` stored, or all) with ``model``,
    parsing each claim's text alone (as the model was trained), not its document; how many."""
    claims = queries.claim_texts(db, run_id)
    got = model.classify(list(checkworthy.sentence_spans(nlp, [text for _, text in claims])))
    learned.set_scores(db, [(cls, s, cid) for (cid, _), (cls, s) in zip(claims, got)])
    return len(claims)


def learn(db: sqlite_utils.Database, db_path: str | Path, nlp: Language, claimbuster: Path,
          gold: Sequence[Path], gold_weight: float = 3.0,
          echo: Callable[[str], None] = print) -> dict:
    """Train, store, re-score; the before/after figures on the held-out reviews."""
    labels = reviewed_labels(db)
    if not labels:
        raise NothingToLearn("no reviewed claims to learn from: review some claims first (a "
                             "verdict, or a corrected check-worthiness)")
    test = [r for r in labels if held_out(r.claim_id)]
    train = [Example(r.text, r.label, GROUP, gold_weight) for r in labels if not held_out(r.claim_id)]
    current = learned.current(db, db_path)
    before_model = checkworthy.read_model(current["path"]) if current else checkworthy.load_model()
    echo(f"{len(labels)} reviewed claims: {len(train)} to train on, {len(test)} held out")
    version = learned.next_version(db)
    path = learned.model_path(db_path, version)
    model = train_checkworthy(nlp, claimbuster, gold, path, path.with_suffix(".heldout.jsonl"),
                              gold_weight, echo=echo, extra=train)
    figures: dict = {
        "reviews_before": score(nlp, before_model, test),
        "reviews_after": score(nlp, model, test),
        "claimbuster_before": before_model.meta.get("heldout"),
        "claimbuster_after": model.meta.get("heldout"),
        "before": current["name"] if current else "shipped",
        "trained_on_reviews": len(train), "held_out_reviews": len(test),
    }
    name = learned.record(db, db_path, version, path, figures)
    n = rescore(db, nlp, model)
    echo(f"\nmodel {name} written to {path}; {n} stored claims re-scored with it")

    def line(what: str, r: dict | None) -> str:
        if r is None:
            return f"  {what:40} (none)"
        return f"  {what:40} macro-F1 {r['macro_f1']:.3f}  cfs AP {r['cfs_average_precision']:.3f}"

    echo(f"\nheld-out reviews ({len(test)} claims nobody trained on):")
    echo(line(f"before ({figures['before']})", figures["reviews_before"]))
    echo(line(f"after ({name})", figures["reviews_after"]))
    echo("held-out ClaimBuster sentences (texts nobody reviewed):")
    echo(line(f"before ({figures['before']})", figures["claimbuster_before"]))
    echo(line(f"after ({name})", figures["claimbuster_after"]))
    return {"name": name, **figures}
