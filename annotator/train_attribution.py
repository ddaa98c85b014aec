"""Train the learned cue finder of :mod:`annotator.attribution_model` (``annotator train
attribution``) and measure it in the same run.

``annotator train attribution``: the learned cue finder of attribution_model.py, trained on
PolNeAR's train split (BRAT standoff: NAME.txt and NAME.ann). A fixed fifth of the articles is
held out: the run prints, on it, the rules alone and the rules with the model.
"""

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language

ATTRIBUTION_SEED = 13
ATTRIBUTION_C = 0.3  # inverse regularisation strength, chosen on the held-out articles
MIN_LEMMA = 3  # a word is a candidate cue when it was a cue this many times in training
TARGET_PRECISION = 0.88  # of the attributions the model adds, on held-out folds of the training part


@dataclass
class GoldAttribution:
    source: tuple[int, int, str]
    cue: tuple[int, int]
    content: tuple[int, int]


def read_brat(path: Path) -> list[GoldAttribution]:
    """The attributions with a source of one PolNeAR ``.ann`` file (character offsets)."""
    spans, out = {}, []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            label, *rng = parts[1].split(" ")
            try:
                pieces = [tuple(map(int, r.split())) for r in " ".join(rng).split(";")]
            except ValueError:
                raise ValueError(f"{path}:{n}: not a BRAT text-bound annotation: {line!r}") from None
            spans[parts[0]] = (label, pieces[0][0], pieces[-1][1], parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            roles = {k.rstrip("0123456789"): spans.get(v) for k, v in
                     (r.split(":", 1) for r in parts[1].split() if ":" in r)}
            s, c, t = roles.get("Source"), roles.get("Cue"), roles.get("Content")
            if s and c and t:
                out.append(GoldAttribution((s[1], s[2], s[3]), (c[1], c[2]), (t[1], t[2])))
    return out


def _words(text: str) -> set[str]:

    return {w for w in re.findall(r"\w+", text.casefold()) if w not in ("the", "a", "an", "of")}


def _names(source: str, gold: str) -> bool:
    """The source names the gold source: they share at least half the words of the shorter."""
    a, b = _words(source), _words(gold)
    return bool(a and b) and len(a & b) >= 0.5 * min(len(a), len(b))


def _covers(start: int, end: int, g: GoldAttribution) -> bool:
    gs, ge = g.content
    return min(end, ge) - max(start, gs) >= 0.5 * max(1, min(ge - gs, end - start))


@dataclass
class ClaimExample:
    """A claim the rules left without a source, its candidate cues and how each would score."""

    article: str
    attributed: bool  # a gold attribution covers it
    lemmas: list[str]
    features: list[np.ndarray]
    cue_ok: list[bool]  # the candidate is the gold cue and its source the gold source
    source_ok: list[bool]  # the candidate's source names the gold source
    in_guide: list[bool]  # the candidate is a cue of the whole claim in the guide's scheme


def attribution_examples(nlp: Language, folder: Path, names: Sequence[str],
                         echo: Callable[[str], None] = print) -> tuple[list[ClaimExample], dict]:
    """Parse the articles ``names`` of ``folder`` with the claims and the attribution rules and
    return the claims the rules leave without a source, with their candidates; and, per article,
    the rules' counts (attributed claims, correct ones, gold statements found)."""
    from . import attribution, attribution_model, corpus, pipeline

    class Every:  # every word is a candidate here; the lemma list is made from the training part
        def __contains__(self, item: object) -> bool:
            return True

    every = Every()
    rules = nlp.get_pipe("annotator_attribution")
    assert isinstance(rules, attribution.Attributor) and rules.model is None
    docs = []
    for name in names:
        d = corpus.read_document(folder / f"{name}.txt", f"{name}.txt")
        if isinstance(d, corpus.Document):  # a few articles hold control characters: skipped, as extract does
            docs.append((name, d))
    blocks_all = pipeline.segment_many([d.text for _, d in docs], pipeline.finite_verb_checker(nlp))
    out: list[ClaimExample] = []
    counts: dict[str, dict] = {}
    for k, ((name, d), blocks) in enumerate(zip(docs, blocks_all)):
        if k % 100 == 0:
            echo(f"  {k}/{len(docs)} articles parsed")
        gold = read_brat(folder / f"{name}.ann")
        paragraphs = [b for b in blocks if b.kind == "paragraph"]
        c = counts[name] = {"attributed": 0, "correct": 0}
        for b, doc in zip(paragraphs, nlp.pipe([b.text for b in paragraphs], batch_size=64)):
            for claim in doc.spans[attribution.SPANS_KEY]:
                start, end = b.start + claim.start_char, b.start + claim.end_char
                covering = [g for g in gold if _covers(start, end, g)]
                src = claim._.annotator_source
                if src is not None:
                    c["attributed"] += 1
                    c["correct"] += any(_names(src.text, g.source[2]) for g in covering)
                    continue
                ex = ClaimExample(name, bool(covering), [], [], [], [], [])
                for cand in attribution_model.candidates(claim, every, guide=False):
                    a = b.start + cand.cue.idx
                    s_ok = any(_names(cand.source.text, g.source[2]) for g in covering)
                    ex.lemmas.append(cand.cue.lemma_.lower())
                    ex.features.append(attribution_model.feature_ids(cand.features))
                    ex.source_ok.append(s_ok)
                    ex.in_guide.append(cand.in_guide)
                    ex.cue_ok.append(any(g.cue[0] <= a < g.cue[1] and _names(cand.source.text, g.source[2])
                                         for g in covering))
                out.append(ex)
            doc.user_data.clear()
    return out, counts


def _fit_attribution(examples: Sequence[ClaimExample], lemmas: frozenset[str], C: float, label: str = "cue_ok"):
    from sklearn.linear_model import LogisticRegression

    from . import attribution_model

    feats, ys = [], []
    for ex in examples:
        for lemma, f, y in zip(ex.lemmas, ex.features, getattr(ex, label)):
            if lemma in lemmas:
                feats.append(f)
                ys.append(y)
    x = _hashed_matrix(feats, attribution_model.N_FEATURES)
    lr = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(x, ys)  # "bias" is a feature
    return lr.coef_[0].astype(np.float16).astype(np.float32)


def _hashed_matrix(features: Sequence[np.ndarray], n: int):
    from scipy import sparse

    rows = np.repeat(np.arange(len(features)), [len(f) for f in features])
    cols = np.concatenate(features) if features else np.zeros(0, dtype=np.int64)
    m = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(features), n))
    m.sum_duplicates()
    return m


def _decisions(examples: Sequence[ClaimExample], coef: np.ndarray, lemmas: frozenset[str]):
    """Per claim with a candidate in the guide's scheme: (best probability, whether its source is
    right, attributed)."""
    out = []
    for ex in examples:
        best = None
        for lemma, f, ok, guide in zip(ex.lemmas, ex.features, ex.source_ok, ex.in_guide):
            if lemma in lemmas and guide:
                p = 1.0 / (1.0 + np.exp(-float(coef[f].sum())))
                if best is None or p > best[0]:
                    best = (p, ok)
        if best is not None:
            out.append((best[0], best[1], ex.attributed))
    return out


def choose_threshold(decisions, target: float = TARGET_PRECISION) -> float:
    """The lowest probability above which the added attributions are right ``target`` of the time
    (each threshold judged on the decisions at or above it)."""
    ranked = sorted(decisions, key=lambda d: -d[0])
    best, right = 1.0, 0
    for n, (p, ok, _) in enumerate(ranked, 1):
        right += ok
        if n >= 20 and right / n >= target:
            best = p
    return best


def _gain(decisions, threshold: float) -> tuple[int, int]:
    """(right, wrong) attributions the model adds at ``threshold``."""
    chosen = [d for d in decisions if d[0] >= threshold]
    right = sum(1 for d in chosen if d[1])
    return right, len(chosen) - right


def train_attribution(nlp: Language, folder: Path, output: Path, C: float = ATTRIBUTION_C,
                      target: float = TARGET_PRECISION, echo: Callable[[str], None] = print):
    """Train on four fifths of the articles in ``folder``, report on the rest, write the model."""

    from sklearn.model_selection import GroupKFold

    from . import attribution_model

    names = sorted(p.stem for p in folder.glob("*.ann") if p.with_suffix(".txt").is_file())
    if not names:
        raise ValueError(f"{folder}: no NAME.txt with NAME.ann (PolNeAR's BRAT standoff) in it")
    heldout = set(random.Random(ATTRIBUTION_SEED).sample(names, len(names) // 5))
    echo(f"parsing {len(names)} articles of {folder} ({len(heldout)} held out) …")
    examples, counts = attribution_examples(nlp, folder, names, echo)
    train = [e for e in examples if e.article not in heldout]
    test = [e for e in examples if e.article in heldout]
    seen: dict[str, int] = {}
    for ex in train:
        for lemma, ok in zip(ex.lemmas, ex.cue_ok):
            seen[lemma] = seen.get(lemma, 0) + ok
    lemmas = frozenset(k for k, v in seen.items() if v >= MIN_LEMMA)
    # the threshold from held-out folds of the training part
    oof = []
    groups = [e.article for e in train]
    for tr, te in GroupKFold(3).split(train, groups=groups):
        coef = _fit_attribution([train[i] for i in tr], lemmas, C)
        oof += _decisions([train[i] for i in te], coef, lemmas)
    threshold = choose_threshold(oof, target)
    coef = _fit_attribution(train, lemmas, C)
    right, wrong = _gain(_decisions(test, coef, lemmas), threshold)
    held = [c for n, c in counts.items() if n in heldout]
    attributed = sum(c["attributed"] for c in held)
    correct = sum(c["correct"] for c in held)
    echo(f"\n{len(lemmas)} candidate cue words; threshold {threshold:.3f} (precision {target} of the "
         f"added attributions on held-out folds of the training part)")
    echo(f"held-out articles ({len(held)}), claims with a source that a gold attribution names:")
    echo(f"  rules alone        {correct:5} of {attributed:5} attributed claims (precision {correct / max(1, attributed):.3f})")
    echo(f"  rules + model      {correct + right:5} of {attributed + right + wrong:5} attributed claims "
         f"(precision {(correct + right) / max(1, attributed + right + wrong):.3f}); "
         f"the model adds {right} right and {wrong} wrong")
    model = attribution_model.Model(
        coef=coef, intercept=0.0, threshold=threshold, lemmas=lemmas,
        meta={"trained_on": f"PolNeAR train, {len(names) - len(heldout)} articles ({len(train)} claims "
                            f"without a rule source)", "heldout_articles": len(heldout), "C": C,
              "seed": ATTRIBUTION_SEED, "target_precision": target, "heldout_added": [right, wrong],
              "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}"})
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    echo(f"\nmodel written to {output}")
    return model, examples
