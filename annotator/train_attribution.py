"""Train the attribution model of :mod:`annotator.attribution_model` (``annotator train
attribution``) and measure it in the same run.

``annotator train attribution``: the model of attribution_model.py, trained on PolNeAR's train
split (BRAT standoff: NAME.txt and NAME.ann) over every claim's candidate attributions, the rules'
own among them. A fixed fifth of the articles is held out: the run prints, on it, the rules alone
and the rules with the model (what it adds, replaces and drops).
"""

import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

ATTRIBUTION_SEED = 13
ATTRIBUTION_C = 0.3  # inverse regularisation strength, chosen on the held-out articles
MIN_LEMMA = 3  # a word is a candidate cue when it was a cue this many times in training
MIN_SWITCH_GAIN = 0.005  # replacing the rules' source must gain this share of their attributions
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
    """A claim, its candidate attributions and how each would score. The rules' own attribution,
    when they gave one, is the first candidate (``rule``)."""

    article: str
    attributed: bool  # a gold attribution covers it
    rule: bool  # the rules gave it a source: the first candidate is theirs
    vetoable: bool  # the model may drop the rules' attribution (not attribution_model.guide_only)
    lemmas: list[str]
    features: list[np.ndarray]
    cue_ok: list[bool]  # the candidate is the gold cue and its source the gold source
    source_ok: list[bool]  # the candidate's source names the gold source
    in_guide: list[bool]  # the candidate may attribute the claim in the guide's scheme


Article = tuple[str, list[GoldAttribution], list[tuple[int, Doc]]]


def parse_articles(nlp: Language, folder: Path, names: Sequence[str],
                   echo: Callable[[str], None] = print) -> Iterator[Article]:
    """Each article of ``names`` in ``folder``: its name, gold attributions and paragraphs
    (offset, parse by ``nlp``, whose attribution component must run the rules alone)."""
    from . import attribution, corpus, pipeline

    rules = nlp.get_pipe("annotator_attribution")
    assert isinstance(rules, attribution.Attributor) and rules.model is None
    docs = []
    for name in names:
        d = corpus.read_document(folder / f"{name}.txt", f"{name}.txt")
        if isinstance(d, corpus.Document):  # a few articles hold control characters: skipped, as extract does
            docs.append((name, d))
    blocks_all = pipeline.segment_many([d.text for _, d in docs], pipeline.finite_verb_checker(nlp))
    for k, ((name, d), blocks) in enumerate(zip(docs, blocks_all)):
        if k % 100 == 0:
            echo(f"  {k}/{len(docs)} articles parsed")
        paragraphs = [b for b in blocks if b.kind == "paragraph"]
        parsed = nlp.pipe([b.text for b in paragraphs], batch_size=64)
        yield name, read_brat(folder / f"{name}.ann"), [(b.start, doc) for b, doc in zip(paragraphs, parsed)]


def attribution_examples(articles: Iterable[Article]) -> tuple[list[ClaimExample], dict]:
    """Every claim of the parsed ``articles`` with its candidates (the rules' attribution first,
    when they gave one); and, per article, the rules' counts (attributed claims, correct ones)."""
    from . import attribution, attribution_model

    class Every:  # every word is a candidate here; the lemma list is made from the training part
        def __contains__(self, item: object) -> bool:
            return True

    every = Every()
    out: list[ClaimExample] = []
    counts: dict[str, dict] = {}
    for name, gold, paragraphs in articles:
        c = counts[name] = {"attributed": 0, "correct": 0}
        for offset, doc in paragraphs:
            for claim in doc.spans[attribution.SPANS_KEY]:
                start, end = offset + claim.start_char, offset + claim.end_char
                covering = [g for g in gold if _covers(start, end, g)]
                src, cue = claim._.annotator_source, claim._.annotator_cue
                found = attribution.Attribution(src, cue)
                rule = attribution_model.rule_candidate(claim, found)
                if src is not None:
                    c["attributed"] += 1
                    c["correct"] += any(_names(src.text, g.source[2]) for g in covering)
                vetoable = rule is not None and not attribution_model.guide_only(claim, cue)
                ex = ClaimExample(name, bool(covering), rule is not None, vetoable, [], [], [], [], [])
                if rule is not None:
                    found_cands = [rule, *attribution_model.alternatives(claim, rule, every, guide=False)]
                    guide = [True] + [not k.cue.is_ancestor(rule.cue) and k.in_guide for k in found_cands[1:]]
                else:
                    found_cands = list(attribution_model.candidates(claim, every, guide=False))
                    guide = [k.in_guide for k in found_cands]
                for cand, ok_guide in zip(found_cands, guide):
                    a = offset + cand.cue.idx
                    ex.lemmas.append(cand.cue.lemma_.lower())
                    ex.features.append(attribution_model.feature_ids(cand.features))
                    ex.source_ok.append(any(_names(cand.source.text, g.source[2]) for g in covering))
                    ex.in_guide.append(ok_guide)
                    ex.cue_ok.append(any(g.cue[0] <= a < g.cue[1] and _names(cand.source.text, g.source[2])
                                         for g in covering))
                out.append(ex)
            doc.user_data.clear()
    return out, counts


def _fit_attribution(examples: Sequence[ClaimExample], lemmas: frozenset[str], C: float):
    """Weights learned from every candidate: the rules' attribution labelled by its source, the
    others by their cue and source."""
    from sklearn.linear_model import LogisticRegression

    from . import attribution_model

    feats, ys = [], []
    for ex in examples:
        for k, (lemma, f) in enumerate(zip(ex.lemmas, ex.features)):
            if k == 0 and ex.rule:
                feats.append(f)
                ys.append(ex.source_ok[0])
            elif lemma in lemmas:
                feats.append(f)
                ys.append(ex.cue_ok[k])
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


def _p(coef: np.ndarray, f: np.ndarray) -> float:
    return 1.0 / (1.0 + np.exp(-float(coef[f].sum())))


def _best_other(ex: ClaimExample, coef: np.ndarray, lemmas: frozenset[str]) -> tuple[float, bool] | None:
    """The best candidate of ``ex`` other than the rules', in the guide's scheme: (probability, source right)."""
    best = None
    for k, (lemma, f, ok, guide) in enumerate(zip(ex.lemmas, ex.features, ex.source_ok, ex.in_guide)):
        if (k > 0 or not ex.rule) and lemma in lemmas and guide:
            p = _p(coef, f)
            if best is None or p > best[0]:
                best = (p, ok)
    return best


def _decisions(examples: Sequence[ClaimExample], coef: np.ndarray, lemmas: frozenset[str]):
    """Per claim the rules left without a source and with a candidate in the guide's scheme:
    (best probability, whether its source is right, attributed)."""
    out = []
    for ex in examples:
        best = None if ex.rule else _best_other(ex, coef, lemmas)
        if best is not None:
            out.append((best[0], best[1], ex.attributed))
    return out


def _rule_decisions(examples: Sequence[ClaimExample], coef: np.ndarray, lemmas: frozenset[str]):
    """Per claim the rules attributed: (the rules' probability, their source right, the best other
    candidate's probability or -1, its source right, whether the model may drop it)."""
    out = []
    for ex in examples:
        if ex.rule:
            other = _best_other(ex, coef, lemmas) or (-1.0, False)
            out.append((_p(coef, ex.features[0]), ex.source_ok[0], other[0], other[1], ex.vetoable))
    return out


def choose_switch(decisions, min_gain: float = MIN_SWITCH_GAIN) -> float:
    """The probability at or above which the best other candidate, when it scores higher than
    the rules' attribution, replaces it: where the replacements gain most (right sources made
    minus right sources lost); 2.0 (never) when no threshold gains ``min_gain`` of the claims the
    rules attributed, which would not pay for scoring every other candidate of every claim."""
    ranked = sorted((d for d in decisions if d[2] > d[0]), key=lambda d: -d[2])
    best, gain, net = 2.0, max(0.0, min_gain * len(decisions)), 0
    for n, (_, rule_ok, p, ok, *_) in enumerate(ranked, 1):
        net += ok - rule_ok
        if net > gain and n >= 10:
            best, gain = p, net
    return best


def choose_veto(decisions, switch: float, cost: float = 2.0) -> float:
    """The probability below which the rules' attribution is dropped: where dropping gains most,
    counting a wrong source dropped as one and a right one lost as ``cost``; 0.0 (never) when no
    threshold gains."""
    kept = sorted((d for d in decisions if d[4] and not (d[2] >= switch and d[2] > d[0])), key=lambda d: d[0])
    best, gain, net = 0.0, 0.0, 0.0
    for n, (p, ok, *_) in enumerate(kept, 1):
        net += -cost if ok else 1.0
        if net > gain and n >= 10 and (n == len(kept) or kept[n][0] > p):
            best, gain = (p + kept[n][0]) / 2 if n < len(kept) else 1.0, net
    return best


def _outcome(decisions, switch: float, veto: float) -> tuple[int, int, int, int]:
    """(switched to right, switched from right, vetoed wrong, vetoed right)."""
    to = frm = vw = vr = 0
    for p_rule, rule_ok, p, ok, vetoable in decisions:
        if p >= switch and p > p_rule:
            to += ok and not rule_ok
            frm += rule_ok and not ok
        elif p_rule < veto and vetoable:
            vw += not rule_ok
            vr += rule_ok
    return to, frm, vw, vr


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


def fit(examples: Sequence[ClaimExample], lemmas: frozenset[str], C: float = ATTRIBUTION_C,
        target: float = TARGET_PRECISION):
    """Weights and thresholds (add, switch, veto) from ``examples``, the thresholds chosen on
    three held-out folds of them."""
    from sklearn.model_selection import GroupKFold

    oof, oof_rule = [], []
    groups = [e.article for e in examples]
    for tr, te in GroupKFold(3).split(examples, groups=groups):
        coef = _fit_attribution([examples[i] for i in tr], lemmas, C)
        oof += _decisions([examples[i] for i in te], coef, lemmas)
        oof_rule += _rule_decisions([examples[i] for i in te], coef, lemmas)
    threshold = choose_threshold(oof, target)
    switch = choose_switch(oof_rule)
    veto = choose_veto(oof_rule, switch)
    return _fit_attribution(examples, lemmas, C), threshold, switch, veto


def candidate_lemmas(examples: Sequence[ClaimExample]) -> frozenset[str]:
    seen: dict[str, int] = {}
    for ex in examples:
        for lemma, ok in zip(ex.lemmas, ex.cue_ok):
            seen[lemma] = seen.get(lemma, 0) + ok
    return frozenset(k for k, v in seen.items() if v >= MIN_LEMMA)


def train_attribution(nlp: Language, folder: Path, output: Path, C: float = ATTRIBUTION_C,
                      target: float = TARGET_PRECISION, echo: Callable[[str], None] = print,
                      articles: Iterable[Article] | None = None):
    """Train on four fifths of the articles in ``folder``, report on the rest, write the model.
    ``articles``: the articles already parsed (as :func:`parse_articles` gives them)."""
    from . import attribution_model

    names = sorted(p.stem for p in folder.glob("*.ann") if p.with_suffix(".txt").is_file())
    if not names:
        raise ValueError(f"{folder}: no NAME.txt with NAME.ann (PolNeAR's BRAT standoff) in it")
    heldout = set(random.Random(ATTRIBUTION_SEED).sample(names, len(names) // 5))
    echo(f"parsing {len(names)} articles of {folder} ({len(heldout)} held out) …")
    examples, counts = attribution_examples(articles if articles is not None else parse_articles(nlp, folder, names, echo))
    train = [e for e in examples if e.article not in heldout]
    test = [e for e in examples if e.article in heldout]
    lemmas = candidate_lemmas(train)
    coef, threshold, switch, veto = fit(train, lemmas, C, target)
    right, wrong = _gain(_decisions(test, coef, lemmas), threshold)
    to, frm, vw, vr = _outcome(_rule_decisions(test, coef, lemmas), switch, veto)
    held = [c for n, c in counts.items() if n in heldout]
    attributed = sum(c["attributed"] for c in held)
    correct = sum(c["correct"] for c in held)
    after_right = correct + right + to - frm - vr
    after_n = attributed + right + wrong - vw - vr
    echo(f"\n{len(lemmas)} candidate cue words; thresholds: add {threshold:.3f} (precision {target} of the "
         f"added attributions on held-out folds of the training part), switch {switch:.3f}, veto {veto:.3f}")
    echo(f"held-out articles ({len(held)}), claims with a source that a gold attribution names:")
    echo(f"  rules alone        {correct:5} of {attributed:5} attributed claims (precision {correct / max(1, attributed):.3f})")
    echo(f"  rules + model      {after_right:5} of {after_n:5} attributed claims "
         f"(precision {after_right / max(1, after_n):.3f}); the model adds {right} right and {wrong} wrong, "
         f"replaces {to} wrong sources by right ones and {frm} right by wrong, drops {vw} wrong and {vr} right")
    model = attribution_model.Model(
        coef=coef, intercept=0.0, threshold=threshold, lemmas=lemmas, switch=switch, veto=veto,
        meta={"trained_on": f"PolNeAR train, {len(names) - len(heldout)} articles ({len(train)} claims)",
              "heldout_articles": len(heldout), "C": C,
              "seed": ATTRIBUTION_SEED, "target_precision": target, "heldout_added": [right, wrong],
              "heldout_switched": [to, frm], "heldout_dropped": [vw, vr],
              "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}"})
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    echo(f"\nmodel written to {output}")
    return model, examples
