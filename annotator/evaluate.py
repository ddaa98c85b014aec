"""The guide's metrics for the claims in a database against a gold file, or against its reviews.

Claims are matched by character overlap; source, cue, stance and check-worthiness are scored on
the matched pairs, exactly as the guide's ``score.py`` does, overall and per document.
"""

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import sqlite_utils

from .errors import AnnotatorError
from .labels import CHECKWORTHY, STANCES
from .store import queries

METRICS = (
    "docs", "gold_claims", "pred_claims", "claims_precision", "claims_recall", "claims_f1", "matched",
    "source_acc", "attributed_source_acc", "cue_acc", "stance_acc", "stance_macro_f1",
    "checkworthy_macro_f1",
)
_DROP = {"the", "a", "an", "of"}


class GoldError(AnnotatorError, ValueError):
    pass


def tokens(s: object) -> set[str]:
    if not s:
        return set()
    return {t for t in re.findall(r"\w+", str(s).casefold()) if t not in _DROP}


def overlap_ok(a: set[str], b: set[str]) -> bool:
    """The smaller token set shares at least half its tokens with the other."""
    return bool(a and b) and len(a & b) >= 0.5 * min(len(a), len(b))


def blank(v: object) -> bool:
    return v is None or str(v).strip() == "" or str(v).strip().lower() in {"none", "null"}


def _jsonl(path: str | Path, what: str, read: Callable[[dict], object]) -> Iterator[dict]:
    """The objects of a JSON Lines file (blank lines skipped), each passed to ``read``; a line that
    is not JSON or that ``read`` refuses (KeyError, TypeError, ValueError, AttributeError) is a :class:`GoldError`
    naming the file and the line."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                read(row)
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                raise GoldError(f"{path}, line {n}: not {what} ({e})") from None
            yield row


def load_gold(path: str | Path) -> list[dict]:
    """A gold JSON Lines file; a line that is not a claim is an error naming the line."""

    def read(g: dict) -> None:
        g["start"], g["end"] = int(g["start"]), int(g["end"])
        g["doc"]  # a gold claim has a doc (a KeyError if not)

    return list(_jsonl(path, "a gold claim", read))


def _macro_f1(conf: dict, labels: Sequence[str]) -> float:
    f1s = []
    for lab in labels:
        tp = conf[lab][lab]
        fp = sum(conf[o][lab] for o in conf if o != lab)
        fn = sum(v for k, v in conf[lab].items() if k != lab)
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s) if f1s else 0.0


def score(gold: Iterable[dict], pred: Iterable[dict], docs: Iterable[str] | None = None) -> dict:
    """The guide's metrics over the documents of ``gold`` (or those of them in ``docs``)."""
    gold = list(gold)
    gdocs = {g["doc"] for g in gold}
    if docs is not None:
        gdocs &= set(docs)
    G: dict[str, list[dict]] = defaultdict(list)
    P: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        if g["doc"] in gdocs:
            G[g["doc"]].append(g)
    for p in pred:
        if p.get("doc") in gdocs:
            P[p["doc"]].append({**p, "start": int(p["start"]), "end": int(p["end"])})

    tp_p = n_p = tp_r = n_r = 0
    pairs: list[tuple[dict, dict]] = []
    for d in gdocs:
        gs, ps = G[d], P[d]
        for p in ps:
            plen = max(1, p["end"] - p["start"])
            overlaps = [(min(p["end"], g["end"]) - max(p["start"], g["start"]), g) for g in gs]
            most, nearest = max(overlaps, key=lambda x: x[0]) if overlaps else (0, {})
            hit = most >= 0.5 * plen
            if hit and nearest.get("optional"):
                continue
            if not hit and any(g.get("optional") and o >= 0.5 * plen for o, g in overlaps):
                continue
            n_p += 1
            tp_p += hit
        for g in gs:
            if g.get("optional"):
                continue
            n_r += 1
            covered = [0] * (g["end"] - g["start"])
            most, bestp = 0, None
            for p in ps:
                lo, hi = max(p["start"], g["start"]), min(p["end"], g["end"])
                if hi > lo:
                    for i in range(lo - g["start"], hi - g["start"]):
                        covered[i] = 1
                    if hi - lo > most:
                        most, bestp = hi - lo, p
            if bestp is not None and sum(covered) >= 0.5 * max(1, g["end"] - g["start"]):
                tp_r += 1
                pairs.append((g, bestp))

    prec = tp_p / n_p if n_p else 0.0
    rec = tp_r / n_r if n_r else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    src_ok = cue_ok = st_ok = attr_n = attr_ok = 0
    conf: dict = defaultdict(lambda: defaultdict(int))
    cw: dict = defaultdict(lambda: defaultdict(int))
    for g, p in pairs:
        if blank(g.get("source")):
            src_ok += blank(p.get("source"))
        else:
            ps_ = [tokens(p.get("source")), tokens(p.get("source_canonical"))]
            gs_ = [tokens(g.get("source")), tokens(g.get("source_canonical"))]
            hit = any(overlap_ok(a, b) for a in ps_ for b in gs_ if a and b)
            src_ok += hit
            attr_n += 1
            attr_ok += hit
        if blank(g.get("cue")):
            cue_ok += blank(p.get("cue"))
        else:
            cue_ok += overlap_ok(tokens(p.get("cue")), tokens(g.get("cue")))
        gl, pl = g.get("stance"), (p.get("stance") or "").strip().lower()
        st_ok += gl == pl
        conf[gl][pl] += 1
        cw[g.get("checkworthy")][(p.get("checkworthy") or "").strip().lower()] += 1
    n = len(pairs) or 1
    return {
        "docs": len(gdocs),
        "gold_claims": n_r,
        "pred_claims": n_p,
        "claims_precision": round(prec, 3),
        "claims_recall": round(rec, 3),
        "claims_f1": round(f1, 3),
        "matched": len(pairs),
        "source_acc": round(src_ok / n, 3),
        "attributed_source_acc": round(attr_ok / attr_n, 3) if attr_n else 0.0,
        "cue_acc": round(cue_ok / n, 3),
        "stance_acc": round(st_ok / n, 3),
        "stance_macro_f1": round(_macro_f1(conf, STANCES), 3),
        "checkworthy_macro_f1": round(_macro_f1(cw, CHECKWORTHY), 3),
    }


def by_document(gold: Sequence[dict], pred: Sequence[dict]) -> dict[str, dict]:
    """Per-document metrics, then ``(all)`` over every gold document."""
    out = {d: score(gold, pred, [d]) for d in sorted({g["doc"] for g in gold})}
    out["(all)"] = score(gold, pred)
    return out


# --- the database side ---------------------------------------------------------------------------

def reviewed_checkworthy(row: dict) -> str | None:
    """A reviewed claim's check-worthiness (a row of :func:`.queries.reviewed_claims`): the
    reviewer's correction, else the machine's class they saw and let stand (not the claim's class
    now, which a later extract may have changed)."""
    return row["r_checkworthy"] or row["r_seen_checkworthy"] or row["checkworthy"]


def reviewed_gold(db: sqlite_utils.Database) -> tuple[list[dict], list[dict]]:
    """Gold from the reviewers' latest word on each reviewed claim, and the machine's version.

    A claim marked ``not_a_claim`` is a false positive; a corrected field replaces the machine's
    (an empty string in a correction means "no source" or "no cue").
    """
    gold, pred = [], []
    for row in queries.reviewed_claims(db):
        machine = {k: row[k] for k in ("doc", "start", "end", "text", "source", "source_canonical",
                                       "cue", "stance", "checkworthy")}
        pred.append(machine)
        if row["verdict"] == "not_a_claim":
            continue
        g = dict(machine)
        for field in ("source", "source_canonical", "cue", "stance"):
            corrected = row[f"r_{field}"]
            if corrected is not None:
                g[field] = corrected or None
        g["checkworthy"] = reviewed_checkworthy(row)
        if row["r_source"] == "" and row["r_source_canonical"] is None:
            g["source_canonical"] = None
        gold.append(g)
    # documents whose every reviewed claim was rejected still count, with no gold claim
    for p in pred:
        if not any(g["doc"] == p["doc"] for g in gold):
            gold.append({**p, "start": 0, "end": 0, "optional": True})
    return gold, pred


# --- labelled sentences (check-worthiness alone) -------------------------------------------------


def load_sentences(path: str | Path) -> list[dict]:
    """A JSON Lines file of sentences with ``text`` and ``checkworthy`` (cfs, ufs or nfs)."""

    def read(row: dict) -> None:
        text, label = row.get("text"), row.get("checkworthy")
        if label not in CHECKWORTHY or not isinstance(text, str) or not text.strip():
            raise ValueError(f"each line needs a non-empty \"text\" and \"checkworthy\" one of "
                             f"{', '.join(CHECKWORTHY)}; got {label!r}")

    out = list(_jsonl(path, "a labelled sentence", read))
    if not out:
        raise GoldError(f"{path}: no labelled sentences")
    return out


def checkworthy_scores(gold: Sequence[str], pred: Sequence[str], scores: Sequence[float]) -> dict:
    """Per-class precision, recall and F1, macro-F1, and the average precision of ``cfs`` when
    the sentences are ranked by score."""
    from sklearn.metrics import average_precision_score, precision_recall_fscore_support

    p, r, f, support = precision_recall_fscore_support(gold, pred, labels=list(CHECKWORTHY),
                                                       zero_division=0)
    out: dict = {"sentences": len(gold)}
    for i, label in enumerate(CHECKWORTHY):
        out[label] = {"precision": round(float(p[i]), 3), "recall": round(float(r[i]), 3),
                      "f1": round(float(f[i]), 3), "support": int(support[i])}
    out["macro_f1"] = round(float(sum(f) / len(f)), 3)
    is_cfs = [g == "cfs" for g in gold]
    out["cfs_average_precision"] = round(float(average_precision_score(is_cfs, scores)), 3) \
        if any(is_cfs) else None
    return out


def format_checkworthy(result: dict) -> str:
    lines = [f"{'':8}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for label in CHECKWORTHY:
        c = result[label]
        lines.append(f"{label:8}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>8.3f}{c['support']:>9}")
    lines.append(f"macro-F1 {result['macro_f1']:.3f}; average precision of cfs ranked by score "
                 f"{result['cfs_average_precision']}; {result['sentences']} sentences")
    return "\n".join(lines)
