"""What the attribution, quotation and claim tests share: a text's claims and their fields, and
sources compared as the guide's scorer compares them (by shared tokens, articles and punctuation
dropped)."""

import re

from annotator.claims import SPANS_KEY

DROP = {"the", "a", "an", "of"}


def toks(s):
    return {t for t in re.findall(r"\w+", (s or "").casefold()) if t not in DROP}


def same(pred, gold):
    if not gold:
        return not pred
    a, b = toks(pred), toks(gold)
    return bool(a and b) and len(a & b) >= 0.5 * min(len(a), len(b))


def first_claim(nlp, text):
    doc = nlp(text)
    claims = list(doc.spans[SPANS_KEY])
    assert claims, f"no claim found in {text!r}"
    return claims


def document_claims(nlp, text):
    """The claim rows of ``text`` read as one document (paragraphs, quotations across them)."""
    from annotator import corpus, pipeline

    document = corpus.Document("t.txt", "t.txt", text, "0", len(text), "utf-8")
    return next(pipeline.process(nlp, [document])).claims


def fields(span):
    src = span._.annotator_source
    cue = span._.annotator_cue
    return (src.text if src is not None else ""), (cue.text if cue is not None else ""), span._.annotator_stance
