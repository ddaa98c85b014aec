"""The chain of cues from a claim's head inward (the innermost speaker is the source), and the cues
attached to a head that is no cue itself: a coordinated cue, a participle or relative clause that
speaks for the head's subject (``Police released a statement, saying …``, ``X defended the vote,
calling it a fraud``), a cue through ``take to``, ``go on to``."""

from spacy.tokens import Token

from . import lexicon
from .claims import text_of
from .cues import (
    QUOTE_MARKS,
    SUBJ,
    CueMatch,
    complement,
    cue_match,
    cue_span,
    lookup,
    negated,
    span_of,
    subject_of,
)
from .quotations import quotation_spans


def chain_from(head: Token) -> list[CueMatch]:
    """Cues heading ``head``'s clause, then nested ones inside each clausal complement."""
    chain: list[CueMatch] = []
    node: Token | None = head
    while node is not None:
        m = cue_match(node) or _attached_cue(node) if not chain else nested_cue(node)
        if m is None:
            break
        chain.append(m)
        node = m.content
    return chain


def nested_cue(node: Token) -> CueMatch | None:
    m = cue_match(node)
    if m is not None:
        return m
    for c in node.children:  # "Al-Fayed had approached the paper and accused Greer of ..."
        if c.dep_ == "conj":
            m = cue_match(c)
            if m is not None and m.cue.cls != "hedged":
                return m
    return None


def _attached_cue(head: Token) -> CueMatch | None:
    for c in head.children:
        # "X reconstructed the skull and hypothesised that …": a coordinated cue, same subject
        if c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in SUBJ for g in c.children):
            m = cue_match(c)
            if m is not None and (m.content is not None or characterises(m.cue)):  # "… and blamed Y"
                return m
        if c.dep_ == "advcl" and c.i < head.i + 50:
            m = cue_match(c)
            if m is not None and m.content is not None:
                return m
            # "Police released a statement, saying that …": the participle's subject is the head's
            cue = lookup(c)
            subj = subject_of(head)
            # "X defended the vote, calling it a fraud": a characterisation with its object alone
            if cue and c.tag_ == "VBG" and subj is not None and head.i < c.i and not any(
                    g.dep_ in SUBJ or g.dep_ == "aux" for g in c.children):  # not "what some are criticizing
                m = _speaking_for(subj, c, cue)
                if m is not None:
                    return m
        # "Trump took to Twitter to accuse …", "Sexton was quick to point out …", "X went on to
        # criticize …" (the parse may read the to-infinitive as an adverbial clause)
        for through in [c] + [g for g in c.children if c.dep_ == "acomp"]:
            if through.dep_ == "xcomp" and c.dep_ in ("xcomp", "acomp") or through.dep_ == "advcl" \
                    and through.tag_ == "VB" and head.lemma_.lower() in lexicon.words("say_through.txt"):
                m = cue_match(through)
                if m is not None:
                    return m
        # "X released a statement saying …", "X responded by saying …", "X issued a statement calling
        # the test a violation": the participle speaks for X
        for said in _participles(head, c):
            cue = lookup(said)
            subj = subject_of(head)
            if cue is not None and subj is not None:
                m = _speaking_for(subj, said, cue)
                if m is not None:
                    return m
        if c.dep_ in ("parataxis", "ccomp") and c.i > head.i or c.dep_ == "parataxis" and _set_off(c):
            cue = lookup(c)
            subj = subject_of(c)
            ok, inner = complement(c, cue) if cue else (False, None)
            # "…, he said, ''the era … is over.''": the quotation the cue opens is the head's clause
            if cue and subj is not None and (not ok or inner is None and head.i > c.right_edge.i):
                return CueMatch(cue, cue_span(c), span_of(subj), head, negated(c))
    return None


def _speaking_for(subj: Token, said: Token, cue: lexicon.Cue) -> CueMatch | None:
    """``said`` (a participle or a relative clause with cue ``cue``) speaking for ``subj``: with
    the clause or quotation it opens, or a characterisation with its object alone."""
    ok, content = complement(said, cue)
    if ok and (content is not None or characterises(cue)):
        return CueMatch(cue, cue_span(said), span_of(subj), content, negated(said))
    return None


def characterises(cue: lexicon.Cue) -> bool:
    """``cue`` names, describes or charges (``calling it a fraud``, ``accusing X of Y``): after a
    clause with no cue of its own, it speaks for that clause's subject with its object alone."""
    return "characterisation" in cue.frames


def _participles(head: Token, child: Token) -> list[Token]:
    """Participles under ``child`` that report for ``head``'s subject: ``a statement saying``
    (on the object), ``by saying`` (on a preposition)."""
    if child.dep_ == "dobj" and child.i > head.i:
        # "a statement saying …", "a video that accuses Y of …" (the relative word its subject)
        return [g for g in child.children if g.dep_ == "acl" and g.tag_ == "VBG" or g.dep_ == "relcl" and any(
            k.dep_ == "nsubj" and k.lower_ in ("that", "which") for k in g.children)]
    if child.dep_ == "prep" and child.lower_ in ("by", "in") and child.i > head.i:
        # not "in what some are criticizing as …": a clause with a speaker of its own
        return [g for g in child.children if g.dep_ == "pcomp" and g.tag_ == "VBG"
                and not any(k.dep_ in SUBJ or k.dep_ == "aux" for k in g.children)]
    return []


def _set_off(token: Token) -> bool:
    """``token``'s phrase stands between commas or dashes: ``The vote, officials said, was …``."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    marks = (",", "--", "—", "–")
    before = doc[left].text in marks or left > 0 and doc[left - 1].text in marks
    # "At times last year, people close to him said, …": a phrase opening the sentence, then the tag
    subject = subject_of(token)
    if not before and subject is not None and left == token.sent.start and subject.left_edge.i > left:
        before = doc[subject.left_edge.i - 1].text in marks
    # "In other words, he said, ''the era … is over.''": the comma may come before a quotation mark
    while right > left and doc[right].text in QUOTE_MARKS:
        right -= 1
    after = doc[right].text in marks or right + 1 < len(doc) and doc[right + 1].text in marks
    return before and after


def quoted_by(outer: CueMatch, inner: CueMatch) -> bool:
    """``inner``'s cue stands in a quotation that ``outer``'s speaker opens after its cue
    (``X said Y "says whatever he needs to say"``, ``X wrote that Y "said he's been impressed …``):
    the quoted words are ``outer``'s, the cue in them too, as a cue inside a whole quotation is; not
    where its subject is a pronoun, most often the outer speaker (``X said it "strongly rejects" …``)."""
    doc = inner.cue_span.doc
    if inner.source is None or inner.source.root.pos_ == "PRON":
        return False
    at, after = inner.cue_span.start_char, outer.cue_span.end_char
    return any(after <= a <= at < b for a, b in quotation_spans(text_of(doc)))


def unsaid(verb: Token) -> bool:
    """The cue ``verb`` under a modal (``X said Y should have insisted on …``, ``… would deny``):
    a speech not made, so an inner cue is the outer speaker's words, and no tag after a comma."""
    return any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children)
