"""Train the check-worthiness model (``annotator train checkworthy``) and measure it in the same run.

Data: ClaimBuster's labelled debate sentences (``train.jsonl``) and the claims of gold files in
the guide's format (news and encyclopedia prose). A fixed stratified fifth of the ClaimBuster
sentences is held out: it is written to a file for ``annotator eval --sentences`` and never
trained on. In one run this prints, on that split, the learned model and a TF-IDF + linear SVM
baseline; on each gold set, the model trained without that set; then the calibration of the
shipped model's score on held-out folds.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from spacy.language import Language

from . import char_ngrams, checkworthy, checkworthy_features, evaluate, labels

SEED = 18
HELDOUT = 0.2
C = 3.0  # inverse regularisation strength, chosen by 5-fold cross-validation on the training part
# the share of the words-and-parse model in a prose claim's probabilities, the rest the character
# n-gram model's; chosen on the gold sets and news-train, each left out (see docs/checkworthiness.md)
TEXT_WEIGHT = 0.7
# the weight of a news claim that tunes the prose biases (``tuning``) in the character n-gram model's
# training (the words-and-parse model is not trained on them); 0 leaves them out of it
TEXT_NEWS_WEIGHT = 1.0
FOLDS = 5


@dataclass
class Example:
    text: str
    label: str
    group: str  # "claimbuster" or the name of a gold set
    weight: float = 1.0
    features: np.ndarray | None = None  # a claim read in its article (see news_labels); else parsed from text


def load_examples(claimbuster: Path, gold: Sequence[Path], gold_weight: float) -> list[Example]:
    """ClaimBuster's sentences, then the claims of each gold file (named by its folder)."""
    out = [Example(r["text"].strip(), r["checkworthy"], "claimbuster")
           for r in evaluate.load_sentences(claimbuster)]
    for path in gold:
        name = path.parent.name if path.name == "gold.jsonl" else path.stem
        for g in evaluate.load_gold(path):
            if g.get("checkworthy") in labels.CHECKWORTHY:
                out.append(Example(g["text"].strip(), g["checkworthy"], name, gold_weight))
    return out


def claimbuster_split(examples: Sequence[Example]) -> tuple[list[int], list[int]]:
    """The indices of the ClaimBuster sentences trained on, and of the fixed stratified fifth held
    out (sorted)."""
    from sklearn.model_selection import train_test_split

    cb = [i for i, e in enumerate(examples) if e.group == "claimbuster"]
    train, test = train_test_split(cb, test_size=HELDOUT, random_state=SEED,
                                   stratify=[examples[i].label for i in cb])
    return list(train), sorted(test)


def matrix(features: Sequence[np.ndarray], columns: int = checkworthy_features.N_FEATURES):
    """Hashed feature ids as a sparse count matrix."""
    from scipy import sparse

    rows = np.repeat(np.arange(len(features)), [len(f) for f in features])
    cols = np.concatenate(features) if features else np.zeros(0, dtype=np.int64)
    m = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)),
                          shape=(len(features), columns))
    m.sum_duplicates()
    return m


def fit(features: Sequence[np.ndarray], labels: Sequence[str], weights: Sequence[float],
        prose: Sequence[bool], oof: np.ndarray | None = None, text_weight: float = TEXT_WEIGHT,
        text_extra: Sequence[tuple[np.ndarray, str, float]] = ()) -> checkworthy.Model:
    """A model from features, labels and genres (``prose``: a gold claim rather than a debate
    sentence), with its character n-gram model when ``text_weight`` is under 1, trained on the same
    examples and on ``text_extra`` (features, label, weight: news claims); ``oof`` (held-out-fold probabilities of the same examples) tunes the debate class
    biases and calibrates the score, when given. The prose biases are left at zero, the prose
    calibration that of the score (see :func:`fit_and_measure`)."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    is_prose = np.asarray(prose, dtype=bool)
    counts = matrix([checkworthy_features.prose_ids(f) if p else checkworthy_features.debate_ids(f) for f, p in zip(features, is_prose)])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    lr.fit(tfidf.transform(counts), labels, sample_weight=np.asarray(weights))
    order = [list(lr.classes_).index(c) for c in checkworthy.CLASSES]
    genre_coef, genre_intercept = np.zeros(checkworthy_features.N_FEATURES), 1.0 if is_prose.all() else -1.0
    if 0 < is_prose.sum() < len(is_prose):
        genre = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
        genre.fit(tfidf.transform(matrix([checkworthy_features.debate_ids(f) for f in features])), is_prose)
        genre_coef, genre_intercept = genre.coef_[0], float(genre.intercept_[0])
    model = checkworthy.Model(  # weights at the precision of the file, so figures are the shipped model's
        classes=checkworthy.CLASSES, idf=tfidf.idf_.astype(np.float16).astype(np.float32),
        coef=lr.coef_[order].astype(np.float16).astype(np.float32), intercept=lr.intercept_[order],
        bias=np.zeros(len(order)), calibration=(1.0, 0.0), meta={},
        genre_coef=genre_coef.astype(np.float16).astype(np.float32), genre_intercept=genre_intercept,
        prose_bias=np.zeros(len(order)), prose_calibration=(1.0, 0.0),
    )
    if text_weight < 1.0:  # the same examples (and ``text_extra``'s), read by their characters
        model = replace(model, **fit_text([*features, *(x[0] for x in text_extra)],
                                          [*labels, *(x[1] for x in text_extra)],
                                          [*weights, *(x[2] for x in text_extra)]), text_weight=text_weight)
    if oof is not None:
        debate = ~is_prose
        model.bias = tune_bias(oof[debate], np.asarray(labels)[debate]) if debate.any() else np.zeros(3)
        model.calibration = model.prose_calibration = calibrate(oof[:, 0], np.asarray(labels) == "cfs")
    return model


def fit_text(features: Sequence[np.ndarray], labels: Sequence[str], weights: Sequence[float]) -> dict:
    """The character n-gram model's fields of :class:`checkworthy.Model`, fitted on these examples."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    counts = matrix([checkworthy_features.text_ids(f) for f in features], char_ngrams.N_COLUMNS)
    chars = TfidfTransformer(sublinear_tf=True).fit(counts)
    text = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    text.fit(chars.transform(counts), labels, sample_weight=np.asarray(weights))
    order = [list(text.classes_).index(c) for c in checkworthy.CLASSES]
    return {"text_idf": chars.idf_.astype(np.float16).astype(np.float32),
            "text_coef": text.coef_[order].astype(np.float16).astype(np.float32),
            "text_intercept": text.intercept_[order]}


def out_of_fold(features: Sequence[np.ndarray], labels: Sequence[str], weights: Sequence[float],
                prose: Sequence[bool], seed: int = SEED) -> np.ndarray:
    """Each example's class probabilities from a model trained on the other folds (each example
    scored as the genre it comes from)."""
    from sklearn.model_selection import StratifiedKFold

    labels_a, prose_a = np.asarray(labels), np.asarray(prose, dtype=bool)
    oof = np.zeros((len(labels), len(checkworthy.CLASSES)))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(labels_a, labels_a):
        m = fit([features[i] for i in train], labels_a[train], np.asarray(weights)[train], prose_a[train])
        oof[test] = m.probabilities([features[i] for i in test], prose_a[test])
    return oof


def tune_bias(p: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Offsets added to the log-probabilities of ufs and nfs that maximise macro-F1 on ``p``."""
    from sklearn.metrics import f1_score

    logp = np.log(np.clip(p, 1e-12, 1))
    grid = np.round(np.arange(-1.0, 1.01, 0.1), 2)
    best, best_f1 = np.zeros(3), -1.0
    for u in grid:
        for n in grid:
            bias = np.array([0.0, u, n])
            pred = np.array(checkworthy.CLASSES)[np.argmax(logp + bias, axis=1)]
            f1 = f1_score(labels, pred, average="macro")
            if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(u) + abs(n) < np.abs(best).sum()):
                best, best_f1 = bias, f1
    return best


def calibrate(p_cfs: np.ndarray, is_cfs: np.ndarray) -> tuple[float, float]:
    """Platt scaling of the log-odds of cfs: monotonic, so the ranking stays as it was."""
    from sklearn.linear_model import LogisticRegression

    p = np.clip(p_cfs, 1e-9, 1 - 1e-9)
    lr = LogisticRegression(C=1e6).fit(np.log(p / (1 - p)).reshape(-1, 1), is_cfs)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def reliability(scores: np.ndarray, is_cfs: np.ndarray, bins: int = 5) -> list[tuple[str, int, float, float]]:
    """(score range, claims, mean score, share that are cfs) per bin of the score."""
    out = []
    for k in range(bins):
        lo, hi = k / bins, (k + 1) / bins
        sel = (scores >= lo) & ((scores < hi) if k < bins - 1 else (scores <= hi))
        if sel.any():
            out.append((f"{lo:.1f}-{hi:.1f}", int(sel.sum()), float(scores[sel].mean()),
                        float(is_cfs[sel].mean())))
    return out


def baseline(train: Sequence[Example], test: Sequence[Example]) -> dict:
    """TF-IDF word uni- and bigrams with a linear SVM: the issue's point of comparison."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    svm = LinearSVC(C=0.5, random_state=SEED).fit(vec.fit_transform([e.text for e in train]),
                                                  [e.label for e in train])
    x = vec.transform([e.text for e in test])
    margin = svm.decision_function(x)[:, list(svm.classes_).index("cfs")]
    return evaluate.checkworthy_scores([e.label for e in test], list(svm.predict(x)), list(margin))


def scores_of(model: checkworthy.Model, features: Sequence[np.ndarray], examples: Sequence[Example]) -> dict:
    prose = model.is_prose(features)
    classes, scores = model.decide(model.probabilities(features, prose), prose)
    return evaluate.checkworthy_scores([e.label for e in examples], classes, list(scores))


def features_of(nlp: Language, examples: Sequence[Example]) -> list[np.ndarray]:
    """Each example's features: its own (a claim read in its article), or its text's, parsed alone."""
    texts = [e.text for e in examples if e.features is None]
    parsed = iter([checkworthy_features.feature_ids(s) for s in checkworthy.sentence_spans(nlp, texts)])
    return [e.features if e.features is not None else next(parsed) for e in examples]


def train_checkworthy(
    nlp: Language, claimbuster: Path, gold: Sequence[Path], output: Path, heldout_path: Path,
    gold_weight: float = 1.0, echo: Callable[[str], None] = print, extra: Sequence[Example] = (),
    measured: Sequence[Example] = (), tuning: Sequence[Example] = (),
) -> checkworthy.Model:
    """Train, measure, and write the model to ``output`` and the held-out split to ``heldout_path``.

    ``extra``: more labelled claims trained on, each group a gold set of its own (news claims
    labelled in their articles, ``annotator learn``'s reviewed claims); ``measured``: labelled
    claims only measured, never trained on (a news test set), each group reported; ``tuning``:
    labelled claims the words-and-parse model never trains on, that tune the prose class biases
    and the prose calibration with the gold sets' held-out predictions (news claims), and that the
    character n-gram model trains on (weight :data:`TEXT_NEWS_WEIGHT`; each set's predictions that
    tune come from a character model trained without it)."""
    examples = load_examples(claimbuster, gold, gold_weight) + list(extra)
    echo(f"parsing {len(examples) + len(measured) + len(tuning)} sentences with "
         f"{nlp.meta['lang']}_{nlp.meta['name']} …")
    features = features_of(nlp, [*examples, *measured, *tuning])
    n, m = len(examples), len(examples) + len(measured)
    return fit_and_measure(examples, features[:n], output, heldout_path, echo, measured, features[n:m],
                           gold_weight, f"{nlp.meta['lang']}_{nlp.meta['name']}", tuning, features[m:])


def fit_and_measure(
    examples: list[Example], features: list[np.ndarray], output: Path, heldout_path: Path,
    echo: Callable[[str], None] = print, measured: Sequence[Example] = (),
    measured_features: Sequence[np.ndarray] = (), gold_weight: float = 1.0, spacy_model: str = "",
    tuning: Sequence[Example] = (), tuning_features: Sequence[np.ndarray] = (),
) -> checkworthy.Model:
    """:func:`train_checkworthy` once the features are computed (``gold_weight`` and ``spacy_model``
    are recorded in the model's meta)."""
    import json

    cb = [i for i, e in enumerate(examples) if e.group == "claimbuster"]
    cb_train, heldout = claimbuster_split(examples)
    heldout_path.parent.mkdir(parents=True, exist_ok=True)
    with open(heldout_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"text": examples[i].text, "checkworthy": examples[i].label}) + "\n" for i in heldout)
    kept = set(heldout)
    train = [i for i in range(len(examples)) if i not in kept]

    def part(idx):
        return ([features[i] for i in idx], [examples[i].label for i in idx], [examples[i].weight for i in idx],
                [examples[i].group != "claimbuster" for i in idx])

    echo(f"ClaimBuster: {len(cb_train)} sentences to train on, {len(heldout)} held out "
         f"(written to {heldout_path}); gold claims: {len(examples) - len(cb)}")
    f_tr, y_tr, w_tr, g_tr = part(train)
    oof = out_of_fold(f_tr, y_tr, w_tr, g_tr)
    # the news claims that tune the prose biases also train the character n-gram model
    news_text = [(f, e.label, TEXT_NEWS_WEIGHT) for f, e in zip(tuning_features, tuning)] if TEXT_NEWS_WEIGHT else []
    model = fit(f_tr, y_tr, w_tr, g_tr, oof, text_extra=news_text)
    groups = sorted({e.group for e in examples} - {"claimbuster"})
    news = {e.group for e in examples if e.features is not None}  # claims read in their articles
    loso = {}  # each gold set scored by a model trained without it: probabilities, genre, labels
    for g in groups:
        test = [i for i, e in enumerate(examples) if e.group == g]
        f_o, y_o, w_o, g_o = part([i for i in train if examples[i].group != g])
        m = fit(f_o, y_o, w_o, g_o, text_extra=news_text)
        f_g = [features[i] for i in test]
        prose = m.is_prose(f_g)
        loso[g] = (m.probabilities(f_g, prose), prose, [examples[i].label for i in test])
    tuned = sorted({e.group for e in tuning})
    for g in tuned:  # the words-and-parse model never trained on them; the character model without them
        f_g = [f for f, e in zip(tuning_features, tuning) if e.group == g]
        m = model
        if news_text and model.text_weight < 1.0:
            rest = [x for x, e in zip(news_text, tuning) if e.group != g]
            m = replace(model, **fit_text(f_tr + [x[0] for x in rest], y_tr + [x[1] for x in rest],
                                          w_tr + [x[2] for x in rest]))
        prose = m.is_prose(f_g)
        loso[g] = (m.probabilities(f_g, prose), prose, [e.label for e in tuning if e.group == g])

    def prose_bias(names) -> np.ndarray:
        """Class biases for prose tuned on the held-out predictions of the sets ``names``."""
        p = [loso[n][0][loso[n][1]] for n in names]
        y = [lab for n in names for lab, pr in zip(loso[n][2], loso[n][1]) if pr]
        return tune_bias(np.vstack(p), y) if y else np.zeros(len(checkworthy.CLASSES))

    def prose_calibration(names) -> tuple[float, float]:
        """The score's calibration for prose, fitted on the held-out predictions of the sets ``names``
        (ClaimBuster's folds, nearly all debate, make it run high on news prose)."""
        p = [loso[n][0][loso[n][1], 0] for n in names]
        y = [lab == "cfs" for n in names for lab, pr in zip(loso[n][2], loso[n][1]) if pr]
        return calibrate(np.concatenate(p), np.array(y)) if len(set(y)) == 2 else model.calibration

    model.prose_bias = prose_bias(groups + tuned)
    model.prose_calibration = prose_calibration(groups + tuned)
    rows = [("TF-IDF + linear SVM (baseline)",
             baseline([examples[i] for i in cb_train], [examples[i] for i in heldout])),
            ("this model", scores_of(model, [features[i] for i in heldout], [examples[i] for i in heldout]))]
    echo("\nheld-out ClaimBuster split:")
    for name, r in rows:
        echo(f"  {name:32} macro-F1 {r['macro_f1']:.3f}  cfs AP {r['cfs_average_precision']:.3f}  "
             f"F1 cfs {r['cfs']['f1']:.3f} ufs {r['ufs']['f1']:.3f} nfs {r['nfs']['f1']:.3f}")
    def line(name: str, classes: list[str], scores: list[float], labels: list[str]) -> None:
        r = evaluate.checkworthy_scores(labels, classes, scores)
        brier = float(np.mean((np.asarray(scores) - (np.asarray(labels) == "cfs")) ** 2))
        echo(f"  {name:32} macro-F1 {r['macro_f1']:.3f}  cfs AP {r['cfs_average_precision']:.3f}  "
             f"F1 ufs {r['ufs']['f1']:.3f}  Brier {brier:.3f}  ({r['sentences']} claims)")

    if groups:
        echo("\ngold sets, each scored by a model trained without it (its prose class biases and "
             "calibration tuned on the other sets)" + (", then the news sets that tune them, "
             "each read by a character model trained without it:" if tuned else ":"))
        pooled: dict[bool, tuple[list, list, list]] = {}
        for g in groups + tuned:
            p, prose, labels = loso[g]
            others = [h for h in groups + tuned if h != g]
            scorer = replace(model, prose_bias=prose_bias(others), prose_calibration=prose_calibration(others))
            classes, scores = scorer.decide(p, prose)
            for got, more in zip(pooled.setdefault(g in news or g in tuned, ([], [], [])),
                                 (classes, list(scores), labels)):
                got += more
            line(f"{g} ({prose.mean():.0%} read as prose)", classes, list(scores), labels)
        for is_news, name in ((False, "the gold sets, pooled"), (True, "the news labels, pooled")):
            if is_news in pooled:
                line(name, *pooled[is_news])
    if measured:
        echo("\nlabelled claims measured only, never trained on (this model, then the baseline "
             "trained on all the sentences this model is):")
        everything = [examples[i] for i in train]
        for g in sorted({e.group for e in measured}):
            idx = [i for i, e in enumerate(measured) if e.group == g]
            f_g, m_g = [measured_features[i] for i in idx], [measured[i] for i in idx]
            prose = model.is_prose(f_g)
            classes, scores = model.decide(model.probabilities(f_g, prose), prose)
            line(f"{g} ({prose.mean():.0%} read as prose)", classes, list(scores), [e.label for e in m_g])
            b = baseline(everything, m_g)
            echo(f"  {'  TF-IDF + linear SVM':32} macro-F1 {b['macro_f1']:.3f}  cfs AP "
                 f"{b['cfs_average_precision']:.3f}")
            is_cfs = np.array([e.label == "cfs" for e in m_g])
            echo(f"  {'  calibration':32} Brier {float(np.mean((scores - is_cfs) ** 2)):.3f}; mean score "
                 f"{float(np.mean(scores)):.2f}, {is_cfs.mean():.2f} of them cfs")
    _, calibrated = model.decide(oof, np.asarray(g_tr))
    is_cfs = np.asarray(y_tr) == "cfs"
    brier = float(np.mean((calibrated - is_cfs) ** 2))
    echo(f"\ncalibration of the cfs score on held-out folds (Brier {brier:.3f}):")
    for rng, n, mean, share in reliability(calibrated, is_cfs):
        echo(f"  score {rng}: {n:5} claims, mean score {mean:.2f}, {share:.2f} of them cfs")
    model.meta = {
        "trained_on": {"claimbuster": len(cb_train), **{g: sum(1 for i in train if examples[i].group == g)
                                                        for g in groups}},
        "prose_tuned_on": {g: len(loso[g][2]) for g in tuned},
        "text_news_weight": TEXT_NEWS_WEIGHT if news_text else 0.0,
        "gold_weight": gold_weight, "C": C, "seed": SEED, "heldout": rows[1][1], "baseline": rows[0][1],
        "brier": round(brier, 4), "prose_bias": model.prose_bias.tolist(),
        "prose_calibration": list(model.prose_calibration), "text_weight": model.text_weight,
        "spacy_model": spacy_model,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    echo(f"\nmodel written to {output}")
    return model
