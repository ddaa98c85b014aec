"""Claim spans: declarative sentences, or independent clauses that carry their own attribution.

The ``annotator_claims`` component fills ``doc.spans["annotator_claims"]``. A sentence is a claim
when it has a finite verb and is not a question; a sentence whose coordinated clauses each have
their own subject, one of them introduced by an attribution cue (``X said A, but they have not
accused B``), is split into one claim per clause, as the guide asks for clauses with different
sources or stances.
"""

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon

SPANS_KEY = "annotator_claims"
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_EDGE_PUNCT = frozenset({",", ";", "--", "—", "–", ":"})


@Language.factory("annotator_claims", default_config={"spans_key": SPANS_KEY})
def make_claims(nlp: Language, name: str, spans_key: str):
    return ClaimSplitter(spans_key)


class ClaimSplitter:
    def __init__(self, spans_key: str = SPANS_KEY):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = [c for sent in doc.sents for c in claim_spans(sent)]
        return doc


def has_finite_verb(span: Span | Doc) -> bool:
    return any(t.tag_ in FINITE_TAGS for t in span)


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
    if span is None or not has_finite_verb(span):
        return []
    if span.text.rstrip("\"'”’») ").endswith("?"):
        return []
    return [c for c in split_clauses(span) if has_finite_verb(c)]


def split_clauses(span: Span) -> list[Span]:
    """Split at a coordinated clause with its own subject when either clause is attributed."""
    root = span.root
    for conj in root.children:
        if conj.dep_ != "conj" or conj.i <= root.i or conj.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
            continue
        if not (is_cue_word(root) or is_cue_word(conj)):
            continue
        cut = conj.left_edge.i
        end = cut
        doc = span.doc
        while end > span.start and (doc[end - 1].dep_ == "cc" or doc[end - 1].text in _EDGE_PUNCT
                                    or doc[end - 1].is_space):
            end -= 1
        if end <= span.start or cut >= span.end:
            continue
        return [doc[span.start:end], *split_clauses(doc[cut:span.end])]
    return [span]
