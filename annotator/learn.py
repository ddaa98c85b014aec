"""Learning from reviews: ``annotator learn`` retrains the check-worthiness model on the shipped
training data plus this database's reviews, stores it as a new model version beside the database,
and uses it from then on only if it is not worse on texts nobody reviewed.

A reviewed claim's label is what ``annotator eval --reviews`` takes as gold: ``nfs`` for a
``not_a_claim`` verdict, else the reviewer's corrected check-worthiness, else the machine's class
that the reviewer saw and let stand, as the review recorded it (the claim's final review decides,
see :mod:`annotator.store.team`).
About 30% of the reviewed documents (by a hash of their names; of the claims, when fewer than three
documents were reviewed) are held out of training.

The new model is the shipped model refitted: the same features, regularisation and training data
(its ClaimBuster sentences and gold claims, whose parsed features are cached, see
:func:`training_features`), plus the reviewed claims, each read as prose or debate by the shipped
model's genre gate. It keeps the shipped model's genre gate, class biases and calibration, which
were tuned on held-out folds of that same data. Both the model in use and the new one are scored on
the held-out reviews and on ClaimBuster's held-out sentences; a paired bootstrap says whether a
difference is beyond noise. A new model worse beyond noise on either is stored but not used
(unless forced). The model in use scores the next ``annotator extract``'s claims, which records it
in ``runs.config`` (``checkworthy_model``).
"""

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils
from spacy.language import Language

from . import checkworthy, checkworthy_features, claim_features, evaluate, train
from .errors import AnnotatorError
from .labels import CHECKWORTHY
from .store import learned, queries

HELDOUT_SHARE = 0.3
MIN_DOCUMENTS = 3  # fewer reviewed documents than this: hold out claims, not documents
RESAMPLES = 1000  # of the paired bootstrap
SEED = 15


class NothingToLearn(AnnotatorError):
    """The database has no reviewed claims."""


class NotActivated(AnnotatorError):
    """The new model was stored but is not used: it is worse beyond noise."""


@dataclass
class Reviewed:
    claim_id: str
    doc: str
    text: str
    label: str


def reviewed_labels(db: sqlite_utils.Database) -> list[Reviewed]:
    """The check-worthiness label of every reviewed current claim."""
    out = []
    for row in queries.reviewed_claims(db):
        if row["verdict"] is None and row["r_checkworthy"] is None:
            continue
        label = "nfs" if row["verdict"] == "not_a_claim" else evaluate.reviewed_checkworthy(row)
        if label in checkworthy.CLASSES:
            out.append(Reviewed(row["id"], row["doc"], row["text"], label))
    return out


def _in_share(key: str) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < HELDOUT_SHARE


def held_out(items: Sequence[Reviewed]) -> tuple[list[bool], str]:
    """Which reviewed claims are held out of training, and whether by ``documents`` or ``claims``:
    those of a fixed ~30% of the documents (so the figures are for documents the new model learned
    nothing about), or of the claims when the reviews cover fewer than three documents or the
    documents' hash leaves a part empty."""
    by_doc = [_in_share(r.doc) for r in items]
    if len({r.doc for r in items}) >= MIN_DOCUMENTS and 0 < sum(by_doc) < len(items):
        return by_doc, "documents"
    return [_in_share(r.claim_id) for r in items], "claims"


# --- the training data's features, parsed once ---------------------------------------------------


CACHE_KEEP = 3  # cached feature sets kept: the most recently used


def cache_dir() -> Path:
    """Where parsed training features are kept (the user's cache folder, ``annotator``)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("annotator")) / "checkworthy-features"


def _key(nlp: Language, examples: Sequence[train.Example]) -> str:
    """What the features depend on: the texts, the spaCy model, and the feature code."""
    h = hashlib.sha256()
    h.update(f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}\n".encode())
    for code in (checkworthy.__file__, claim_features.__file__):
        h.update(Path(code).read_bytes())
    for e in examples:
        h.update(e.text.encode() + b"\0")
    return h.hexdigest()[:24]


def training_features(nlp: Language, examples: Sequence[train.Example],
                      echo: Callable[[str], None] = print) -> list[np.ndarray]:
    """The feature ids of each example's text, parsed alone; read from the cache when these texts
    were parsed before by the same spaCy model and feature code, else parsed and cached (and the
    cache pruned to the :data:`CACHE_KEEP` most recently used sets)."""
    path = cache_dir() / f"{_key(nlp, examples)}.npz"
    try:
        with np.load(path, allow_pickle=False) as z:
            ids, ends = z["ids"], z["ends"]
        if len(ends) == len(examples):
            os.utime(path)  # recently used: kept when the cache is pruned
            echo(f"features of {len(examples)} training sentences read from {path}")
            return [a.astype(np.int64) for a in np.split(ids, ends[:-1])]
    except (OSError, KeyError, ValueError):
        pass  # none yet, or unreadable: parse again
    echo(f"parsing {len(examples)} training sentences with {nlp.meta['lang']}_{nlp.meta['name']}"
         f" (once: the features are cached in {path.parent}) …")
    features = _parse(nlp, [e.text for e in examples])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    ends = np.cumsum([len(f) for f in features])
    np.savez(tmp, ids=np.concatenate(features).astype(np.int32), ends=ends)
    os.replace(tmp, path)  # whole or not at all: a killed run leaves no half file
    prune_cache(path.parent)
    return features


def prune_cache(folder: Path, keep: int = CACHE_KEEP) -> None:
    """Delete all but the ``keep`` most recently used feature sets in ``folder`` (others are of
    texts, spaCy models or feature code no longer in use; a file another run is writing is left)."""
    entries = []
    for p in folder.glob("*.npz"):
        if not p.name.endswith(".tmp.npz"):
            try:
                entries.append((p.stat().st_mtime, p))
            except FileNotFoundError:  # pruned by another run meanwhile
                pass
    for _, old in sorted(entries, reverse=True)[keep:]:
        old.unlink(missing_ok=True)


def _parse(nlp: Language, texts: Sequence[str]) -> list[np.ndarray]:
    return [checkworthy_features.feature_ids(s) for s in checkworthy.sentence_spans(nlp, texts)]


# --- training and comparing ----------------------------------------------------------------------


def refit(shipped: checkworthy.Model, features: Sequence[np.ndarray], labels: Sequence[str],
          weights: Sequence[float], prose: Sequence[bool]) -> checkworthy.Model:
    """The shipped model's kind of model fitted on these examples, keeping its genre gate, class
    biases and calibration."""
    model = train.fit(features, labels, weights, prose)
    model.genre_coef, model.genre_intercept = shipped.genre_coef, shipped.genre_intercept
    model.bias, model.prose_bias = shipped.bias.copy(), shipped.prose_bias.copy()
    model.calibration, model.prose_calibration = shipped.calibration, shipped.prose_calibration
    return model


def predict(model: checkworthy.Model, features: Sequence[np.ndarray]) -> tuple[list[str], np.ndarray]:
    """Classes and calibrated cfs scores, each span read as prose or debate by ``model``'s gate."""
    prose = model.is_prose(features)
    return model.decide(model.probabilities(features, prose), prose)


def _codes(labels: np.ndarray) -> np.ndarray:
    """Class labels as their indices in CHECKWORTHY (integers as they are)."""
    if labels.dtype.kind in "iu":
        return labels
    return np.searchsorted(_SORTED, labels).choose(_ORDER) if len(labels) else labels.astype(int)


_SORTED = np.array(sorted(CHECKWORTHY))
_ORDER = np.array([CHECKWORTHY.index(c) for c in _SORTED])


def _metrics(gold: np.ndarray, pred: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Macro-F1 over the three classes and the average precision of cfs ranked by score, as
    scikit-learn computes them (``f1_score(average="macro", zero_division=0)``,
    ``average_precision_score``), in a few array operations: the bootstrap calls it thousands of
    times."""
    n = len(CHECKWORTHY)
    gold = _codes(gold)
    pred = _codes(pred)
    tp = np.bincount(gold[gold == pred], minlength=n)
    denominator = np.bincount(gold, minlength=n) + np.bincount(pred, minlength=n)
    f1s = np.divide(2 * tp, denominator, out=np.zeros(n), where=denominator > 0)
    order = np.argsort(-scores, kind="mergesort")
    is_cfs = (gold == CHECKWORTHY.index("cfs"))[order]
    if not is_cfs.any():
        return float(np.mean(f1s)), float("nan")
    last = np.r_[np.flatnonzero(np.diff(scores[order])), len(order) - 1]  # each distinct score's last
    tp = np.cumsum(is_cfs)[last]
    precision, recall = tp / (last + 1), tp / tp[-1]
    return float(np.mean(f1s)), float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def compare(gold: Sequence[str], before: tuple[list[str], np.ndarray],
            after: tuple[list[str], np.ndarray], resamples: int = RESAMPLES) -> dict:
    """Both models' figures on the same items, and for macro-F1 and cfs AP the difference (after
    minus before) with its 95% paired-bootstrap interval; ``worse`` when the interval lies below 0."""
    out: dict = {"items": len(gold),
                 "before": evaluate.checkworthy_scores(list(gold), list(before[0]), list(before[1])),
                 "after": evaluate.checkworthy_scores(list(gold), list(after[0]), list(after[1]))}
    g, b_pred, a_pred = (_codes(np.asarray(x)) for x in (gold, before[0], after[0]))
    b_scores, a_scores = np.asarray(before[1]), np.asarray(after[1])
    rng = np.random.default_rng(SEED)
    diffs = []
    for _ in range(resamples):
        i = rng.integers(0, len(g), len(g))
        diffs.append(np.subtract(_metrics(g[i], a_pred[i], a_scores[i]),
                                 _metrics(g[i], b_pred[i], b_scores[i])))
    d = np.array(diffs)
    point = np.subtract(_metrics(g, a_pred, a_scores), _metrics(g, b_pred, b_scores))
    for k, name in enumerate(("macro_f1", "cfs_average_precision")):
        col = d[:, k][~np.isnan(d[:, k])]
        if np.isnan(point[k]) or not len(col):
            out[name] = None
            continue
        low, high = np.percentile(col, [2.5, 97.5])
        out[name] = {"difference": round(float(point[k]), 3), "low": round(float(low), 3),
                     "high": round(float(high), 3), "worse": bool(high < 0)}
    out["worse"] = any(out[n] and out[n]["worse"] for n in ("macro_f1", "cfs_average_precision"))
    return out


def rescore(db: sqlite_utils.Database, nlp: Language, model: checkworthy.Model) -> int:
    """Re-score the stored current claims nobody reviewed with ``model``, parsing each claim's text
    alone (as the model was trained), not its document; how many.

    A reviewed claim keeps the class its reviewer saw: where they let it stand, it is their label
    (re-scoring it would put the new model's words in their mouth at the next ``learn``)."""
    reviewed = {r["id"] for r in queries.reviewed_claims(db)}
    claims = [(cid, text) for cid, text in queries.claim_texts(db) if cid not in reviewed]
    got = model.classify(list(checkworthy.sentence_spans(nlp, [text for _, text in claims])))
    learned.set_scores(db, [(cls, s, cid) for (cid, _), (cls, s) in zip(claims, got)])
    return len(claims)


def learn(db: sqlite_utils.Database, db_path: str | Path, nlp: Language, claimbuster: Path,
          gold: Sequence[Path], gold_weight: float = 3.0, review_weight: float | None = None,
          force: bool = False, echo: Callable[[str], None] = print) -> dict:
    """Train, compare, store; use the new model (re-scoring the stored claims) unless it is worse
    beyond noise on the held-out reviews or ClaimBuster sentences and ``force`` is false.
    ``review_weight`` (default ``gold_weight``): a reviewed claim's weight against a ClaimBuster
    sentence. Raises :class:`NotActivated` after storing a model it does not use."""
    labels = reviewed_labels(db)
    if not labels:
        raise NothingToLearn("no reviewed claims to learn from: review some claims first (a "
                             "verdict, or a corrected check-worthiness)")
    review_weight = gold_weight if review_weight is None else review_weight
    out, by = held_out(labels)
    test = [r for r, o in zip(labels, out) if o]
    mine = [r for r, o in zip(labels, out) if not o]
    echo(f"{len(labels)} reviewed claims in {len({r.doc for r in labels})} documents: {len(mine)} "
         f"to train on, {len(test)} held out (of {len({r.doc for r in test})} documents)")

    shipped = checkworthy.load_model()
    current = learned.current(db, db_path, checkworthy_features.FEATURES)
    before_name = current["name"] if current else "shipped"
    before_model = checkworthy.read_model(current["path"]) if current else shipped

    examples = train.load_examples(claimbuster, gold, gold_weight)
    features = training_features(nlp, examples, echo)
    cb_train, cb_test = train.claimbuster_split(examples)
    kept = set(cb_test)
    idx = [i for i in range(len(examples)) if i not in kept]
    review_features = _parse(nlp, [r.text for r in labels])
    mine_f = [f for f, o in zip(review_features, out) if not o]
    test_f = [f for f, o in zip(review_features, out) if o]

    echo(f"fitting on {len(cb_train)} ClaimBuster sentences, {len(idx) - len(cb_train)} gold claims "
         f"and {len(mine)} reviewed claims (weight {review_weight:g}) …")
    model = refit(
        shipped,
        [features[i] for i in idx] + mine_f,
        [examples[i].label for i in idx] + [r.label for r in mine],
        [examples[i].weight for i in idx] + [review_weight] * len(mine),
        [examples[i].group != "claimbuster" for i in idx] + list(shipped.is_prose(mine_f)),
    )
    cb_f = [features[i] for i in cb_test]
    cb_gold = [examples[i].label for i in cb_test]
    figures: dict = {
        "before": before_name, "trained_on_reviews": len(mine), "held_out_reviews": len(test),
        "held_out_by": by,
        "review_weight": review_weight,
        "reviews": compare([r.label for r in test], predict(before_model, test_f),
                           predict(model, test_f)) if test else None,
        "claimbuster": compare(cb_gold, predict(before_model, cb_f), predict(model, cb_f)),
    }
    worse = [what for what in ("claimbuster", "reviews") if figures[what] and figures[what]["worse"]]
    figures["active"] = force or not worse
    figures["features"] = checkworthy_features.FEATURES
    model.meta = {"trained_on": {"claimbuster": len(cb_train), "gold": len(idx) - len(cb_train),
                                 "reviews": len(mine)},
                  "gold_weight": gold_weight, "review_weight": review_weight, "C": train.C,
                  "genre_gate_biases_calibration": "shipped",
                  "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}"}
    version = learned.next_version(db)
    path = learned.model_path(db_path, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    name = learned.record(db, db_path, version, path, figures)
    _report(figures, name, echo)
    if not figures["active"]:
        what = " and ".join({"claimbuster": "ClaimBuster's held-out sentences (texts nobody reviewed)",
                             "reviews": "the held-out reviews"}[w] for w in worse)
        raise NotActivated(f"model {name} is worse than {before_name} beyond noise on {what}: it is "
                           f"kept in {path} but not used ({before_name} still scores); run "
                           "'annotator learn --force' to use a new model anyway")
    n = rescore(db, nlp, model)
    echo(f"\nmodel {name} written to {path} and in use; {n} stored claims nobody reviewed "
         "re-scored with it")
    return {"name": name, **figures}


def _report(figures: dict, name: str, echo: Callable[[str], None]) -> None:
    def block(title: str, c: dict | None) -> None:
        echo(f"\n{title}:")
        if c is None:
            echo("  (none)")
            return
        for which, label in (("before", f"before ({figures['before']})"), ("after", f"after ({name})")):
            r = c[which]
            ap = r["cfs_average_precision"]
            echo(f"  {label:40} macro-F1 {r['macro_f1']:.3f}  cfs AP "
                 f"{'-' if ap is None else f'{ap:.3f}'}")
        for metric, label in (("macro_f1", "macro-F1"), ("cfs_average_precision", "cfs AP")):
            d = c[metric]
            if d:
                echo(f"  {label} difference {d['difference']:+.3f} (95% interval {d['low']:+.3f} to "
                     f"{d['high']:+.3f}){': worse beyond noise' if d['worse'] else ''}")

    of = ("of documents the new model learned nothing about" if figures["held_out_by"] == "documents"
          else "the new model did not learn from")
    block(f"held-out reviews ({figures['held_out_reviews']} claims {of})", figures["reviews"])
    block("held-out ClaimBuster sentences (texts nobody reviewed)", figures["claimbuster"])
