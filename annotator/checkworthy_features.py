"""The features the check-worthiness model reads, hashed from what spaCy has already computed.

For every claim: the lower-cased form, lemma, suffix, prefix, shape, tag, dependency and entity
type of its tokens, as n-grams and head-dependent pairs (the debate reading); the same of its
content with the symbolic features of :mod:`.claim_features` (the prose reading); and the claim's
character n-grams (:mod:`.char_ngrams`). :func:`claim_features` computes them for a batch, one
array a claim; :func:`debate_ids`, :func:`prose_ids` and :func:`text_ids` take it apart, and
:func:`tfidf_rows` weighs them as the model (:mod:`.checkworthy`) reads them.
"""

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from spacy.attrs import DEP, ENT_TYPE, HEAD, LEMMA, LOWER, PREFIX, SHAPE, SUFFIX, TAG
from spacy.strings import get_string_id
from spacy.tokens import Span

from . import char_ngrams
from .claim_features import content_span, judgement

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
