"""What a claim says apart from who says it: the parts of a claim the check-worthiness model reads.

The guide judges a reported claim by its content (``officials say the attacks were aimed at …``
is an explanation, so ``nfs``, whoever gives it). So the model reads the words of an attributed
claim's content, the clause its cue attributes (:func:`content_span`), and beside them a few
symbolic features of that content (:func:`judgement`): the stance and cue classes the pipeline
found, and whether the content is what the guide calls non-factual: a prediction, a possibility,
an obligation, an explanation, an attitude, a pledge, an evaluation, a first-person statement or an
imperative (the words in ``lexicons/judgement.tsv``). They are features the model weighs, not
rules.
"""

from functools import cache

from spacy.tokens import Span, Token

from . import lexicon
from .stance import main_path

MODAL_CATEGORIES = frozenset({"prediction", "possibility", "obligation"})
PERSONAL = frozenset({"i", "we", "you"})


@cache
def _categories() -> dict[str, str]:
    """Each word of ``lexicons/judgement.tsv`` with its category."""
    return {word.lower(): category for category, word in lexicon.pairs("judgement.tsv")}


def _attribution(claim: Span, name: str):
    return claim._.get(name) if Span.has_extension(name) else None


def _head(claim: Span) -> Token | None:
    """The head of the claim's attributed content, when it lies in the claim."""
    i = _attribution(claim, "annotator_content")
    return claim.doc[i] if i is not None and claim.start <= i < claim.end else None


def content_span(claim: Span) -> Span:
    """The clause the claim's cue attributes (its content head's subtree, within the claim); the
    claim itself when it has no cue or the clause is shorter than three tokens."""
    head = _head(claim)
    if _attribution(claim, "annotator_cue") is None or head is None:
        return claim
    start, end = max(claim.start, head.left_edge.i), min(claim.end, head.right_edge.i + 1)
    return claim.doc[start:end] if end - start >= 3 else claim


def _words(claim: Span) -> list[Token]:
    """The claim's tokens less its source and cue."""
    skip: set[int] = set()
    for name in ("annotator_source", "annotator_cue"):
        part = _attribution(claim, name)
        if part is not None:
            skip.update(range(part.start, part.end))
    return [t for t in claim if t.i not in skip]


def judgement(claim: Span) -> list[str]:
    """The claim's symbolic features, as strings."""
    attributed = "attributed" if _attribution(claim, "annotator_cue") is not None else "own"
    head = _head(claim) or claim.root
    out = [f"stance {_attribution(claim, 'annotator_stance') or 'asserted'}",
           f"head {attributed} {head.tag_}"]
    out += [f"cue class {c}" for c in _attribution(claim, "annotator_cue_classes") or ()]
    words = _categories()
    categories = set()
    for t in _words(claim):
        category = words.get(t.lemma_.lower()) or words.get(t.lower_)
        if category and (t.tag_ == "MD") == (category in MODAL_CATEGORIES):
            categories.add(category)
        if t.tag_ in ("JJS", "RBS"):
            categories.add("evaluative")
        if t.lower_ in PERSONAL and t.dep_ in ("nsubj", "nsubjpass"):
            categories.add("first_person")
    for t in main_path(head, claim) if claim.start <= head.i < claim.end else [head]:
        if t.pos_ == "ADJ" or t.dep_ == "acomp":
            categories.add("evaluative_predicate")
        if t.tag_ == "VB" and t.dep_ == "ROOT" and not any(c.dep_.startswith("nsubj") for c in t.children):
            categories.add("imperative")
    for c in sorted(categories or {"plain"}):
        out += [f"category {c}", f"category {attributed} {c}"]
    return out
