"""How worth checking a claim is: ClaimBuster's cfs/ufs/nfs, a calibrated score, Full Fact's type.

The class and the score come from a linear model learned from data (``annotator train
checkworthy``; weights in ``models/checkworthy.npz``). Its features are hashed from what the
spaCy model already computed for every token of the claim's content (lower-cased form, lemma,
suffix, prefix, shape, tag, dependency, entity type, as n-grams and head-dependent pairs) and from
the symbolic features of :mod:`.claim_features` (stance, cue classes, the guide's kinds of
non-factual content), so scoring costs a few array operations per claim. A claim that reads as prose (news, encyclopedia) rather than debate speech is
scored with prose-specific copies of its features and class biases tuned on prose (see
:class:`Model`). The score is the calibrated probability that the claim is ``cfs``. The claim
type is a rule over the claim's own content (its source and cue left out).

The ``annotator_checkworthy`` component sets ``span._.annotator_checkworthy``,
``span._.annotator_checkworthy_score`` and ``span._.annotator_claim_type``.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import cast

import numpy as np
from scipy import sparse
from spacy.attrs import DEP, ENT_TYPE, HEAD, LEMMA, LOWER, PREFIX, SHAPE, SUFFIX, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from . import char_ngrams, models
from .claim_features import content_span, judgement
from .claim_type import claim_type
from .claims import SPANS_KEY, trim
from .labels import CHECKWORTHY

CLASSES = CHECKWORTHY  # in the order of the model's rows
MODEL_FILE = "checkworthy.npz"

for _name in ("annotator_checkworthy", "annotator_checkworthy_score", "annotator_claim_type"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory("annotator_checkworthy", default_config={"spans_key": SPANS_KEY, "model": ""})
def make_checkworthy(nlp: Language, name: str, spans_key: str, model: str):
    """``model``: a weights file written by ``annotator train checkworthy``; empty for the shipped one."""
    return CheckworthyTagger(load_model(model or None), spans_key)


class CheckworthyTagger:
    def __init__(self, model: "Model", spans_key: str = SPANS_KEY):
        self.model = model
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        self.annotate(list(doc.spans[self.spans_key]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Score the claims of a batch of documents in one matrix product."""
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._annotated(batch)
                batch = []
        yield from self._annotated(batch)

    def _annotated(self, docs: list[Doc]) -> list[Doc]:
        self.annotate([c for doc in docs for c in doc.spans[self.spans_key]])
        return docs

    def annotate(self, claims: Sequence[Span]) -> None:
        for claim, (cls, score) in zip(claims, self.model.classify(claims)):
            claim._.annotator_checkworthy = cls
            claim._.annotator_checkworthy_score = score
            claim._.annotator_claim_type = claim_type(claim)


# --- features ------------------------------------------------------------------------------------

N_FEATURES = 2**18
# The layout of the features a model was trained on, in its meta: 2 since a prose claim is read
# by its content and the symbolic features of claim_features, 3 since the claim's character n-grams
# follow them (a model of another layout would score the wrong features without an error, so it is
# refused).
FEATURES = 3
ATTRS = [LOWER, LEMMA, SUFFIX, PREFIX, SHAPE, TAG, DEP, ENT_TYPE, HEAD]
# dependency relations whose word is a feature of its own (dep + lemma): the verb, its subject,
# auxiliaries, negation, adverbs, object and predicate say most about the kind of statement
KEY_DEPS = np.array([get_string_id(d) for d in ("ROOT", "nsubj", "aux", "neg", "advmod", "dobj",
                                                 "acomp", "attr")], dtype=np.uint64)
_BOS, _EOS = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_MIX = np.array([0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x87C37B91114253D5], dtype=np.uint64)


def _combine(kind: int, *columns: np.ndarray) -> np.ndarray:
    """Hash the feature ``kind`` with attribute columns (spaCy's 64-bit string hashes)."""
    h = np.full(len(columns[0]), (kind * 0x2545F4914F6CDD1D + 1) % 2**64, dtype=np.uint64)
    for n, col in enumerate(columns):
        h = (h ^ col) * _MIX[n % len(_MIX)]  # uint64 arithmetic wraps, as a hash should
        h ^= h >> np.uint64(29)
    return h


def feature_ids(claim: Span) -> np.ndarray:
    """The hashed feature indices of one claim (repeated when a feature occurs more than once)."""
    return claim_features([claim])[0]


def claim_features(claims: Sequence[Span]) -> list[np.ndarray]:
    """The readings of each claim, in one array: the words and parse of the whole claim (ids below
    ``N_FEATURES``: the debate reading, and what the genre gate reads), then, shifted by
    ``N_FEATURES``, those of its content (an attributed claim's attributed clause) with its symbolic
    features (see :mod:`.claim_features`): the prose reading; then, shifted by ``2 * N_FEATURES``,
    the character n-grams of the whole claim (:mod:`.char_ngrams`), which a prose claim is read by
    too. :func:`debate_ids`, :func:`prose_ids` and :func:`text_ids` take them apart."""
    whole = span_features(claims)
    contents = [content_span(c) for c in claims]
    attributed = [i for i, (c, s) in enumerate(zip(claims, contents)) if s is not c]
    content = dict(zip(attributed, span_features([contents[i] for i in attributed])))
    chars = char_ngrams.ngram_ids([c.text for c in claims])
    return [np.concatenate([w, np.concatenate([content.get(i, w), _hashed(judgement(c))]) + N_FEATURES,
                            t + 2 * N_FEATURES])
            for i, (w, c, t) in enumerate(zip(whole, claims, chars))]


def _hashed(names: list[str]) -> np.ndarray:
    ids = np.array([get_string_id(n) for n in names], dtype=np.uint64)
    return (_combine(15, ids) % np.uint64(N_FEATURES)).astype(np.int64)


def span_features(spans: Sequence[Span]) -> list[np.ndarray]:
    """:func:`feature_ids` of many spans, computed together: each document's attributes are read
    once, and each kind of feature is hashed for the tokens of every span in one array operation.
    """
    n = len(spans)
    if not n:
        return []
    arrays: dict[int, np.ndarray] = {}
    offsets: dict[int, int] = {}
    size = 0
    for span in spans:
        if id(span.doc) not in arrays:
            arrays[id(span.doc)] = span.doc.to_array(ATTRS)
            offsets[id(span.doc)] = size
            size += len(span.doc)
    table = np.concatenate(list(arrays.values()))  # every document's tokens, one after another
    starts = np.array([offsets[id(s.doc)] + s.start for s in spans], dtype=np.int64)
    lengths = np.array([len(s) for s in spans], dtype=np.int64)
    # tok: the row of each span's tokens in the table; sid: the span each token belongs to
    sid = np.repeat(np.arange(n), lengths)
    first = np.cumsum(lengths) - lengths
    tok = np.repeat(starts, lengths) + np.arange(len(sid)) - np.repeat(first, lengths)
    a = table[tok].astype(np.uint64)
    lower, lemma, suffix, prefix, shape, tag, dep, ent = a[:, :8].T
    head_lemma = table[tok + table[tok, 8].astype(np.int64), 1].astype(np.uint64)
    # each span's words and tags between a begin and an end marker, for the n-grams
    padded = np.where(lengths > 0, lengths + 2, 0)
    psid = np.repeat(np.arange(n), padded)
    at = np.repeat(np.cumsum(padded) - padded + 1, lengths) + np.arange(len(sid)) - np.repeat(first, lengths)
    low_b = np.full(len(psid), _BOS, dtype=np.uint64)
    low_b[np.cumsum(padded)[lengths > 0] - 1] = _EOS
    tag_b = low_b.copy()
    low_b[at], tag_b[at] = lower, tag
    bi = psid[:-1] == psid[1:]
    tri = psid[:-2] == psid[2:]
    key = np.isin(dep, KEY_DEPS)
    has_ent = ent != 0
    parts = [
        (sid, _combine(1, lower)), (psid[:-1][bi], _combine(2, low_b[:-1][bi], low_b[1:][bi])),
        (sid, _combine(3, lemma)), (sid, _combine(4, suffix)), (sid, _combine(5, prefix)),
        (sid, _combine(6, shape)), (psid, _combine(7, tag_b)),
        (psid[:-1][bi], _combine(8, tag_b[:-1][bi], tag_b[1:][bi])),
        (psid[:-2][tri], _combine(9, tag_b[:-2][tri], tag_b[1:-1][tri], tag_b[2:][tri])),
        (sid[has_ent], _combine(10, ent[has_ent])), (sid, _combine(11, dep)),
        (sid[key], _combine(12, dep[key], lemma[key])), (sid, _combine(13, head_lemma, dep, lemma)),
        (sid, _combine(14, lower, tag)),
    ]
    owner = np.concatenate([p[0] for p in parts])
    ids = (np.concatenate([p[1] for p in parts]) % np.uint64(N_FEATURES)).astype(np.int64)
    order = np.argsort(owner, kind="stable")
    return np.split(ids[order], np.cumsum(np.bincount(owner, minlength=n))[:-1])


# --- the model -----------------------------------------------------------------------------------


class ModelError(ValueError):
    pass


def debate_ids(ids: np.ndarray) -> np.ndarray:
    """The features of a claim read as debate speech: those of the whole claim."""
    return ids[ids < N_FEATURES]


def prose_ids(ids: np.ndarray) -> np.ndarray:
    """The features of a claim read as prose: its content's (the guide judges a reported claim by
    what is reported), each feature twice, as itself and as its prose copy.

    Daumé's feature augmentation: the shared copy learns what holds in debate and prose alike, the
    prose copy what differs in news and encyclopedia text (a prediction or a judgement reported in
    prose is ``nfs`` more often than a debate sentence with the same words is).
    """
    content = ids[(ids >= N_FEATURES) & (ids < 2 * N_FEATURES)] - N_FEATURES
    return np.concatenate([content, (content * 40503 + 12345) % N_FEATURES])


def text_ids(ids: np.ndarray) -> np.ndarray:
    """The character n-grams of the whole claim (columns of :data:`.char_ngrams.N_COLUMNS`)."""
    return ids[ids >= 2 * N_FEATURES] - 2 * N_FEATURES


def tfidf_rows(features: Sequence[np.ndarray], idf: np.ndarray) -> sparse.csr_matrix:
    """The TF-IDF rows of many spans' features (columns of ``idf``): sublinear tf × idf, each row's
    l2 norm 1."""
    # Each (row, feature) pair as one number, counted by one sort of the whole batch, where
    # scipy's sum_duplicates sorted row by row, and scaled by the norm in place, where a
    # product with diag(1 / norm) built a new matrix: half the time. The entries are then
    # put in the order that product left them (each row's from its last feature), so that
    # the sums of the products with the weights are the same to the last bit.
    n, columns = len(features), len(idf)
    lengths = np.array([len(f) for f in features], dtype=np.int64)
    pairs = np.repeat(np.arange(n, dtype=np.int64), lengths) * columns + np.concatenate(
        [*features, np.zeros(0, np.int64)])
    pairs, counts = np.unique(pairs, return_counts=True)
    rows = pairs // columns
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))])
    x = sparse.csr_matrix((counts.astype(np.float64), (pairs - rows * columns).astype(np.int32),
                           indptr), shape=(n, columns))
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norm = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x.data *= (1.0 / np.where(norm > 0, norm, 1.0))[rows]
    backwards = indptr[rows] + indptr[rows + 1] - 1 - np.arange(len(rows))
    return sparse.csr_matrix((x.data[backwards], x.indices[backwards], indptr), shape=(n, columns))


@dataclass
class Model:
    """A multinomial logistic regression over TF-IDF weighted hashed features, with a genre gate.

    A second, binary logistic regression (``genre_coef``, ``genre_intercept``) judges whether a claim
    reads as prose (news, encyclopedia) or as debate speech (ClaimBuster); a prose claim is scored
    with its features augmented by :func:`prose_ids` and chooses its class with ``prose_bias``
    (tuned on the gold sets, each scored by a model trained without it), a debate sentence with
    its plain features and ``bias`` (tuned for macro-F1 on held-out ClaimBuster folds). The
    ``bias`` vectors shift the log-probabilities before the class is chosen; ``calibration`` (a, b)
    maps the log-odds of ``cfs`` of a debate sentence to a calibrated probability,
    ``prose_calibration`` those of a prose claim (fitted on the held-out sets' prose claims).

    A prose claim's class probabilities are mixed with those of a second multinomial logistic
    regression over its character n-grams (``text_*``): ``text_weight`` of the first, the rest of
    the second (a plain average; 1.0, the default, leaves the second out). Read on its own, the
    claim as written transfers to news better than its parse does; mixed, each corrects the other.
    """

    classes: tuple[str, ...]
    idf: np.ndarray  # (N_FEATURES,)
    coef: np.ndarray  # (classes, N_FEATURES)
    intercept: np.ndarray  # (classes,)
    bias: np.ndarray  # (classes,)
    calibration: tuple[float, float]
    meta: dict
    genre_coef: np.ndarray  # (N_FEATURES,): positive for prose
    genre_intercept: float
    prose_bias: np.ndarray  # (classes,)
    prose_calibration: tuple[float, float]
    text_idf: np.ndarray = field(default_factory=lambda: np.ones(char_ngrams.N_COLUMNS))
    text_coef: np.ndarray = field(default_factory=lambda: np.zeros((len(CLASSES), char_ngrams.N_COLUMNS)))
    text_intercept: np.ndarray = field(default_factory=lambda: np.zeros(len(CLASSES)))
    text_weight: float = 1.0

    @cached_property
    def _coef_columns(self) -> np.ndarray:
        """``coef`` transposed and contiguous, as the sparse product wants it."""
        return np.ascontiguousarray(self.coef.T)

    @cached_property
    def _text_columns(self) -> np.ndarray:
        return np.ascontiguousarray(self.text_coef.T)

    def _tfidf(self, features: Sequence[np.ndarray]) -> sparse.csr_matrix:
        return tfidf_rows(features, self.idf)

    def is_prose(self, features: Sequence[np.ndarray]) -> np.ndarray:
        """Whether each span reads as prose rather than debate speech."""
        return self._tfidf([debate_ids(f) for f in features]) @ self.genre_coef + self.genre_intercept > 0

    def probabilities(self, features: Sequence[np.ndarray], prose: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities, one row per span, columns in ``classes`` order; ``prose`` marks
        the spans scored with their prose features (by default those :meth:`is_prose` judges so)."""
        if prose is None:
            prose = self.is_prose(features)
        x = self._tfidf([prose_ids(f) if p else debate_ids(f) for f, p in zip(features, prose)])
        p = _softmax(np.asarray(x @ self._coef_columns, dtype=np.float64) + self.intercept)
        prose = np.asarray(prose, dtype=bool)
        if self.text_weight < 1.0 and prose.any():
            rows = np.flatnonzero(prose)
            t = tfidf_rows([text_ids(f) for f, p_ in zip(features, prose) if p_], self.text_idf)
            q = _softmax(np.asarray(t @ self._text_columns, dtype=np.float64) + self.text_intercept)
            p[rows] = self.text_weight * p[rows] + (1.0 - self.text_weight) * q
        return p

    def decide(self, p: np.ndarray, prose: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The classes and calibrated cfs scores for rows of probabilities."""
        bias = np.where(np.asarray(prose)[:, None], self.prose_bias, self.bias)
        chosen = np.argmax(np.log(np.clip(p, 1e-12, 1)) + bias, axis=1)
        cfs = np.clip(p[:, self.classes.index("cfs")], 1e-9, 1 - 1e-9)
        a, b = np.where(np.asarray(prose)[None, :], np.array(self.prose_calibration)[:, None],
                        np.array(self.calibration)[:, None])
        score = 1.0 / (1.0 + np.exp(-(a * np.log(cfs / (1 - cfs)) + b)))
        return [self.classes[i] for i in chosen], score

    def classify(self, spans: Sequence[Span]) -> list[tuple[str, float]]:
        if not spans:
            return []
        features = claim_features(spans)
        prose = self.is_prose(features)
        classes, scores = self.decide(self.probabilities(features, prose), prose)
        return [(c, round(float(s), 3)) for c, s in zip(classes, scores)]

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path, classes=np.array(self.classes), idf=self.idf.astype(np.float16),
            coef=self.coef.astype(np.float16), intercept=self.intercept, bias=self.bias,
            calibration=np.array(self.calibration), meta=np.array(json.dumps({**self.meta, "features": FEATURES})),
            genre_coef=self.genre_coef.astype(np.float16), genre_intercept=np.array(self.genre_intercept),
            prose_bias=self.prose_bias, prose_calibration=np.array(self.prose_calibration),
            text_idf=self.text_idf.astype(np.float16), text_coef=self.text_coef.astype(np.float16),
            text_intercept=self.text_intercept, text_weight=np.array(self.text_weight),
        )


def _softmax(logits: np.ndarray) -> np.ndarray:
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def read_model(path: str | Path) -> Model:
    """A weights file, read without pickle."""
    try:
        with np.load(path, allow_pickle=False) as z:
            cal = "prose_calibration" if "prose_calibration" in z.files else "calibration"
            model = Model(
                classes=tuple(str(c) for c in z["classes"]),
                idf=z["idf"].astype(np.float32),
                coef=z["coef"].astype(np.float32),
                intercept=z["intercept"],
                bias=z["bias"],
                calibration=(float(z["calibration"][0]), float(z["calibration"][1])),
                meta=json.loads(str(z["meta"])),
                genre_coef=z["genre_coef"].astype(np.float32),
                genre_intercept=float(z["genre_intercept"]),
                prose_bias=z["prose_bias"],
                # a model written before prose had a calibration of its own: the one it had
                prose_calibration=(float(z[cal][0]), float(z[cal][1])),
                **({"text_idf": z["text_idf"].astype(np.float32), "text_coef": z["text_coef"].astype(np.float32),
                    "text_intercept": z["text_intercept"], "text_weight": float(z["text_weight"])}
                   if "text_coef" in z.files else {}),
            )
    except (OSError, KeyError, ValueError) as e:
        raise ModelError(f"{path}: not a check-worthiness model ({e})") from None
    if (set(model.classes) != set(CLASSES) or model.coef.shape != (len(CLASSES), N_FEATURES)
            or model.genre_coef.shape != (N_FEATURES,)
            or model.text_coef.shape != (len(CLASSES), char_ngrams.N_COLUMNS)):
        raise ModelError(f"{path}: a model for other classes or features than this version's")
    if model.meta.get("features", 1) not in (2, FEATURES):  # layout 2: 3 less the n-grams it does not read
        raise ModelError(f"{path}: a model of an older annotator's features (layout "
                         f"{model.meta.get('features', 1)}, this version reads {FEATURES}): train it again")
    return model


@cache
def load_model(path: str | None = None) -> Model:
    """The model at ``path``, or the one shipped in ``annotator/models``."""
    return models.load(path, MODEL_FILE, read_model)


# --- claims scored as texts ---------------------------------------------------------------------


ATTRIBUTION = ("annotator_source", "annotator_cue", "annotator_cue_classes", "annotator_content",
               "annotator_stance")


def sentence_spans(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Span]:
    """Each text taken whole as one claim: parsed by the pipeline without this component, and given
    the attribution and stance of the pipeline's claim that covers most of it."""
    skip = [name for name in nlp.pipe_names if name == "annotator_checkworthy"]
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=skip):
        yield as_claim(trim(doc[:]) or doc[:])


def as_claim(span: Span) -> Span:
    """``span`` given the attribution and stance of the pipeline's claim that covers most of it."""
    claims = list(span.doc.spans[SPANS_KEY]) if SPANS_KEY in span.doc.spans else []
    best = max(claims, key=lambda c: min(c.end, span.end) - max(c.start, span.start), default=None)
    for name in ATTRIBUTION:
        if best is not None and Span.has_extension(name):
            span._.set(name, best._.get(name))
    return span


def classify_texts(nlp: Language, texts: Sequence[str]) -> list[tuple[str, float]]:
    """The class and score of each text taken whole as one claim, by the pipeline's component."""
    tagger = cast(CheckworthyTagger, nlp.get_pipe("annotator_checkworthy"))
    return tagger.model.classify(list(sentence_spans(nlp, texts)))
