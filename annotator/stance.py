"""How firmly a claim is said: the guide's five labels, the weakest commitment winning.

The ``annotator_stance`` component reads the cue classes the attribution component found and
adds the hedges of the attributed content (modal verbs, hedging adverbs and adjectives, raising
verbs such as ``appear``), then sets ``span._.annotator_stance``.
"""

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import lexicon
from .claims import SPANS_KEY
from .labels import STANCES

# weakest commitment wins: denied > hedged > alleged > reported > asserted
WEAKNESS = {label: i for i, label in enumerate(STANCES)}
INABILITY = frozenset({"could", "can"})

if not Span.has_extension("annotator_stance"):
    Span.set_extension("annotator_stance", default=None)


@Language.factory("annotator_stance", default_config={"spans_key": SPANS_KEY})
def make_stance(nlp: Language, name: str, spans_key: str):
    return StanceTagger(spans_key)


class StanceTagger:
    def __init__(self, spans_key: str = SPANS_KEY):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        for claim in doc.spans[self.spans_key]:
            classes = claim._.annotator_cue_classes or []
            content = claim._.annotator_content
            hedged = content is not None and is_hedged(doc[content], claim)
            claim._.annotator_stance = combine(
                [lexicon.STANCE_OF_CLASS[c] for c in classes] + (["hedged"] if hedged else [])
            )
        return doc


def combine(labels: Iterable[str]) -> str:
    """The weakest commitment among ``labels``; ``asserted`` when there are none."""
    return max(labels, key=WEAKNESS.__getitem__, default="asserted")


def main_path(head: Token, claim: Span) -> list[Token]:
    """The content's head, with the verbs it coordinates and the predicates it raises."""
    path = [head]
    for t in path:
        for c in t.children:
            if (c.dep_ in ("xcomp", "conj", "acomp") and c.pos_ in ("VERB", "AUX", "ADJ")
                    and claim.start <= c.i < claim.end and c not in path):
                path.append(c)
    return path


RAISING = {"appear", "seem"}


def _raises(verb: Token) -> bool:
    """``appear``/``seem`` with what they qualify: ``appears to``, ``seems likely``, ``appears that``."""
    return any(c.dep_ in ("xcomp", "ccomp", "acomp", "attr", "oprd") for c in verb.children)


def is_hedged(head: Token, claim: Span) -> bool:
    """A hedge word on the content's main path: ``may``, ``likely``, ``appeared``, ``seems``."""
    hedges = lexicon.words("hedges.txt")
    for t in main_path(head, claim):
        if t.lemma_.lower() in hedges or t.lower_ in hedges:
            if t.lemma_ in RAISING and not _raises(t):
                continue  # "the findings appear in the journal": published, not uncertain
            return True
        negated = any(c.dep_ == "neg" for c in t.children)
        for c in t.children:
            if c.dep_ in ("aux", "advmod", "acomp") and (c.lower_ in hedges or c.lemma_.lower() in hedges):
                if negated and c.lower_ in INABILITY:
                    continue  # "could not be reached" is inability, not doubt
                return True
    return False
