"""Full Fact's claim type of a claim, judged on the claim's own content (its source and cue left out)."""

from spacy.tokens import Span

from . import lexicon

QUANTITY_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
FIRST_PERSON = frozenset({"i", "we", "my", "our", "me", "us"})
FUTURE = frozenset({"will", "shall", "'ll"})


def _content(claim: Span) -> list:
    """The claim's own words: its tokens less the source and cue that attribute it."""
    skip: set[int] = set()
    for name in ("annotator_source", "annotator_cue"):
        part = claim._.get(name) if Span.has_extension(name) else None
        if part is not None:
            skip.update(range(part.start, part.end))
    return [t for t in claim if t.i not in skip]


def claim_type(claim: Span) -> str:
    """Full Fact's claim typology, judged on the claim's own content.

    A number counts when it is an amount the claim states, not one that counts the people who
    say it (``Two engineers told …``) or a date; a schedule or an expectation (``is expected
    to address the council``) is a prediction.
    """
    words = _content(claim)
    types = lexicon.grouped("claim_types.tsv")
    if any(t.lower_ in FIRST_PERSON and t.dep_ in ("nsubj", "nsubjpass") for t in words):
        return "personal_experience"
    if any(t.lower_ in FUTURE and t.tag_ == "MD" for t in words) or any(
        t.lemma_.lower() in types["prediction"] and any(c.dep_ == "xcomp" for c in t.children)
        for t in words
    ):
        return "prediction"
    if any(t.ent_type_ in QUANTITY_LABELS or t.like_num and not t.ent_type_ for t in words):
        return "quantity"
    if any(t.lemma_.lower() in types["causation"] and (t.pos_ == "VERB" or t.lower_ in ("because", "due"))
           for t in words):
        return "correlation_causation"
    if any(t.lower_ in types["law"] or t.lemma_.lower() in types["law"] for t in words):
        return "laws_rules"
    return "other"
