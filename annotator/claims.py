"""Claim spans: declarative sentences, or independent clauses that carry their own attribution.

The ``annotator_claims`` component fills ``doc.spans["annotator_claims"]``. A sentence is a claim
when it has a finite verb (or, without sentence punctuation, a headline's passive: ``City council
accused of hiding …``) and is not a question; a sentence whose coordinated clauses each have
their own subject, one of them introduced by an attribution cue (``X said A, but they have not
accused B``), is split into one claim per clause, as the guide asks for clauses with different
sources or stances.
"""

import itertools

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon, structure

SPANS_KEY = "annotator_claims"
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS", "PRP"})
_EDGE_PUNCT = frozenset({",", ";", "--", "—", "–", ":"})


@Language.factory("annotator_claims", default_config={"spans_key": SPANS_KEY, "embedded": True})
def make_claims(nlp: Language, name: str, spans_key: str, embedded: bool):
    """``embedded``: split a sentence at a subordinate clause with a cue and speaker of its own
    (``X said A, adding that B``; :mod:`.embedded_claims`)."""
    return ClaimSplitter(spans_key, embedded)


class ClaimSplitter:
    def __init__(self, spans_key: str = SPANS_KEY, embedded: bool = True):
        self.spans_key = spans_key
        self.embedded = embedded

    def __call__(self, doc: Doc) -> Doc:
        claims = [c for sent in doc.sents for c in claim_spans(sent)]
        if self.embedded:
            from .embedded_claims import split  # it reads cues, which read this module

            claims = [piece for c in claims for piece in split(c)]
        doc.spans[self.spans_key] = claims
        return doc


_TEXT = "annotator_text"  # where text_of keeps a Doc's text, in doc.user_data


def text_of(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy joins every token's text again at each call, and
    the components ask for it once per claim."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def has_finite_verb(span: Span | Doc) -> bool:
    return any(t.tag_ in FINITE_TAGS for t in span)


# What makes a headline's verb a statement rather than a noun misread: an object or complement.
_PREDICATES = frozenset({"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd", "dative", "agent",
                         "auxpass", "nsubjpass"})


def _headline_line(span: Span) -> bool:
    """``span`` is all of a short line without sentence punctuation: a headline, not prose."""
    text = text_of(span.doc).strip()
    return len(text.split()) <= structure.LIST_MAX_WORDS and not structure.punctuated(text)


def headline(span: Span | Doc) -> bool:
    """A headline's passive, its auxiliary left out: ``City council accused of hiding …``.

    No finite verb and no sentence punctuation, and a noun followed by a past participle.
    """
    if has_finite_verb(span) or structure.punctuated(span.text.strip()):
        return False
    words = [t for t in span if not t.is_punct and not t.is_space]
    return any(a.tag_ in NOUN_TAGS and b.tag_ == "VBN" for a, b in itertools.pairwise(words))


def is_cue_word(token: Token) -> bool:
    pos = "ADJ" if token.pos_ == "ADJ" else "VERB"
    return (token.lemma_.lower(), pos) in lexicon.cues() or (token.lower_, "ADJ") in lexicon.cues()


def trim(span: Span) -> Span | None:
    """``span`` without surrounding white space; None when nothing is left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    return doc[start:end] if end > start else None


def claim_spans(sent: Span) -> list[Span]:
    """The claims of one sentence: none, the sentence, or its independent clauses."""
    span = trim(sent)
    if span is None:
        return []
    if not has_finite_verb(span):
        return [span] if headline(span) else []
    if _headline_line(span) and not any(c.dep_ in _PREDICATES for c in span.root.children):
        return []  # "Fraud claims in Afghanistan": as likely a noun phrase as a sentence
    if span.text.rstrip("\"'”’») ").endswith("?"):
        return []
    return [c for c in split_clauses(span) if has_finite_verb(c)]


def _attributed(verb: Token, before: int | None = None) -> bool:
    """``verb`` is a cue word, or carries a parenthetical cue (``…, he said, …``) before ``before``."""
    if is_cue_word(verb):
        return True
    return any(c.dep_ in ("parataxis", "ccomp") and c.i > verb.i and (before is None or c.i < before)
               and is_cue_word(c) for c in verb.children)


def split_clauses(span: Span) -> list[Span]:
    """Split at independent clauses when one of them carries its own attribution.

    Coordinated clauses with their own subject (``X said A, but they have not accused B``) and
    clauses after a semicolon, or after a colon that does not open what a cue introduces, are
    split when either side is attributed, so that each gets its own source and stance.
    """
    doc = span.doc
    root = span.root
    for conj in root.conjuncts:
        if conj.i <= root.i or conj.pos_ not in ("VERB", "AUX") or not span.start < conj.i < span.end:
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
            continue
        head = conj.head if conj.head.i >= span.start else root
        if not (_attributed(head, before=conj.left_edge.i) or _attributed(conj)):
            continue
        if _closing_tag(conj, span):
            continue
        cut = conj.left_edge.i
        while cut < conj.i and (doc[cut].dep_ == "cc" or doc[cut].is_punct):
            cut += 1
        left = _trim_right(doc, span.start, cut)
        if left is None or cut >= span.end:
            continue
        return [left, *split_clauses(doc[cut:span.end])]
    for t in span:
        if t.text in (";", ":") and span.start < t.i < span.end - 1:
            right = doc[t.i + 1:span.end]
            left = _trim_right(doc, span.start, t.i)
            if left is None or not has_finite_verb(left) or not has_finite_verb(right):
                continue
            if t.text == ":" and (is_cue_word(left.root) or not _attributed(right.root)):
                continue
            if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in right.root.children):
                continue
            start = t.i + 1
            while start < span.end and doc[start].is_space:
                start += 1
            return [left, *split_clauses(doc[start:span.end])]
    return [span]


def _closing_tag(conj: Token, span: Span) -> bool:
    """``…, his top aide, Tad Devine, told The Huffington Post.``: a cue after a comma (no ``and``)
    that ends the sentence with no clause of its own tags the words before it; not a clause."""
    doc = span.doc
    before = conj.left_edge.i - 1
    if before < span.start or doc[before].text != "," or not is_cue_word(conj):
        return False
    if any(c.dep_ in ("ccomp", "xcomp", "parataxis", "advcl", "conj") for c in conj.children):
        return False
    return all(t.is_punct or t.is_space for t in doc[conj.right_edge.i + 1:span.end])


def _trim_right(doc: Doc, start: int, end: int) -> Span | None:
    while end > start and (doc[end - 1].dep_ == "cc" or doc[end - 1].text in _EDGE_PUNCT
                           or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None
