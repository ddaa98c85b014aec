"""How worth checking a claim is: ClaimBuster's cfs/ufs/nfs, a calibrated score, Full Fact's type.

The class and the score come from a linear model learned from data (``annotator train
checkworthy``; weights in ``models/checkworthy.npz``). Its features (:mod:`.checkworthy_features`)
are hashed from what the spaCy model already computed for every token of the claim (lower-cased
form, lemma, suffix, prefix, shape, tag, dependency, entity type, as n-grams and head-dependent
pairs), from the symbolic features of :mod:`.claim_features` (stance, cue classes, the guide's
kinds of non-factual content) and from the claim's characters (:mod:`.char_ngrams`), so scoring
costs a few array operations per claim. A claim that reads as prose (news, encyclopedia) rather
than debate speech is read by its content, with prose-specific copies of its features, class
biases tuned on prose, and its probabilities averaged with a character n-gram model's (see
:class:`Model`). The score is the calibrated probability that the claim is ``cfs``. The claim
type is a rule over the claim's own content (:mod:`.claim_type`).

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
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import char_ngrams, models
from .checkworthy_features import (
    FEATURES,
    N_FEATURES,
    claim_features,
    debate_ids,
    prose_ids,
    text_ids,
    tfidf_rows,
)
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


# --- the model -----------------------------------------------------------------------------------


class ModelError(ValueError):
    pass


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
